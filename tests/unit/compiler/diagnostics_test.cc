// Tests diagnostics.cc, render.cc and render_machine.cc: the code table and
// its documentation, suggestions, the collector (limit, sort, counts) and the
// four renderers (text snippets with tabs and UTF-8, JSON lines, GitHub
// annotations, SARIF 2.1.0).
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <simdjson.h>

#include "compiler/diagnostics.h"
#include "compiler/render.h"
#include "test_util.h"

namespace sesrules::compiler {
namespace {

TEST_CASE("the table is consistent and docs/diagnostics.md lists every code") {
  std::string docs = testing::read_text(std::string(SESRULES_SOURCE_DIR) + "/docs/diagnostics.md");
  REQUIRE(!docs.empty());
  std::set<std::string_view> codes, slugs;
  for (const DiagInfo& info : diagnostic_table()) {
    CAPTURE(info.code);
    CHECK(codes.insert(info.code).second);
    CHECK(slugs.insert(info.slug).second);
    CHECK((info.code[0] == 'W') == (info.severity == Severity::Warning));
    CHECK(docs.find("`" + std::string(info.code) + "`") != std::string::npos);
    CHECK(docs.find(std::string(info.slug)) != std::string::npos);
    CHECK(find_diag_info(info.code) == &info);
    CHECK(find_diag_info(info.slug) == &info);
  }
  CHECK(find_diag_info("nope") == nullptr);
}

TEST_CASE("suggestions") {
  struct Case { const char* name; std::vector<std::string> candidates; const char* expected; };
  const Case cases[] = {
      {"eventname", {"eventName", "eventSource"}, "eventName"},
      {"accesKeyId", {"accessKeyId", "arn"}, "accessKeyId"},
      {"hihg", {"high", "low"}, "high"},
      {"xyz", {"abc"}, ""},
      {"ab", {"ac"}, ""},                       // too short to guess
      {"cat", {"bat", "hat"}, ""},              // ambiguous
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    CHECK(suggest(c.name, c.candidates).value_or("") == c.expected);
  }
  CHECK(edit_distance("kitten", "sitting", 5) == 3);
  CHECK(edit_distance("abc", "abcdefgh", 2) == 3);
}

TEST_CASE("collector: limit, counts and order") {
  Diagnostics diagnostics(2);
  diagnostics.add(Diagnostic::make(DiagCode::W104, Span{0, 50, 51}, "w"));
  diagnostics.add(Diagnostic::make(DiagCode::E203, Span{1, 5, 6}, "e1"));
  diagnostics.add(Diagnostic::make(DiagCode::E203, Span{0, 9, 10}, "e2"));
  diagnostics.add(Diagnostic::make(DiagCode::E203, Span{0, 1, 2}, "e3"));
  diagnostics.add(Diagnostic::make(DiagCode::E203, Span{0, 1, 2}, "e4"));
  CHECK(diagnostics.limit_reached());
  CHECK(diagnostics.error_count() == 2);
  CHECK(diagnostics.warning_count() == 1);
  diagnostics.sort();
  CHECK(testing::codes(diagnostics) == "E203 W104 E203 E106");
  CHECK(diagnostics.items()[0].message == "e2");
}

TEST_CASE("text rendering lines carets up under tabs and UTF-8") {
  std::vector<SourceFile> files{SourceFile("r.rules", "package p\n\tx := \"é\" == eventname\n")};
  std::uint32_t at = static_cast<std::uint32_t>(files[0].text().find("eventname"));
  Diagnostic d = Diagnostic::make(DiagCode::E204, Span{0, at, at + 9}, "unknown field `eventname`", "not a field");
  d.with_fix(d.span, "eventName", "did you mean `eventName`?").with_note("a note");
  std::string text = render_text(d, files);
  CHECK(text ==
        "r.rules:2:14: error[E204]: unknown field `eventname`\n"
        "  |\n"
        "2 |     x := \"é\" == eventname\n"
        "  |                 ^^^^^^^^^ not a field\n"
        "  = help: did you mean `eventName`?\n"
        "  = note: a note\n");
  std::string coloured = render_text(d, files, RenderOptions{true, 4});
  CHECK(coloured.find("\x1b[1;31m") != std::string::npos);
  Diagnostics all;
  all.add(d);
  all.add(Diagnostic::make(DiagCode::W104, Span{0, 0, 7}, "w"));
  CHECK(render_summary(all) == "1 error, 1 warning");
  std::vector<SourceFile> hostile{SourceFile("h.rules", "package p\nx := \"\x1b[2J\" # \x07\n")};
  Diagnostic escape = Diagnostic::make(DiagCode::W104, Span{0, 10, 11}, "constant `x` (\"\x1b[2J\") is never used");
  std::string safe = render_text(escape, hostile);
  CHECK(safe.find('\x1b') == std::string::npos);
  CHECK(safe.find('\x07') == std::string::npos);
  CHECK(safe.find("(\"\\x1b[2J\")") != std::string::npos);
  CHECK(safe.find("2 | x := \"?[2J\" # ?") != std::string::npos);
  Diagnostic orphan = Diagnostic::make(DiagCode::E206, Span{7, 0, 1}, "no file");
  CHECK(render_text(orphan, files) == "<unknown>: error[E206]: no file\n");
}

TEST_CASE("machine renderers") {
  std::vector<SourceFile> files{SourceFile("dir/r,1.rules", "package p\nh { x }\n")};
  Diagnostics diagnostics;
  diagnostics.add(Diagnostic::make(DiagCode::E203, Span{0, 14, 15}, "undefined name `x`\nsecond line", "here")
                      .with_fix(Span{0, 14, 15}, "y", "did you mean `y`?"));
  diagnostics.add(Diagnostic::make(DiagCode::W104, Span{0, 10, 11}, "helper `h` is never used"));

  std::string github = render_github(diagnostics, files);
  CHECK(github.find("::error file=dir/r%2C1.rules,line=2,col=5,endLine=2,endColumn=6,title=E203::"
                    "undefined name `x`%0Asecond line%0Ahelp: did you mean `y`?\n") == 0);
  CHECK(github.find("::warning file=") != std::string::npos);

  simdjson::dom::parser parser;
  std::string lines = render_json_lines(diagnostics, files);
  std::size_t first_end = lines.find('\n');
  simdjson::dom::element first;
  REQUIRE(parser.parse(lines.substr(0, first_end)).get(first) == simdjson::SUCCESS);
  CHECK(std::string_view(first["code"]) == "E203");
  CHECK(int64_t(first["line"]) == 2);
  CHECK(int64_t(first["column"]) == 5);
  CHECK(std::string_view(first["fix"]["replacement"]) == "y");

  std::string sarif = render_sarif(diagnostics, files, "0.1.0");
  simdjson::dom::element log;
  REQUIRE(parser.parse(sarif).get(log) == simdjson::SUCCESS);
  CHECK(std::string_view(log["version"]) == "2.1.0");
  simdjson::dom::element run = log["runs"].at(0);
  CHECK(std::string_view(run["tool"]["driver"]["name"]) == "sesrules");
  CHECK(simdjson::dom::array(run["tool"]["driver"]["rules"]).size() == diagnostic_table().size());
  simdjson::dom::element result = run["results"].at(0);
  CHECK(std::string_view(result["ruleId"]) == "E203");
  CHECK(std::string_view(result["level"]) == "error");
  CHECK(int64_t(result["locations"].at(0)["physicalLocation"]["region"]["startColumn"]) == 5);
  CHECK(std::string_view(result["locations"].at(0)["physicalLocation"]["artifactLocation"]["uri"]) == "dir/r,1.rules");
}

}  // namespace
}  // namespace sesrules::compiler
