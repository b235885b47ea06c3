// Disassembler: a stable text rendering of a Program, in the style of clox's
// debug.c / luac -l. Per function a header, then one line per instruction:
// `offset  line:col (or | when unchanged)  OPCODE  operands` with operands
// resolved (constants as literals, sets as {"a", "b"}, slots as field paths,
// functions by name); then fields, rules, the dispatch index and the prefilter
// atoms. Deterministic: golden tests compare it (tests/golden/disasm/).
// Tested by tests/unit/runtime/disassemble_test.cc and the compiler goldens.
#pragma once

#include <string>

#include "runtime/program.h"

namespace sesrules::runtime {

std::string disassemble(const Program& program);
// One instruction's operands, resolved ("7 userIdentity.accessKeyId").
std::string disassemble_operands(const Program& program, const Instr& instr);

}  // namespace sesrules::runtime
