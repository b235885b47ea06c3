// Opcode metadata expanded from runtime/opcodes.def: names, operand kinds and
// meanings, for the verifier, the disassembler and docs/bytecode.md.
// Tested by tests/unit/runtime/disassemble_test.cc (every opcode documented).
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/program.h"

namespace sesrules::runtime {

enum class OperandKind : std::uint8_t {
  None, Slot, Const, Set, Local, Capture, Builtin, Function, Count, Offset, Glob, Regex, Cidr,
  FieldConst, FieldSet, FieldGlob, FieldCidr  // B is a field slot, A as in the plain kind
};

inline constexpr std::uint32_t kOpCount = 0
#define SES_OP(name, operand, stack, meaning) +1
#include "runtime/opcodes.def"
#undef SES_OP
    ;

std::string_view op_name(Op op);
OperandKind op_operand(Op op);
std::string_view op_stack_text(Op op);  // the stack column as written ("+1", "1-B")
std::string_view op_meaning(Op op);
std::string_view operand_kind_name(OperandKind kind);

}  // namespace sesrules::runtime
