// Stack-depth and reference verifier for loaded programs. Tested by
// serialize_test.cc (corrupted programs) and vm_test.cc.
#include "runtime/verify.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/builtins_impl.h"
#include "runtime/opcode_info.h"

namespace sesrules::runtime {
namespace {

// The kind of A in a Field* operand kind (B being the field slot).
OperandKind plain_kind(OperandKind kind) {
  switch (kind) {
    case OperandKind::FieldConst: return OperandKind::Const;
    case OperandKind::FieldSet: return OperandKind::Set;
    case OperandKind::FieldGlob: return OperandKind::Glob;
    case OperandKind::FieldCidr: return OperandKind::Cidr;
    default: return kind;
  }
}

bool is_return(Op op) { return op == Op::Return || op == Op::ReturnHolds; }

// Operands an instruction consumes (the table gives only the net effect).
int stack_inputs(const Instr& instr) {
  switch (instr.op) {
    case Op::Member: case Op::InSet: case Op::Not: case Op::GlobMatch: case Op::RegexMatch:
    case Op::CidrContains: case Op::AssignLocal: case Op::ReturnHolds:
      return 1;
    case Op::Index: case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
    case Op::In:
      return 2;
    case Op::CallBuiltin: case Op::CallFunction: return instr.b;
    case Op::MakeArray: return static_cast<int>(instr.a);
    default: return std::max(0, -stack_effect(instr));
  }
}

class Verifier {
 public:
  explicit Verifier(const Program& p) : p_(p) {
    for (const Rule& r : p.rules) max_captures_ = std::max<std::size_t>(max_captures_, r.captures.size());
  }
  Status check_operand(const Function& fn, const Instr& in, std::uint32_t pc) const;
  Expected<std::uint32_t> check_function(std::uint32_t index) const;
  Status check_rules() const;
  Status check_dispatch() const;

 private:
  // "rule 3 (name)", for messages: built only on an error, as every rule is checked at load.
  std::string rule_what(std::size_t r) const { return fmt::format("rule {} ({})", r, p_.rules[r].name); }
  Status fn_ref(std::uint32_t fn, bool optional, std::size_t rule) const {
    if (fn == kNoFunction && optional) return {};
    if (fn >= p_.functions.size()) {
      return Status::error(fmt::format("{}: function {} out of range", rule_what(rule), fn));
    }
    if (p_.functions[fn].params != 0) {
      return Status::error(fmt::format("{}: function {} takes arguments", rule_what(rule), fn));
    }
    return {};
  }
  const Program& p_;
  std::size_t max_captures_ = 0;
  mutable std::vector<int> depth_;             // check_function's stack depth per offset
  mutable std::vector<std::uint32_t> work_;    // check_function's offsets to visit
};

Status Verifier::check_operand(const Function& fn, const Instr& in, std::uint32_t pc) const {
  std::uint32_t a = in.a;
  auto bad = [&](std::string_view what) {
    return Status::error(fmt::format("function {} ({}), offset {}: {} {} {} out of range", &fn - p_.functions.data(),
                                     fn.name, pc, op_name(in.op), what, a));
  };
  OperandKind kind = op_operand(in.op);
  if (kind >= OperandKind::FieldConst) {
    if (in.b >= p_.fields.size()) {
      return Status::error(fmt::format("function {} ({}), offset {}: {} field slot {} out of range",
                                       &fn - p_.functions.data(), fn.name, pc, op_name(in.op), in.b));
    }
    kind = plain_kind(kind);
  }
  bool string_const = in.op == Op::Member || in.op == Op::FieldStartsWith || in.op == Op::FieldContains;
  switch (kind) {
    case OperandKind::Slot: if (a >= p_.fields.size()) return bad("field slot"); break;
    case OperandKind::Const:
      if (a >= p_.constants.size()) return bad("constant");
      if (string_const && p_.constants[a].kind != Kind::String) return bad("string constant");
      break;
    case OperandKind::Set: if (a >= p_.string_sets.size()) return bad("set"); break;
    case OperandKind::Local: if (a >= fn.locals) return bad("local"); break;
    case OperandKind::Capture: if (a >= max_captures_) return bad("capture"); break;
    case OperandKind::Builtin:
      if (a >= kBuiltinCount || in.b != builtin_arity(a)) return bad("builtin (or its argument count)");
      break;
    case OperandKind::Function:
      if (a >= p_.functions.size() || in.b != p_.functions[a].params) return bad("function (or its argument count)");
      break;
    case OperandKind::Offset:
      if (a >= fn.length) return bad("jump target");
      if ((in.op == Op::IterInit || in.op == Op::IterNext) && in.b + 3u >= fn.locals) return bad("iteration locals");
      break;
    case OperandKind::Glob: if (a >= p_.globs.size()) return bad("glob"); break;
    case OperandKind::Regex: if (a >= p_.regexes.size()) return bad("regex"); break;
    case OperandKind::Cidr: if (a >= p_.cidrs.size()) return bad("cidr"); break;
    case OperandKind::None: case OperandKind::Count: break;
    default: return bad("operand");  // Field* kinds were mapped to their plain kind above
  }
  return {};
}

// Abstract interpretation of stack depth over the function's control flow.
Expected<std::uint32_t> Verifier::check_function(std::uint32_t index) const {
  const Function& fn = p_.functions[index];
  if (fn.length == 0 || fn.entry > p_.code.size() || fn.length > p_.code.size() - fn.entry || fn.params > fn.locals) {
    return Status::error(fmt::format("function {} ({}): bad code range or locals", index, fn.name));
  }
  // Buffers reused across functions: a large program has thousands of small ones.
  std::vector<int>& depth = depth_;
  std::vector<std::uint32_t>& work = work_;
  depth.assign(fn.length, -1);
  work.assign(1, 0);
  depth[0] = 0;
  int max_depth = 0;
  while (!work.empty()) {
    std::uint32_t pc = work.back();
    work.pop_back();
    const Instr& in = p_.code[fn.entry + pc];
    if (static_cast<std::uint32_t>(in.op) >= kOpCount) {
      return Status::error(fmt::format("function {} ({}), offset {}: unknown opcode", index, fn.name, pc));
    }
    if (Status s = check_operand(fn, in, pc); !s.ok()) return s;
    int d = depth[pc];
    if (d < stack_inputs(in) || (is_return(in.op) && d != 1)) {
      return Status::error(fmt::format("function {} ({}), offset {}: stack underflow", index, fn.name, pc));
    }
    int after = d + stack_effect(in);
    max_depth = std::max(max_depth, after);
    std::uint32_t next[2];
    int count = 0;
    if (!is_return(in.op) && in.op != Op::ReturnUndefined && in.op != Op::Jump) next[count++] = pc + 1;
    if (op_operand(in.op) == OperandKind::Offset) next[count++] = in.a;
    for (int i = 0; i < count; ++i) {
      if (next[i] >= fn.length) {
        return Status::error(fmt::format("function {} ({}), offset {}: runs off the end", index, fn.name, pc));
      }
      if (depth[next[i]] == -1) {
        depth[next[i]] = after;
        work.push_back(next[i]);
      } else if (depth[next[i]] != after) {
        return Status::error(fmt::format("function {} ({}), offset {}: inconsistent stack depth", index, fn.name,
                                         next[i]));
      }
    }
  }
  return static_cast<std::uint32_t>(max_depth);
}

Status Verifier::check_rules() const {
  for (std::size_t r = 0; r < p_.rules.size(); ++r) {
    const Rule& rule = p_.rules[r];
    bool single = rule.kind == RuleKind::Single;
    if (Status s = fn_ref(rule.predicate_fn, !single, r); !s.ok()) return s;
    for (std::uint32_t fn : rule.key_fns) if (Status s = fn_ref(fn, false, r); !s.ok()) return s;
    for (const Step& step : rule.steps) {
      if (Status s = fn_ref(step.local_fn, false, r); !s.ok()) return s;
      if (Status s = fn_ref(step.relation_fn, true, r); !s.ok()) return s;
    }
    if (!single && rule.steps.empty()) return Status::error(rule_what(r) + ": sequence without steps");
    if (Status s = fn_ref(rule.until_fn, true, r); !s.ok()) return s;
    if (Status s = fn_ref(rule.distinct_fn, true, r); !s.ok()) return s;
    for (const OutputField& o : rule.outputs) if (Status s = fn_ref(o.fn, false, r); !s.ok()) return s;
    for (const Capture& c : rule.captures) {
      if (c.step >= rule.steps.size() || c.slot >= p_.fields.size()) {
        return Status::error(rule_what(r) + ": bad capture");
      }
    }
  }
  return {};
}

Status Verifier::check_dispatch() const {
  for (const DispatchEntry& entry : p_.dispatch) {
    for (const DispatchTarget& t : entry.targets) {
      bool step_ok = t.step == kWholeRule || t.step == kUntilStep ||
                     (t.rule < p_.rules.size() && t.step < p_.rules[t.rule].steps.size());
      if (t.rule >= p_.rules.size() || !step_ok) return Status::error("dispatch index: target out of range");
    }
  }
  return {};
}

// frame(f) = locals + stack of f + the largest frame among its callees.
Status frame_sizes(const Program& p, const std::vector<std::uint32_t>& max_stack, VerifyResult& out) {
  enum : std::uint8_t { kNew, kActive, kDone };
  std::vector<std::uint8_t> state(p.functions.size(), kNew);
  std::vector<std::uint32_t> frame(p.functions.size(), 0);
  auto visit = [&](auto& self, std::uint32_t f) -> bool {
    if (state[f] == kActive) return false;
    if (state[f] == kDone) return true;
    state[f] = kActive;
    const Function& fn = p.functions[f];
    std::uint32_t callee_max = 0;
    for (std::uint32_t pc = fn.entry; pc < fn.entry + fn.length; ++pc) {
      if (p.code[pc].op != Op::CallFunction) continue;
      if (!self(self, p.code[pc].a)) return false;
      callee_max = std::max(callee_max, frame[p.code[pc].a]);
    }
    frame[f] = fn.locals + max_stack[f] + callee_max;
    state[f] = kDone;
    return true;
  };
  for (std::uint32_t f = 0; f < p.functions.size(); ++f) {
    if (!visit(visit, f)) return Status::error(fmt::format("function {} ({}) is recursive", f, p.functions[f].name));
    out.frame_slots = std::max(out.frame_slots, frame[f]);
  }
  return {};
}

}  // namespace

int stack_effect(const Instr& instr) {
  [[maybe_unused]] int A = static_cast<int>(instr.a);
  [[maybe_unused]] int B = static_cast<int>(instr.b);
  switch (instr.op) {
#define SES_OP(name, operand, stack, meaning) \
  case Op::name: return (stack);
#include "runtime/opcodes.def"
#undef SES_OP
  }
  return 0;
}

Expected<VerifyResult> verify_program(const Program& p) {
  if (p.code_pos.size() != p.code.size()) return Status::error("line table does not match the code");
  for (const SourcePos& pos : p.code_pos) {
    if (pos.file >= p.source_files.size() && !p.source_files.empty()) return Status::error("bad source position");
  }
  for (const auto& path : p.fields) if (path.empty()) return Status::error("empty field path");
  VerifyResult result;
  Verifier verifier(p);
  for (std::uint32_t f = 0; f < p.functions.size(); ++f) {
    Expected<std::uint32_t> depth = verifier.check_function(f);
    if (!depth.ok()) return depth.status();
    result.max_stack.push_back(depth.value());
  }
  if (Status s = verifier.check_rules(); !s.ok()) return s;
  if (Status s = verifier.check_dispatch(); !s.ok()) return s;
  if (Status s = frame_sizes(p, result.max_stack, result); !s.ok()) return s;
  return result;
}

}  // namespace sesrules::runtime
