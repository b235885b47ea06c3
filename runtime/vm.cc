// The VM's dispatch loop and value operations. Semantics of each opcode are the
// rows of runtime/opcodes.def; Undefined rules follow docs/language.md. Cases
// stay short and call helpers for anything longer. Tested by vm_test.cc.
#include "runtime/vm.h"

#include <algorithm>

namespace sesrules::runtime {
namespace {

bool is_number(const Value& v) { return v.kind == Kind::Int || v.kind == Kind::Float; }
double as_double(const Value& v) { return v.kind == Kind::Int ? static_cast<double>(v.integer) : v.number; }

// -1, 0, 1 for ordered pairs of numbers or strings; nullopt-like 2 otherwise.
int order(const Value& a, const Value& b) {
  if (a.kind == Kind::Int && b.kind == Kind::Int) return (a.integer > b.integer) - (a.integer < b.integer);
  if (is_number(a) && is_number(b)) {
    double x = as_double(a), y = as_double(b);
    if (x != x || y != y) return 2;  // NaN is unordered
    return (x > y) - (x < y);
  }
  if (a.kind == Kind::String && b.kind == Kind::String) {
    int c = a.str().compare(b.str());
    return (c > 0) - (c < 0);
  }
  return 2;
}

// A builtin over one string operand: Undefined stays Undefined, a non-string is Undefined.
template <typename Test>
Value string_test(const Value& v, Test test) {
  return v.kind == Kind::String ? Value::from_bool(test(v.str())) : Value::undefined();
}

}  // namespace

Vm::Vm(std::shared_ptr<const LoadedProgram> program)
    : program_(std::move(program)),
      code_owner_(&program_->program()),
      function_count_(program_->function_count()),
      slots_(program_->frame_slots() + 1) {}

Value Vm::call(std::uint32_t fn, const RecordView& record, Arena& arena, const CaptureFrame* captures,
               std::span<const Value> args) {
  if (fn >= program_->function_count() || args.size() != program_->function(fn).params) return Value::undefined();
  record_ = &record;
  arena_ = &arena;
  captures_ = captures;
  steps_left_ = kInstructionBudget;
  exhausted_ = false;
  std::copy(args.begin(), args.end(), slots_.begin());
  Value result = run(fn, slots_.data());
  if (exhausted_) {
    ++budget_exhausted_;
    return Value::undefined();
  }
  return result;
}

bool Vm::holds_called(std::uint32_t fn, const RecordView& record, Arena& arena, const CaptureFrame* captures) {
  return call(fn, record, arena, captures).holds();
}

Value Vm::compare(Op op, const Value& a, const Value& b) const {
  if (!a.is_defined() || !b.is_defined()) return Value::undefined();
  if (op == Op::Eq) return Value::from_bool(values_equal(a, b, *program_));
  if (op == Op::Ne) return Value::from_bool(!values_equal(a, b, *program_));
  int c = order(a, b);
  if (c == 2) return Value::undefined();
  switch (op) {
    case Op::Lt: return Value::from_bool(c < 0);
    case Op::Le: return Value::from_bool(c <= 0);
    case Op::Gt: return Value::from_bool(c > 0);
    default: return Value::from_bool(c >= 0);
  }
}

Value Vm::member(const Value& container, std::string_view key) const {
  if (container.kind != Kind::Object) return Value::undefined();
  for (std::uint32_t i = 0; i < container.size; ++i) {
    if (container.members[i].key == key) return container.members[i].value;
  }
  return Value::undefined();
}

Value Vm::index(const Value& container, const Value& key) const {
  if (key.kind == Kind::String) return member(container, key.str());
  if (container.kind != Kind::Array) return Value::undefined();
  std::int64_t i = -1;
  if (key.kind == Kind::Int) i = key.integer;
  if (key.kind == Kind::Float && key.number == static_cast<double>(static_cast<std::int64_t>(key.number))) {
    i = static_cast<std::int64_t>(key.number);
  }
  if (i < 0 || i >= container.size) return Value::undefined();
  return container.items[i];
}

Value Vm::element_of(const Value& x, const Value& collection) const {
  if (!x.is_defined()) return Value::undefined();
  switch (collection.kind) {
    case Kind::Set: return Value::from_bool(x.kind == Kind::String && program_->in_set(collection.set_id, x.str()));
    case Kind::Object: return Value::from_bool(x.kind == Kind::String && member(collection, x.str()).is_defined());
    case Kind::Array:
      for (std::uint32_t i = 0; i < collection.size; ++i) {
        if (values_equal(x, collection.items[i], *program_)) return Value::from_bool(true);
      }
      return Value::from_bool(false);
    default: return Value::undefined();
  }
}

// locals[0] collection, [1] cursor, [2] key, [3] element.
bool Vm::iterate(Value* locals) const {
  const Value& coll = locals[0];
  std::int64_t i = locals[1].integer;
  if (i >= collection_size(coll, *program_)) return false;
  locals[1] = Value::from_int(i + 1);
  if (coll.kind == Kind::Array) {
    locals[2] = Value::from_int(i);
    locals[3] = coll.items[i];
  } else if (coll.kind == Kind::Object) {
    locals[2] = Value::from_string(coll.members[i].key);
    locals[3] = coll.members[i].value;
  } else {
    locals[2] = locals[3] = Value::from_string(code_owner_->string_sets[coll.set_id][i]);
  }
  return true;
}

// The budget is charged, not counted per instruction (a decrement and branch on
// every instruction cost more than many generated predicates' whole work):
// entering a function charges its length, since code that only jumps forward
// runs each instruction at most once, and a backward jump from offset j to t
// charges j - t + 1 for the next pass over [t, j]. Summed over one frame the
// charges bound the instructions it runs, so a call still runs at most about
// kInstructionBudget instructions and always terminates.
bool Vm::charge(std::uint32_t instructions) {
  if (steps_left_ < instructions) {
    exhausted_ = true;
    return false;
  }
  steps_left_ -= instructions;
  return true;
}

// `pc` is already past the jump instruction.
bool Vm::jump(std::uint32_t target, std::uint32_t& pc) {
  if (target < pc && !charge(pc - target)) return false;
  pc = target;
  return true;
}

Value Vm::run(std::uint32_t fn_index, Value* frame) {
  const Program& p = *code_owner_;
  const FunctionHeader& fn = program_->function(fn_index);
  if (!charge(fn.length)) return Value::undefined();
  const Instr* code = p.code.data() + fn.entry;
  std::fill(frame + fn.params, frame + fn.locals, Value::undefined());
  Value* sp = frame + fn.locals;  // next free stack slot
  std::uint32_t pc = 0;
  for (;;) {
    const Instr& in = code[pc++];
    switch (in.op) {
      case Op::LoadField: *sp++ = record_->field(in.a); break;
      case Op::LoadConst: *sp++ = program_->constant(in.a); break;
      case Op::LoadSet: *sp++ = Value::from_set(in.a); break;
      case Op::LoadUndefined: *sp++ = Value::undefined(); break;
      case Op::LoadLocal: *sp++ = frame[in.a]; break;
      case Op::StoreLocal: frame[in.a] = *--sp; break;
      case Op::AssignLocal:
        frame[in.a] = sp[-1];
        sp[-1] = Value::from_bool(frame[in.a].is_defined());
        break;
      case Op::LoadCapture:
        *sp++ = captures_ && in.a < captures_->values.size() ? captures_->values[in.a] : Value::undefined();
        break;
      case Op::Member: sp[-1] = member(sp[-1], p.constants[in.a].text); break;
      case Op::Index: --sp; sp[-1] = index(sp[-1], sp[0]); break;
      case Op::Eq: case Op::Ne: case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge:
        --sp;
        sp[-1] = compare(in.op, sp[-1], sp[0]);
        break;
      case Op::InSet:
        if (!sp[-1].is_defined()) break;
        sp[-1] = Value::from_bool(sp[-1].kind == Kind::String && program_->in_set(in.a, sp[-1].str()));
        break;
      case Op::In: --sp; sp[-1] = element_of(sp[-1], sp[0]); break;
      case Op::Not: sp[-1] = Value::from_bool(!sp[-1].holds()); break;
      case Op::CallBuiltin:
        sp -= in.b;
        *sp = call_builtin(in.a, std::span<const Value>(sp, in.b), *program_, *arena_, scratch_);
        ++sp;
        break;
      case Op::CallFunction: {
        sp -= in.b;
        Value result = run(in.a, sp);
        if (exhausted_) return Value::undefined();
        *sp++ = result;
        break;
      }
      case Op::MakeArray: {
        sp -= in.a;
        Value* items = arena_->allocate_array<Value>(in.a);
        std::copy(sp, sp + in.a, items);
        *sp++ = Value::from_array(items, in.a);
        break;
      }
      case Op::GlobMatch:
        sp[-1] = string_test(sp[-1], [&](std::string_view s) { return program_->glob_matches(in.a, s); });
        break;
      case Op::RegexMatch:
        sp[-1] = string_test(sp[-1], [&](std::string_view s) { return program_->regex_matches(in.a, s); });
        break;
      case Op::CidrContains:
        sp[-1] = string_test(sp[-1], [&](std::string_view s) { return program_->cidr_contains(in.a, s); });
        break;
      case Op::IterInit: {
        Value coll = *--sp;
        if (coll.kind != Kind::Array && coll.kind != Kind::Object && coll.kind != Kind::Set) {
          if (!jump(in.a, pc)) return Value::undefined();
          break;
        }
        frame[in.b] = coll;
        frame[in.b + 1] = Value::from_int(0);
        break;
      }
      case Op::IterNext:
        if (!iterate(frame + in.b) && !jump(in.a, pc)) return Value::undefined();
        break;
      case Op::Pop: --sp; break;
      case Op::JumpUnlessHolds:
        if (!(--sp)->holds() && !jump(in.a, pc)) return Value::undefined();
        break;
      case Op::Jump: if (!jump(in.a, pc)) return Value::undefined(); break;
      case Op::Return:
        if (coverage_) ++(*coverage_)[fn.entry + pc - 1];
        return sp[-1];
      case Op::ReturnUndefined: return Value::undefined();
      case Op::EqFieldConst: case Op::FieldInSet: case Op::FieldGlob: case Op::FieldCidr:
      case Op::FieldStartsWith: case Op::FieldContains:
        *sp++ = field_test(in);
        break;
      case Op::ReturnHolds: return sp[-1].holds() ? Value::from_bool(true) : Value::undefined();
    }
  }
}

}  // namespace sesrules::runtime
