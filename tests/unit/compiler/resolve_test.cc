// Tests resolve.cc and resolve_scope.cc: packages spanning files, imports,
// name binding, scoping of locals/loop variables/steps, recursion cycles.
#include <doctest/doctest.h>

#include "compiler/compile.h"
#include "compiler/resolve.h"
#include "test_util.h"

namespace sesrules::compiler {
namespace {

std::string compile_codes(std::vector<std::pair<std::string, std::string>> sources) {
  CompileInput input;
  for (auto& [name, text] : sources) input.files.emplace_back(name, text);
  input.lower = false;
  return testing::codes(compile(std::move(input)).diagnostics);
}

constexpr const char* kMeta = "meta { title: \"t\" severity: low description: \"d\" }\n";

TEST_CASE("a package may span files, imports cross files") {
  std::string lib_a = "package acme.lib\nses_call { input.eventSource == \"ses.amazonaws.com\" }\n";
  std::string lib_b = "package acme.lib\nquota { ses_call; input.eventName == \"GetSendQuota\" }\n";
  std::string user = std::string("package acme.rules\nimport acme.lib\nimport acme.lib as other\nalert a {\n  ") + kMeta +
                     "  when { lib.quota; other.ses_call }\n}\n";
  CHECK(compile_codes({{"a.rules", lib_a}, {"b.rules", lib_b}, {"user.rules", user}}) == "");
}

TEST_CASE("name errors") {
  struct Case { const char* source; const char* codes; };
  const Case cases[] = {
      {"package p\nh { x }\n", "E203"},
      {"package p\nh { x := 1; x == 1 }\nk { x }\n", "E203"},                      // locals do not leak
      {"package p\nh { some r in input.resources { r.type == \"x\" }; r }\n", "E203"},  // loop var scoped
      {"package p\nh { helper_two }\nhelper_too { true }\n", "E203"},
      {"package p\nh { nope(1) }\n", "E205"},
      {"package p\nh { x := 1; x(2) }\n", "E205"},
      {"package p\nimport q\n", "E206"},
      {"package p\nimport p\n", "E207"},
      {"package p\nc := 1\nc := 2\n", "E201"},
      {"package p\nc := 1\nc { true }\n", "E201"},
      {"package p\ncount := 1\n", "E201"},
      {"package p\nf(a) { a }\nf(a, b) { a }\n", "E213"},
      {"package p\nv := 1 { true }\nv { true }\n", "E213"},
      {"package p\nf(a) { a == 1 }\nh { f }\n", "E307"},
      {"package p\ng { true }\nh { g(1) }\n", "E307"},
      {"package p\nf(a) { a == 1 }\nh { f(1, 2) }\n", "E301"},
      {"package p\nh { lower(\"a\", \"b\") }\n", "E301"},
      {"package p\na { b }\nb { c }\nc { a }\n", "E208"},
      {"package p\nx := y\ny := x\n", "E208"},
      {"package p\nh { x := 1; x := 2; x == 1 }\n", "E209"},
      {"package p\ndefault v := 1\n", "E308"},
      {"package p\nv := 1 { true }\ndefault v := input.x\n", "E308"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    CHECK(compile_codes({{"t.rules", c.source}}) == c.codes);
  }
}

TEST_CASE("a long chain of helpers does not exhaust the stack") {
  std::string text = "package p\n";
  for (int i = 0; i < 20000; ++i) text += "h" + std::to_string(i) + " { h" + std::to_string(i + 1) + " }\n";
  text += "h20000 { h0 }\n";
  CHECK(compile_codes({{"chain.rules", text}}) == "E208");
}

TEST_CASE("imports: unknown members, duplicate aliases and unused imports") {
  std::string lib = "package lib\nok { input.eventSource == \"ses.amazonaws.com\" }\n";
  CHECK(compile_codes({{"lib.rules", lib}, {"u.rules", "package u\nimport lib\nh { lib.missing }\n"}}) == "E212");
  CHECK(compile_codes({{"lib.rules", lib}, {"u.rules", "package u\nimport lib\nh { lib.ok(1) }\n"}}) == "E307");
  CHECK(compile_codes({{"lib.rules", lib}, {"u.rules", "package u\nimport lib\nimport lib\n"}}) == "E211");
  std::string user = std::string("package u\nimport lib\nalert a {\n  ") + kMeta +
                     "  when { input.eventSource == \"ses.amazonaws.com\" }\n}\n";
  CHECK(compile_codes({{"lib.rules", lib}, {"u.rules", user}}) == "W105");
}

TEST_CASE("step references follow the order rules") {
  auto sequence = [](const char* kind, const char* steps, const char* extra) {
    return std::string("package p\nsequence s {\n  ") + kMeta + "  by input.userIdentity.accessKeyId\n  within 1h\n  " +
           kind + " {\n" + steps + "  }\n" + extra + "}\n";
  };
  const char* src = "input.eventSource == \"ses.amazonaws.com\"";
  std::string a = std::string("    step a { ") + src + " }\n";
  std::string b_uses_a = std::string("    step b { ") + src + "; input.awsRegion == a.awsRegion }\n";
  std::string a_uses_b = std::string("    step a { ") + src + "; input.awsRegion == b.awsRegion }\n";
  std::string b = std::string("    step b { ") + src + " }\n";
  CHECK(compile_codes({{"t", sequence("ordered", (a + b_uses_a).c_str(), "")}}) == "");
  CHECK(compile_codes({{"t", sequence("ordered", (a_uses_b + b).c_str(), "")}}) == "E410");
  CHECK(compile_codes({{"t", sequence("unordered", (a + b_uses_a).c_str(), "")}}) == "E410");
  CHECK(compile_codes({{"t", sequence("ordered", (a + b).c_str(), "  output { r: b.awsRegion }\n")}}) == "");
  CHECK(compile_codes({{"t", sequence("ordered", (a + b).c_str(), "  until { a.awsRegion == \"x\" }\n")}}) == "E410");
  CHECK(compile_codes({{"t", sequence("ordered", (a + b).c_str(), "  output { r: a }\n")}}) == "E410");
}

TEST_CASE("resolution binds references") {
  SourceFile file("t", "package p\nc := {\"a\"}\nh { input.eventName in c; startswith(input.eventName, \"G\") }\n");
  Diagnostics diagnostics;
  std::vector<Module> modules;
  modules.push_back(*parse_module(file, 0, diagnostics));
  std::vector<SourceFile> files{file};
  Resolution resolution = resolve(modules, files, diagnostics);
  CHECK(diagnostics.error_count() == 0);
  const Body& body = modules[0].helpers[0].body;
  const Reference* c = resolution.reference(*body[0].expr->children[1]);
  REQUIRE(c);
  CHECK(c->kind == Reference::Kind::Symbol);
  CHECK(c->symbol->qualified() == "p.c");
  const Reference* call = resolution.reference(*body[1].expr);
  REQUIRE(call);
  CHECK(call->kind == Reference::Kind::Builtin);
  CHECK(call->builtin->name == "startswith");
  CHECK(resolution.used_symbols.count("p.c") == 1);
}

}  // namespace
}  // namespace sesrules::compiler
