// Test support for lower_test, optimize_test, roundtrip_test and
// differential_test: parse rule text, lower it, load it, and build RecordViews
// from JSON records (simdjson DOM -> Values in an Arena, one per field slot).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include <simdjson.h>

#include "compiler/lower.h"
#include "compiler/parse.h"
#include "runtime/dispatch.h"
#include "runtime/loaded_program.h"
#include "runtime/vm.h"
#include "test_util.h"

namespace sesrules::compiler::testing {

struct Compiled {
  std::vector<SourceFile> files;
  std::vector<Module> modules;
  runtime::Program program;
};

// Each text is one file (file i named "f<i>.rules"). Fails the test on syntax errors.
inline Compiled compile_texts(const std::vector<std::string>& texts, bool optimize = true) {
  Compiled c;
  for (std::size_t i = 0; i < texts.size(); ++i) c.files.emplace_back("f" + std::to_string(i) + ".rules", texts[i]);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Diagnostics diagnostics;
    std::optional<Module> m = parse_module(c.files[i], static_cast<std::uint32_t>(i), diagnostics);
    std::string messages;
    for (const Diagnostic& d : diagnostics.items()) messages += d.code + " " + d.message + "\n";
    INFO(messages);
    REQUIRE(m);
    REQUIRE_FALSE(diagnostics.has_errors());
    c.modules.push_back(std::move(*m));
  }
  c.program = lower_program(c.modules, c.files, LowerOptions{optimize});
  return c;
}

inline std::shared_ptr<const runtime::LoadedProgram> load_or_fail(const runtime::Program& program) {
  auto loaded = runtime::LoadedProgram::load(program);
  std::string message = loaded.ok() ? std::string() : loaded.status().message();
  INFO(message);
  REQUIRE(loaded.ok());
  return loaded.value();
}

inline runtime::Value json_to_value(simdjson::dom::element e, runtime::Arena& arena) {
  using simdjson::dom::element_type;
  using runtime::Value;
  switch (e.type()) {
    case element_type::NULL_VALUE: return Value::null();
    case element_type::BOOL: return Value::from_bool(bool(e));
    case element_type::INT64: return Value::from_int(int64_t(e));
    case element_type::UINT64: return Value::from_double(double(uint64_t(e)));
    case element_type::DOUBLE: return Value::from_double(double(e));
    case element_type::STRING: return Value::from_string(arena.copy_string(std::string_view(e)));
    case element_type::ARRAY: {
      simdjson::dom::array a = e;
      auto* items = arena.allocate_array<Value>(a.size());
      std::uint32_t n = 0;
      for (auto child : a) new (&items[n++]) Value(json_to_value(child, arena));
      return Value::from_array(items, n);
    }
    case element_type::OBJECT: {
      simdjson::dom::object o = e;
      auto* members = arena.allocate_array<runtime::Member>(o.size());
      std::uint32_t n = 0;
      for (auto field : o) new (&members[n++]) runtime::Member{arena.copy_string(field.key), json_to_value(field.value, arena)};
      return Value::from_object(members, n);
    }
  }
  return Value::undefined();
}

// A record: one Value per Program field slot, extracted from JSON text.
class TestRecord {
 public:
  TestRecord(const runtime::Program& program, const std::string& json) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    REQUIRE(parser.parse(json).get(root) == simdjson::SUCCESS);
    doc_ = json_to_value(root, arena_);
    runtime::Value doc = doc_;
    for (const auto& path : program.fields) {
      runtime::Value v = doc;
      for (const std::string& key : path) {
        runtime::Value next;
        for (std::uint32_t i = 0; v.kind == runtime::Kind::Object && i < v.size; ++i) {
          if (v.members[i].key == key) next = v.members[i].value;
        }
        v = next;
      }
      values_.push_back(v);
    }
    view_.fields = values_;
  }
  const runtime::RecordView& view() const { return view_; }
  const runtime::Value& field(std::uint32_t slot) const { return values_[slot]; }
  const runtime::Value& document() const { return doc_; }

 private:
  runtime::Arena arena_;
  runtime::Value doc_;
  std::vector<runtime::Value> values_;
  runtime::RecordView view_;
};

// Whether single rule `rule` holds on `record` as the runtime decides it: only
// records the dispatch index routes to the rule run its predicate, which (when
// optimized) omits the eventSource / eventName conditions dispatch guarantees.
inline bool rule_holds(runtime::Vm& vm, const runtime::Program& program, const runtime::DispatchIndex& index,
                       std::uint32_t rule, const TestRecord& record, runtime::Arena& arena) {
  auto text = [&](std::uint32_t slot) {
    const runtime::Value& v = record.field(slot);
    return v.kind == runtime::Kind::String ? v.str() : std::string_view();
  };
  bool routed = false;
  for (const runtime::DispatchTarget& t : index.candidates(text(runtime::kSlotEventSource), text(runtime::kSlotEventName))) {
    routed = routed || (t.rule == rule && t.step == runtime::kWholeRule);
  }
  return routed && vm.holds(program.rules[rule].predicate_fn, record.view(), arena);
}

inline std::uint32_t rule_index(const runtime::Program& p, const std::string& name) {
  for (std::uint32_t i = 0; i < p.rules.size(); ++i) {
    if (p.rules[i].name == name) return i;
  }
  FAIL("no rule " << name);
  return 0;
}

}  // namespace sesrules::compiler::testing
