// Golden diagnostics: every tests/golden/diag/<behaviour>.rules is compiled
// alone (lints on, no lowering) and its rendered text diagnostics (colour off)
// are compared with <behaviour>.diag.out. SESRULES_UPDATE_GOLDEN=1 rewrites the
// expected files. Inline expectations in a case, `# expect-error: 12:9 E204`
// (or expect-warning), must each match a diagnostic at that line:column.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "compiler/compile.h"
#include "compiler/render.h"
#include "test_util.h"

namespace sesrules::compiler {
namespace {

namespace fs = std::filesystem;

struct Expectation {
  std::string severity;
  std::uint32_t line;
  std::uint32_t column;
  std::string code;
};

std::vector<Expectation> inline_expectations(const std::string& text) {
  std::vector<Expectation> out;
  static const std::regex pattern("# expect-(error|warning): ([0-9]+):([0-9]+) ([EW][0-9]{3})");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it) {
    out.push_back(Expectation{(*it)[1], static_cast<std::uint32_t>(std::stoul((*it)[2])),
                              static_cast<std::uint32_t>(std::stoul((*it)[3])), (*it)[4]});
  }
  return out;
}

bool matches(const Expectation& e, const Diagnostic& d, const SourceFile& file) {
  LineCol at = file.line_col(d.span.begin);
  return d.code == e.code && at.line == e.line && at.column == e.column &&
         severity_name(d.severity) == e.severity;
}

TEST_CASE("diagnostic goldens") {
  fs::path dir = fs::path(SESRULES_SOURCE_DIR) / "tests/golden/diag";
  bool update = std::getenv("SESRULES_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".rules") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  CHECK(cases.size() >= 30);
  for (const fs::path& path : cases) {
    std::string name = path.filename().string();
    CAPTURE(name);
    std::string text = testing::read_text(path.string());
    CompileInput input;
    input.files.emplace_back(name, text);
    input.lower = false;
    CompileResult result = compile(std::move(input));
    std::string rendered = render_text(result.diagnostics, result.files);
    CHECK_MESSAGE(!result.diagnostics.items().empty(), "a diagnostics golden must produce a diagnostic");
    fs::path expected_path = path;
    expected_path.replace_extension(".diag.out");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << rendered;
    } else {
      CHECK(rendered == testing::read_text(expected_path.string()));
    }
    for (const Expectation& e : inline_expectations(text)) {
      CAPTURE(e.code);
      CAPTURE(e.line);
      bool found = std::any_of(result.diagnostics.items().begin(), result.diagnostics.items().end(),
                               [&](const Diagnostic& d) { return matches(e, d, result.files[0]); });
      CHECK(found);
    }
  }
}

}  // namespace
}  // namespace sesrules::compiler
