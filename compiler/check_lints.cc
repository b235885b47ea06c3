// check stage, lints (W-codes), run only on an error-free compilation.
// The eventSource/eventName facts of a body are collected through the helpers
// it uses (boolean helpers with one definition, with function parameters bound
// to the call's arguments), so `ses_api({"GetSendQuota"})` counts as an
// eventName condition and `ses_call` as an eventSource condition.
// Tested by check_test.cc and tests/golden/diag.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "compiler/check.h"
#include "compiler/parse.h"
#include "compiler/schema.h"

namespace sesrules::compiler {
namespace {

constexpr int kMaxHelperDepth = 16;

// "eventName" for input.eventName; "" for anything else.
std::string input_field(const Expr& e) {
  std::string path;
  const Expr* node = &e;
  while (node->kind == ExprKind::Member) {
    path = path.empty() ? node->text : node->text + "." + path;
    node = node->children[0].get();
  }
  return node->kind == ExprKind::Input ? path : std::string();
}

struct Value {
  std::string_view text;            // in the AST, which outlives the lints
  Span span;                        // the literal
};

struct Constraint {
  std::vector<Value> values;        // empty: not statically known
  Span span;                        // the condition
};

struct Facts {
  std::vector<Constraint> sources;
  std::vector<Constraint> names;
};

using Bindings = std::map<std::string, const Expr*>;

class FactCollector {
 public:
  explicit FactCollector(const Resolution& resolution) : resolution_(resolution) {}

  void body(const Body& b, const Bindings& bindings, Facts& facts, int depth) {
    if (depth > kMaxHelperDepth) return;
    for (const Stmt& s : b) {
      if (s.kind == StmtKind::Expr) condition(*s.expr, bindings, facts, depth);
    }
  }

 private:
  const Expr* substitute(const Expr* e, const Bindings& bindings) const {
    if (e->kind == ExprKind::Name) {
      if (auto it = bindings.find(e->text); it != bindings.end()) return it->second;
      const Reference* ref = resolution_.reference(*e);
      if (ref && ref->kind == Reference::Kind::Symbol && ref->symbol->kind == SymbolKind::Constant) {
        return ref->symbol->constant->value.get();
      }
    }
    return e;
  }

  std::vector<Value> strings(const Expr* e, const Bindings& bindings) const {
    e = substitute(e, bindings);
    std::vector<Value> out;
    if (e->kind == ExprKind::String) out.push_back(Value{e->text, e->span});
    if (e->kind == ExprKind::Set || e->kind == ExprKind::Array) {
      for (const ExprPtr& child : e->children) {
        if (child->kind != ExprKind::String) return {};
        out.push_back(Value{child->text, child->span});
      }
    }
    return out;
  }

  void condition(const Expr& e, const Bindings& bindings, Facts& facts, int depth) {
    if ((e.kind == ExprKind::Compare && e.op == CompareOp::Eq) || e.kind == ExprKind::In) {
      for (int side = 0; side < 2; ++side) {
        if (e.kind == ExprKind::In && side == 1) break;
        std::string field = input_field(*e.children[static_cast<std::size_t>(side)]);
        if (field != "eventSource" && field != "eventName") continue;
        Constraint c{strings(e.children[static_cast<std::size_t>(1 - side)].get(), bindings), e.span};
        (field == "eventSource" ? facts.sources : facts.names).push_back(std::move(c));
      }
      return;
    }
    const Reference* ref = resolution_.reference(e);
    if (ref == nullptr || ref->kind != Reference::Kind::Symbol || ref->symbol->kind != SymbolKind::Helper) return;
    const std::vector<const HelperDecl*>& definitions = ref->symbol->definitions;
    if (definitions.size() == 1) {
      body(definitions.front()->body, bind(*definitions.front(), e, bindings), facts, depth + 1);
      return;
    }
    // Several definitions (OR): the call is indexed when every definition is, but
    // the values differ between definitions, so they are not known here.
    bool all_sources = true;
    bool all_names = true;
    for (const HelperDecl* definition : definitions) {
      Facts alternative;
      body(definition->body, bind(*definition, e, bindings), alternative, depth + 1);
      all_sources = all_sources && !alternative.sources.empty();
      all_names = all_names && !alternative.names.empty();
    }
    if (all_sources) facts.sources.push_back(Constraint{{}, e.span});
    if (all_names) facts.names.push_back(Constraint{{}, e.span});
  }

  Bindings bind(const HelperDecl& helper, const Expr& call, const Bindings& outer) const {
    Bindings inner;
    if (call.kind != ExprKind::Call) return inner;
    for (std::size_t i = 0; i < helper.params.size() && i < call.children.size(); ++i) {
      inner[helper.params[i].name] = substitute(call.children[i].get(), outer);
    }
    return inner;
  }

  const Resolution& resolution_;
};

// Templates rather than std::function: these run for every expression node.
template <typename Fn>
void visit(const Expr& e, const Fn& fn) {
  fn(e);
  for (const ExprPtr& child : e.children) visit(*child, fn);
}

template <typename Fn>
void walk_body(const Body& b, const Fn& fn) {
  fn(b);
  for (const Stmt& s : b) walk_body(s.body, fn);
}

template <typename Fn>
void for_each_body(const std::vector<Module>& modules, const Fn& fn) {
  auto walk = [&](const Body& b) { walk_body(b, fn); };
  for (const Module& m : modules) {
    for (const HelperDecl& h : m.helpers) walk(h.body);
    for (const DetectionDecl& d : m.detections) {
      walk(d.when);
      for (const StepDecl& s : d.steps) walk(s.body);
      if (d.until) walk(*d.until);
    }
  }
}

class Linter {
 public:
  Linter(const Resolution& resolution, Diagnostics& diagnostics) : resolution_(resolution), diagnostics_(diagnostics) {}

  // W101, W102, W107 for one detection body (when / a step). `step` names the
  // step for W107's message (built only when it is reported).
  void indexing(const Body& body, Span where, const DetectionDecl& d, const StepDecl* step) {
    Facts facts;
    FactCollector(resolution_).body(body, {}, facts, 0);
    if (facts.sources.empty() && facts.names.empty()) {
      std::string what =
          step ? fmt::format("step `{}` of `{}`", step->name, d.name) : fmt::format("alert `{}`", d.name);
      add(Diagnostic::make(DiagCode::W107, where, fmt::format("{} has no eventSource or eventName condition", what),
                           "runs on every record")
              .with_note("add `input.eventSource == \"...\"` so dispatch can skip unrelated records"));
      return;
    }
    if (facts.sources.empty()) {
      add(Diagnostic::make(DiagCode::W102, facts.names.front().span, "eventName is tested without an eventSource condition",
                           "several services share API names"));
      return;
    }
    std::vector<const ServiceApis*> services;
    for (const Constraint& source : facts.sources) {
      for (const Value& value : source.values) {
        const ServiceApis* service = find_service(value.text);
        if (service == nullptr) return;  // a service outside the catalogue: nothing to say
        services.push_back(service);
      }
      if (source.values.empty()) return;
    }
    for (const Constraint& name : facts.names) api_names(name, services);
  }

  void api_names(const Constraint& name, const std::vector<const ServiceApis*>& services) {
    for (const Value& value : name.values) {
      bool known = std::any_of(services.begin(), services.end(),
                               [&](const ServiceApis* s) { return service_has_api(*s, value.text); });
      if (known) continue;
      std::vector<std::string> candidates;
      std::string sources;
      for (const ServiceApis* s : services) {
        for (std::string_view api : s->apis) candidates.emplace_back(api);
        if (sources.find(s->event_source) == std::string::npos) {
          sources += (sources.empty() ? "" : " or ") + std::string(s->event_source);
        }
      }
      Diagnostic d = Diagnostic::make(DiagCode::W101, value.span,
                                      fmt::format("`{}` is not an API of {}", value.text, sources), "never matches");
      if (auto close = suggest(value.text, candidates)) {
        d.with_fix(value.span, "\"" + *close + "\"", fmt::format("did you mean `{}`?", *close));
      }
      if (value.span.begin < name.span.begin || value.span.end > name.span.end) {
        d.with_secondary(name.span, "compared here");
      }
      add(std::move(d));
    }
  }

  // W103 within one body.
  void contradictions(const Body& body) {
    // A body has a few such conditions: a list scanned, not a map built per body.
    std::vector<std::pair<std::string, const Expr*>> equal_to;
    for (const Stmt& s : body) {
      if (s.kind != StmtKind::Expr || s.expr->kind != ExprKind::Compare || s.expr->op != CompareOp::Eq) continue;
      const Expr& lhs = *s.expr->children[0];
      const Expr& rhs = *s.expr->children[1];
      if (rhs.kind != ExprKind::String && rhs.kind != ExprKind::Int && rhs.kind != ExprKind::Bool) continue;
      std::string key = dump_expr(lhs);
      auto it = std::find_if(equal_to.begin(), equal_to.end(), [&](const auto& entry) { return entry.first == key; });
      if (it == equal_to.end()) {
        equal_to.emplace_back(std::move(key), &rhs);
        continue;
      }
      if (dump_expr(*it->second) != dump_expr(rhs)) {
        std::string field = input_field(lhs);
        std::string subject = field.empty() ? "the same value" : "`input." + field + "`";
        add(Diagnostic::make(DiagCode::W103, s.expr->span,
                             fmt::format("{} cannot equal both {} and {}, so this body never holds", subject,
                                         dump_expr(*it->second), dump_expr(rhs)),
                             "contradicts an earlier condition")
                .with_secondary(it->second->span, "earlier condition"));
      }
    }
  }

  // W108, W109 on one comparison.
  void comparison(const Expr& e) {
    if (e.kind != ExprKind::Compare || (e.op != CompareOp::Eq && e.op != CompareOp::Ne)) return;
    for (int side = 0; side < 2; ++side) {
      std::string field = input_field(*e.children[static_cast<std::size_t>(side)]);
      const Expr& other = *e.children[static_cast<std::size_t>(1 - side)];
      const FieldInfo* info = field.empty() ? nullptr : find_field(field);
      if (info && info->type == FieldType::Bool && other.kind == ExprKind::String) {
        add(Diagnostic::make(DiagCode::W108, other.span, fmt::format("`{}` is a boolean; a string never equals it", field),
                             "a string")
                .with_fix(other.span, other.text == "true" ? "true" : "false",
                          fmt::format("compare with `{}`", other.text == "true" ? "true" : "false")));
      }
      if (field == "userIdentity.type" && other.kind == ExprKind::String && other.text == "IAMUser" &&
          e.op == CompareOp::Eq) {
        add(Diagnostic::make(DiagCode::W109, e.span, "`userIdentity.type == \"IAMUser\"` does not mean a long-term access key",
                             "also true for console and temporary credentials")
                .with_fix(e.span, "startswith(input.userIdentity.accessKeyId, \"AKIA\")",
                          "test the key instead: `startswith(input.userIdentity.accessKeyId, \"AKIA\")`"));
      }
    }
  }

  void unused(const std::vector<Module>& modules) {
    for (const auto& [name, package] : resolution_.packages) {
      if (package.detections.empty()) continue;  // a library package: its names are for importers
      for (const auto& [symbol_name, symbol] : package.symbols) {
        if (resolution_.used_symbols.count(symbol.qualified())) continue;
        add(Diagnostic::make(DiagCode::W104, symbol.span,
                             fmt::format("{} `{}` is never used", symbol.kind == SymbolKind::Constant ? "constant" : "helper",
                                         symbol_name),
                             "unused"));
      }
    }
    for (const Module& m : modules) {
      for (const ImportDecl& import : m.imports) {
        if (!resolution_.used_imports.count(&import)) {
          add(Diagnostic::make(DiagCode::W105, import.span, fmt::format("import `{}` is never used", import.package),
                               "unused import"));
        }
      }
    }
  }

 private:
  void add(Diagnostic d) {
    std::string key = d.code + ":" + std::to_string(d.span.file) + ":" + std::to_string(d.span.begin);
    if (reported_.insert(key).second) diagnostics_.add(std::move(d));
  }

  const Resolution& resolution_;
  Diagnostics& diagnostics_;
  std::set<std::string> reported_;  // one finding per code and position (helpers are shared)
};

}  // namespace

void lint_modules(const std::vector<Module>& modules, const Resolution& resolution, Diagnostics& diagnostics) {
  Linter linter(resolution, diagnostics);
  for (const Module& m : modules) {
    for (const DetectionDecl& d : m.detections) {
      if (d.kind == DetectionKind::Alert) {
        linter.indexing(d.when, d.name_span, d, nullptr);
      }
      for (const StepDecl& step : d.steps) {
        Span where = d.sequence_kind == SequenceKind::Threshold ? d.sequence_kind_span : step.name_span;
        if (!step.absent) linter.indexing(step.body, where, d, &step);
      }
    }
  }
  for_each_body(modules, [&](const Body& body) {
    linter.contradictions(body);
    for (const Stmt& s : body) {
      if (s.expr) visit(*s.expr, [&](const Expr& e) { linter.comparison(e); });
    }
  });
  linter.unused(modules);
}

}  // namespace sesrules::compiler
