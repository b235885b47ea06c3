// Compiles every ```sesrules block of docs/language.md (and docs/authoring.md
// when present): blocks must compile without errors; ```sesrules-error blocks
// must produce the code named in their first comment. Blocks that `import ses`
// get the bundled pack from stdrules/ (or a minimal inline `package ses`).
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "compiler/compile.h"
#include "compiler/render.h"
#include "test_util.h"

namespace sesrules::compiler {
namespace {

struct Block {
  std::string text;
  bool expect_error = false;
  int line = 0;
};

std::vector<Block> extract_blocks(const std::string& markdown) {
  std::vector<Block> blocks;
  std::istringstream in(markdown);
  std::string line;
  int number = 0;
  Block* open = nullptr;
  while (std::getline(in, line)) {
    ++number;
    if (open == nullptr && (line == "```sesrules" || line == "```sesrules-error")) {
      blocks.push_back(Block{"", line == "```sesrules-error", number});
      open = &blocks.back();
    } else if (open != nullptr && line == "```") {
      open = nullptr;
    } else if (open != nullptr) {
      open->text += line + "\n";
    }
  }
  return blocks;
}

std::vector<SourceFile> ses_pack() {
  std::vector<SourceFile> files;
  std::filesystem::path dir = std::filesystem::path(SESRULES_SOURCE_DIR) / "stdrules";
  if (std::filesystem::exists(dir / "ses_common.rules")) {
    files.emplace_back("stdrules/ses_common.rules", testing::read_text((dir / "ses_common.rules").string()));
  } else {
    files.emplace_back("ses.rules", "package ses\nlong_term_key {\n  startswith(input.userIdentity.accessKeyId, \"AKIA\")\n}\n");
  }
  return files;
}

void check_document(const std::string& relative) {
  std::filesystem::path path = std::filesystem::path(SESRULES_SOURCE_DIR) / relative;
  if (!std::filesystem::exists(path)) return;
  std::vector<Block> blocks = extract_blocks(testing::read_text(path.string()));
  CHECK(!blocks.empty());
  for (const Block& block : blocks) {
    CAPTURE(relative);
    CAPTURE(block.line);
    CompileInput input;
    input.files.emplace_back(relative + ":" + std::to_string(block.line), block.text);
    if (block.text.find("import ses") != std::string::npos) {
      for (SourceFile& f : ses_pack()) input.files.push_back(std::move(f));
    }
    input.lower = false;
    CompileResult result = compile(std::move(input));
    std::string rendered = render_text(result.diagnostics, result.files);
    CAPTURE(rendered);
    if (!block.expect_error) {
      CHECK(result.diagnostics.error_count() == 0);
      continue;
    }
    std::smatch code;
    REQUIRE(std::regex_search(block.text, code, std::regex("#\\s*([EW][0-9]{3})")));
    bool found = false;
    for (const Diagnostic& d : result.diagnostics.items()) found = found || d.code == code[1].str();
    CHECK(found);
  }
}

TEST_CASE("docs/language.md examples compile") { check_document("docs/language.md"); }
TEST_CASE("docs/authoring.md examples compile") { check_document("docs/authoring.md"); }

}  // namespace
}  // namespace sesrules::compiler

namespace sesrules::compiler {
namespace {

TEST_CASE("docs/language.md quotes grammar/sesrules.peg") {
  std::string peg = testing::read_text(std::string(SESRULES_SOURCE_DIR) + "/grammar/sesrules.peg");
  std::string docs = testing::read_text(std::string(SESRULES_SOURCE_DIR) + "/docs/language.md");
  std::istringstream lines(peg);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    CAPTURE(line);
    CHECK(docs.find(line) != std::string::npos);
  }
}

}  // namespace
}  // namespace sesrules::compiler
