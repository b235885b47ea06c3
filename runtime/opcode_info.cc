// Expands runtime/opcodes.def into lookup tables. Tested by disassemble_test.cc.
#include "runtime/opcode_info.h"

namespace sesrules::runtime {
namespace {

struct OpRow {
  std::string_view name;
  OperandKind operand;
  std::string_view stack;
  std::string_view meaning;
};

constexpr OpRow kOps[] = {
#define SES_OP(name, operand, stack, meaning) {#name, OperandKind::operand, #stack, meaning},
#include "runtime/opcodes.def"
#undef SES_OP
};

}  // namespace

std::string_view op_name(Op op) { return kOps[static_cast<std::size_t>(op)].name; }
OperandKind op_operand(Op op) { return kOps[static_cast<std::size_t>(op)].operand; }
std::string_view op_stack_text(Op op) { return kOps[static_cast<std::size_t>(op)].stack; }
std::string_view op_meaning(Op op) { return kOps[static_cast<std::size_t>(op)].meaning; }

std::string_view operand_kind_name(OperandKind kind) {
  static constexpr std::string_view kNames[] = {"None",     "Slot",    "Const",    "Set",   "Local",
                                                "Capture",  "Builtin", "Function", "Count", "Offset",
                                                "Glob",     "Regex",   "Cidr",
                                                "FieldConst", "FieldSet", "FieldGlob", "FieldCidr"};
  return kNames[static_cast<std::size_t>(kind)];
}

}  // namespace sesrules::runtime
