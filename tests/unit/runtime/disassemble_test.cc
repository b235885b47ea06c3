// Tests disassemble.cc and opcode_info.cc, and keeps docs/bytecode.md equal to
// the opcode table (SESRULES_UPDATE_GOLDEN=1 regenerates it).
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

#include "runtime/disassemble.h"
#include "runtime/opcode_info.h"
#include "test_program.h"

namespace sesrules::runtime {
namespace {
using testing::op;

TEST_CASE("instructions render with resolved operands") {
  testing::TestProgram t;
  std::uint32_t s = t.constant_string("AKIA");
  t.program.string_sets = {{"GetAccount", "GetSendQuota"}};
  t.program.fields.push_back({"requestParameters", "x.y"});
  t.program.globs = {"eu-*"};
  std::uint32_t callee = t.function("t.helper", {op(Op::LoadLocal, 0), op(Op::Return)}, 1, 1);
  t.function("t.rule", {op(Op::LoadField, kSlotAccessKeyId), op(Op::LoadConst, s), op(Op::CallBuiltin, 0, 2),
                        op(Op::JumpUnlessHolds, 6), op(Op::LoadSet, 0), op(Op::CallFunction, callee, 1),
                        op(Op::LoadField, kStdSlotCount), op(Op::GlobMatch, 0), op(Op::Return)});
  t.program.code_pos[2 + 5] = t.program.code_pos[2 + 4];
  t.function("t.fused", {op(Op::EqFieldConst, s, kSlotAccessKeyId), op(Op::FieldInSet, 0, kSlotEventName),
                         op(Op::FieldGlob, 0, kSlotAwsRegion), op(Op::ReturnHolds)});
  std::string text = disassemble(t.program);
  CAPTURE(text);
  for (const char* expected : {
           "== fn 1: t.rule (params 0, locals 0) ==",
           "0000      3:1  LoadField       7 userIdentity.accessKeyId",
           "0001      4:1  LoadConst       0 \"AKIA\"",
           "0002      5:1  CallBuiltin     startswith/2",
           "0003      6:1  JumpUnlessHolds -> 0006",
           "0004      7:1  LoadSet         0 {\"GetAccount\", \"GetSendQuota\"}",
           "0005        |  CallFunction    fn 0 t.helper/1",
           "0006      9:1  LoadField       10 requestParameters.x.y",
           "0007     10:1  GlobMatch       0 \"eu-*\"",
           "== fn 2: t.fused (params 0, locals 0) ==",
           "0000     12:1  EqFieldConst    7 userIdentity.accessKeyId, 0 \"AKIA\"",
           "0001     13:1  FieldInSet      3 eventName, 0 {\"GetAccount\", \"GetSendQuota\"}",
           "0002     14:1  FieldGlob       4 awsRegion, 0 \"eu-*\"",
           "== atoms (incomplete) ==",
       }) {
    CHECK(text.find(expected) != std::string::npos);
  }
}

std::string bytecode_doc() {
  std::string out =
      "# sesrules bytecode\n\n"
      "Generated from `runtime/opcodes.def` (the single opcode table); "
      "`tests/unit/runtime/disassemble_test.cc` checks that this file matches it\n"
      "(`SESRULES_UPDATE_GOLDEN=1` rewrites it). Each instruction has an opcode, a primary operand A\n"
      "(32-bit, of the kind below) and a secondary operand B (16-bit: argument count, the first of\n"
      "the four iteration locals, or for the `Field*` kinds of the superinstructions the field slot).\n"
      "Offsets are function-relative. The stack column is the net effect,\n"
      "written over A and B; the verifier (`runtime/verify.cc`) evaluates it to check every function's\n"
      "stack depth before a program runs. Semantics of Undefined follow `docs/language.md`.\n\n"
      "| opcode | operand A | stack | meaning |\n|---|---|---|---|\n";
  for (std::uint32_t i = 0; i < kOpCount; ++i) {
    auto o = static_cast<Op>(i);
    std::string meaning(op_meaning(o));
    for (std::size_t at = 0; (at = meaning.find('|', at)) != std::string::npos; at += 2) meaning.replace(at, 1, "\\|");
    out += fmt::format("| `{}` | {} | {} | {} |\n", op_name(o), operand_kind_name(op_operand(o)), op_stack_text(o),
                       meaning);
  }
  return out;
}

TEST_CASE("docs/bytecode.md lists every opcode of the table") {
  std::string path = std::string(SESRULES_SOURCE_DIR) + "/docs/bytecode.md";
  std::string expected = bytecode_doc();
  if (std::getenv("SESRULES_UPDATE_GOLDEN")) std::ofstream(path, std::ios::binary) << expected;
  std::ifstream in(path, std::ios::binary);
  std::string actual((std::istreambuf_iterator<char>(in)), {});
  CHECK(actual == expected);
  for (std::uint32_t i = 0; i < kOpCount; ++i) {
    CHECK(actual.find(fmt::format("| `{}` |", op_name(static_cast<Op>(i)))) != std::string::npos);
  }
}

}  // namespace
}  // namespace sesrules::runtime
