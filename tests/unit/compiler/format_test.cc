// Tests format.cc and format_expr.cc: the goldens in tests/golden/fmt
// (<case>.rules -> <case>.fmt.out; SESRULES_UPDATE_GOLDEN=1 rewrites them),
// idempotence (fmt(fmt(x)) == fmt(x)), and that formatting keeps the meaning
// (the AST dump of parse(fmt(x)) equals that of parse(x)) and every comment.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "compiler/format.h"
#include "compiler/parse.h"
#include "test_util.h"

namespace sesrules::compiler {
namespace {

namespace fs = std::filesystem;

struct Formatted {
  std::string text;
  std::string ast;
  std::size_t comments = 0;
};

Formatted format_text(const std::string& name, const std::string& text) {
  SourceFile file(name, text);
  Diagnostics diagnostics;
  std::optional<Module> module = parse_module(file, 0, diagnostics);
  REQUIRE(module);
  REQUIRE(diagnostics.error_count() == 0);
  return Formatted{format_module(*module, file), dump_ast(*module), module->comments.size()};
}

void check_round_trip(const std::string& name, const std::string& text) {
  Formatted first = format_text(name, text);
  Formatted second = format_text(name + " (formatted)", first.text);
  CHECK(second.text == first.text);
  CHECK(second.ast == first.ast);
  CHECK(second.comments == first.comments);
}

TEST_CASE("formatter goldens") {
  fs::path dir = fs::path(SESRULES_SOURCE_DIR) / "tests/golden/fmt";
  bool update = std::getenv("SESRULES_UPDATE_GOLDEN") != nullptr;
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".rules") continue;
    ++count;
    std::string name = entry.path().filename().string();
    CAPTURE(name);
    std::string text = testing::read_text(entry.path().string());
    Formatted formatted = format_text(name, text);
    fs::path expected = entry.path();
    expected.replace_extension(".fmt.out");
    if (update) std::ofstream(expected, std::ios::binary) << formatted.text;
    else CHECK(formatted.text == testing::read_text(expected.string()));
    check_round_trip(name, text);
  }
  CHECK(count >= 5);
}

TEST_CASE("formatting the docs examples and goldens is idempotent and keeps the AST") {
  std::vector<fs::path> sources;
  for (const char* folder : {"tests/golden/diag", "stdrules"}) {
    fs::path dir = fs::path(SESRULES_SOURCE_DIR) / folder;
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".rules") sources.push_back(entry.path());
    }
  }
  for (const fs::path& path : sources) {
    std::string text = testing::read_text(path.string());
    SourceFile file(path.string(), text);
    Diagnostics diagnostics;
    std::optional<Module> module = parse_module(file, 0, diagnostics);
    if (!module || diagnostics.error_count() > 0) continue;  // syntax-error goldens
    CAPTURE(path.string());
    std::string formatted = format_module(*module, file);
    Formatted again = format_text(path.string(), formatted);
    CHECK(again.text == formatted);
    CHECK(again.ast == dump_ast(*module));
    CHECK(again.comments == module->comments.size());
  }
}

TEST_CASE("format_source refuses files with syntax errors") {
  Diagnostics diagnostics;
  CHECK_FALSE(format_source(SourceFile("x.rules", "package x\nh {\n"), diagnostics));
  CHECK(diagnostics.error_count() == 1);
}

}  // namespace
}  // namespace sesrules::compiler
