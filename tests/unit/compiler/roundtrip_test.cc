// Round trip of compiled programs: lower -> serialize -> deserialize -> load
// gives the identical disassembly, for the disasm goldens, the bundled pack and
// the language guide's examples (optimizer on and off).
#include <doctest/doctest.h>

#include <filesystem>

#include "lower_test_util.h"
#include "runtime/disassemble.h"
#include "runtime/serialize.h"

namespace sesrules::compiler {
namespace {

std::vector<std::string> sample_sources() {
  std::vector<std::string> out;
  std::filesystem::path root(SESRULES_SOURCE_DIR);
  for (const auto& entry : std::filesystem::directory_iterator(root / "tests/golden/disasm")) {
    if (entry.path().extension() == ".rules") out.push_back(testing::read_text(entry.path().string()));
  }
  // Fenced ```sesrules blocks of docs/language.md.
  std::string doc = testing::read_text((root / "docs/language.md").string());
  const std::string open = "```sesrules\n";
  for (std::size_t at = 0; (at = doc.find(open, at)) != std::string::npos;) {
    std::size_t begin = at + open.size();
    std::size_t end = doc.find("```", begin);
    out.push_back(doc.substr(begin, end - begin));
    at = end;
  }
  return out;
}

TEST_CASE("serialize round trip keeps the disassembly") {
  const std::string pack = testing::read_text(std::string(SESRULES_SOURCE_DIR) + "/stdrules/ses_common.rules");
  std::vector<std::string> sources = sample_sources();
  REQUIRE(sources.size() >= 4);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    for (bool optimize : {true, false}) {
      CAPTURE(i);
      CAPTURE(optimize);
      testing::Compiled c = testing::compile_texts({sources[i], pack}, optimize);
      std::string bytes = runtime::serialize_program(c.program);
      runtime::Expected<runtime::Program> back = runtime::deserialize_program(bytes);
      REQUIRE(back.ok());
      CHECK(runtime::disassemble(back.value()) == runtime::disassemble(c.program));
      testing::load_or_fail(back.value());
      CHECK(runtime::serialize_program(testing::compile_texts({sources[i], pack}, optimize).program) == bytes);
    }
  }
}

}  // namespace
}  // namespace sesrules::compiler
