// Tests serialize.cc (round trip, header errors, truncation, corruption) and
// that corrupt programs are rejected at load.
#include <doctest/doctest.h>

#include "runtime/disassemble.h"
#include "runtime/loaded_program.h"
#include "runtime/serialize.h"
#include "test_program.h"

namespace sesrules::runtime {
namespace {
using testing::op;

Program sample() {
  testing::TestProgram t;
  std::uint32_t name = t.constant_string("GetAccount");
  t.program.string_sets = {{"a", "b"}};
  t.program.regexes = {"^Get"};
  t.program.globs = {"eu-*"};
  t.program.cidrs = {"10.0.0.0/8"};
  Constant f;
  f.kind = Kind::Float;
  f.number = -2.5;
  t.program.constants.push_back(f);
  std::uint32_t fn = t.function("p", {op(Op::LoadField, kSlotEventName), op(Op::LoadConst, name), op(Op::Eq),
                                      op(Op::Return)});
  Rule r;
  r.name = "t.r";
  r.title = "T";
  r.severity = Severity::High;
  r.mitre = {"T1526"};
  r.predicate_fn = fn;
  r.version = "0123456789abcdef";
  r.outputs = {{"o", fn}};
  t.program.rules.push_back(r);
  t.program.dispatch = {{"", "GetAccount", {{0, kWholeRule}}}};
  t.program.atoms = {"GetAccount"};
  t.program.prefilter_complete = true;
  return t.program;
}

TEST_CASE("serialize -> deserialize keeps the program") {
  Program p = sample();
  std::string bytes = serialize_program(p);
  CHECK(bytes.substr(0, 8) == "SESRULES");
  Expected<Program> back = deserialize_program(bytes);
  REQUIRE(back.ok());
  CHECK(disassemble(back.value()) == disassemble(p));
  CHECK(back.value().constants[1].number == -2.5);
  CHECK(serialize_program(back.value()) == bytes);
  CHECK(LoadedProgram::load(back.value()).ok());
}

TEST_CASE("damaged files get clear messages") {
  std::string good = serialize_program(sample());
  std::string version = good;
  version[8] = 3;
  std::string flipped = good;
  flipped[good.size() - 3] ^= 0x40;
  struct Case { std::string bytes; const char* message; };
  const Case cases[] = {
      {"", "bad magic"},
      {"NOTRULES" + good.substr(8), "bad magic"},
      {good.substr(0, 12), "truncated"},
      {version, "compiled with format version 3; this sesrules reads version 2: recompile the rules"},
      {good.substr(0, good.size() - 1), "truncated"},
      {good + "x", "trailing bytes"},
      {flipped, "checksum"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.message);
    Expected<Program> result = deserialize_program(c.bytes);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message().find(c.message) != std::string::npos);
  }
}

TEST_CASE("a well-formed file with corrupt bytecode fails to load") {
  Program p = sample();
  p.code[1].a = 77;  // constant out of range
  Expected<Program> back = deserialize_program(serialize_program(p));
  REQUIRE(back.ok());
  auto loaded = LoadedProgram::load(back.value());
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find("constant") != std::string::npos);
  Program bad_rule = sample();
  bad_rule.rules[0].predicate_fn = 9;
  CHECK_FALSE(LoadedProgram::load(bad_rule).ok());
  Program bad_target = sample();
  bad_target.dispatch[0].targets[0].rule = 5;
  CHECK_FALSE(LoadedProgram::load(bad_target).ok());
  Program bad_regex = sample();
  bad_regex.regexes[0] = "(";
  CHECK_FALSE(LoadedProgram::load(bad_regex).ok());
}

}  // namespace
}  // namespace sesrules::runtime
