// Peephole pass over one function's code (LowerOptions::optimize only): fuses
// the sequences generated rules are made of into the superinstructions of
// runtime/opcodes.def, so a typical predicate runs 2-3 instructions instead of
// 6-10. A sequence is fused only when no jump lands inside it; jump offsets are
// remapped afterwards. Each superinstruction's row states the sequence it
// replaces; the differential test (optimized vs --no-optimize) keeps them equal.
// Tested by lower_test.cc, differential_test.cc and the disasm goldens.
#include <algorithm>

#include "compiler/builtins.h"
#include "compiler/lower_context.h"
#include "runtime/opcode_info.h"

namespace sesrules::compiler::detail {
namespace {

using runtime::Instr;
using runtime::Kind;

struct Fused {
  Instr instr;
  std::uint32_t length = 0;  // instructions replaced; 0 = no match
};

bool fits_slot(std::uint32_t slot) { return slot <= 0xffffu; }

bool string_constant(const runtime::Program& p, std::uint32_t index) {
  return index < p.constants.size() && p.constants[index].kind == Kind::String;
}

std::uint32_t builtin_index(std::string_view name) { return find_builtin(name)->index; }

// `LoadField s; <test>` and `LoadField s; LoadConst c; <compare or builtin>`.
Fused field_test(const runtime::Program& p, const std::vector<Instr>& code, std::size_t pc) {
  const Instr& load = code[pc];
  if (load.op != Op::LoadField || !fits_slot(load.a) || pc + 1 >= code.size()) return {};
  auto slot = static_cast<std::uint16_t>(load.a);
  const Instr& next = code[pc + 1];
  switch (next.op) {
    case Op::InSet: return {{Op::FieldInSet, 0, slot, next.a}, 2};
    case Op::GlobMatch: return {{Op::FieldGlob, 0, slot, next.a}, 2};
    case Op::CidrContains: return {{Op::FieldCidr, 0, slot, next.a}, 2};
    case Op::LoadConst: break;
    default: return {};
  }
  if (pc + 2 >= code.size()) return {};
  const Instr& op = code[pc + 2];
  std::uint32_t c = next.a;
  if (op.op == Op::Eq) return {{Op::EqFieldConst, 0, slot, c}, 3};
  if (op.op != Op::CallBuiltin || op.b != 2 || !string_constant(p, c)) return {};
  static const std::uint32_t kStartsWith = builtin_index("startswith");
  static const std::uint32_t kContains = builtin_index("contains");
  if (op.a == kStartsWith) return {{Op::FieldStartsWith, 0, slot, c}, 3};
  if (op.a == kContains) return {{Op::FieldContains, 0, slot, c}, 3};
  return {};
}

// A predicate's tail `JumpUnlessHolds L; LoadConst true; Return; L: ReturnUndefined`.
// Not in helpers: `sesrules test --coverage` counts their Return instructions.
Fused return_holds(const runtime::Program& p, const std::vector<Instr>& code, std::size_t pc) {
  if (pc + 3 >= code.size() || code[pc].op != Op::JumpUnlessHolds || code[pc].a != pc + 3) return {};
  const Instr& load = code[pc + 1];
  bool loads_true = load.op == Op::LoadConst && load.a < p.constants.size() &&
                    p.constants[load.a].kind == Kind::Bool && p.constants[load.a].boolean;
  if (!loads_true || code[pc + 2].op != Op::Return || code[pc + 3].op != Op::ReturnUndefined) return {};
  return {{Op::ReturnHolds, 0, 0, 0}, 3};
}

}  // namespace

void peephole(const runtime::Program& p, std::vector<Instr>& code, std::vector<runtime::SourcePos>& pos,
              bool predicate) {
  std::vector<bool> target(code.size() + 1, false);
  for (const Instr& in : code) {
    if (runtime::op_operand(in.op) == runtime::OperandKind::Offset && in.a < target.size()) target[in.a] = true;
  }
  std::vector<Instr> out;
  std::vector<runtime::SourcePos> out_pos;
  out.reserve(code.size());
  out_pos.reserve(code.size());
  std::vector<std::uint32_t> moved(code.size() + 1);  // old offset -> new offset
  for (std::size_t pc = 0; pc < code.size();) {
    Fused f = field_test(p, code, pc);
    if (f.length == 0 && predicate) f = return_holds(p, code, pc);
    bool inner_target = std::any_of(target.begin() + static_cast<std::ptrdiff_t>(pc) + 1,
                                    target.begin() + static_cast<std::ptrdiff_t>(pc + std::max<std::uint32_t>(f.length, 1)),
                                    [](bool t) { return t; });
    if (f.length == 0 || inner_target) f = {code[pc], 1};
    auto at = static_cast<std::uint32_t>(out.size());
    for (std::uint32_t i = 0; i < f.length; ++i) moved[pc + i] = at;
    out.push_back(f.instr);
    out_pos.push_back(pos[pc + f.length - 1]);  // the operation's position, not its operand's
    pc += f.length;
  }
  moved[code.size()] = static_cast<std::uint32_t>(out.size());
  for (Instr& in : out) {
    if (runtime::op_operand(in.op) == runtime::OperandKind::Offset && in.a < moved.size()) in.a = moved[in.a];
  }
  code = std::move(out);
  pos = std::move(out_pos);
}

}  // namespace sesrules::compiler::detail
