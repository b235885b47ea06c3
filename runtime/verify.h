// Verifier: checks a Program before the VM runs it, so a corrupt or hand-edited
// compiled file is rejected with a message instead of crashing. Uses the stack
// effects of runtime/opcodes.def: every function's stack depth must be the same
// on every path to an instruction, never negative, and 1 at each Return; jump
// targets, table operands, rule/step/dispatch references must be in range; the
// call graph must be acyclic (the VM recurses on CallFunction).
// Tested by tests/unit/runtime/serialize_test.cc and vm_test.cc.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/program.h"

namespace sesrules::runtime {

struct VerifyResult {
  std::vector<std::uint32_t> max_stack;  // per function: deepest operand stack
  std::uint32_t frame_slots = 0;          // locals + stack of the deepest call chain
};

// The stack effect of one instruction, from the opcode table.
int stack_effect(const Instr& instr);

Expected<VerifyResult> verify_program(const Program& program);

}  // namespace sesrules::runtime
