// The bytecode VM: runs one compiled function (a rule predicate, a step, a key,
// an output) against one record. One Vm per worker thread; the LoadedProgram is
// shared. Steady-state evaluation does not allocate: frames live in a buffer
// sized at construction (LoadedProgram::frame_slots), and values built at run
// time (lower(), arrays, json_decode) go into the caller's Arena, so they live
// until the caller resets it. Never throws. Each call has an instruction budget,
// charged at function entry and backward jumps (see Vm::charge); when it runs
// out the call returns Undefined and budget_exhausted() counts it.
// Tested by tests/unit/runtime/vm_test.cc and the compiler's differential_test.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "runtime/builtins_impl.h"
#include "runtime/loaded_program.h"
#include "runtime/record.h"

namespace sesrules::runtime {

// The values of Rule::captures for one partial match, indexed like Rule::captures
// (LoadCapture A reads values[A]); a missing entry reads as Undefined.
struct CaptureFrame {
  std::span<const Value> values;
};

class Vm {
 public:
  static constexpr std::uint64_t kInstructionBudget = 1'000'000;

  explicit Vm(std::shared_ptr<const LoadedProgram> program);

  // Runs function `fn` with `args` (one per parameter; otherwise Undefined is returned).
  Value call(std::uint32_t fn, const RecordView& record, Arena& arena, const CaptureFrame* captures = nullptr,
             std::span<const Value> args = {});
  // call(...).holds(): defined and not false. A conjunction of field tests
  // (FunctionHeader::field_tests) is checked without the dispatch loop, inline:
  // a rule predicate is mostly one such test, and the call cost as much as the test.
  [[gnu::always_inline]] inline bool holds(std::uint32_t fn, const RecordView& record, Arena& arena,
                                          const CaptureFrame* captures = nullptr);
  // One of those field tests (LoadedProgram::field_tests' encoding) on its own:
  // what holds() does for a function with exactly that one test.
  [[gnu::always_inline]] inline bool test_holds(const Instr& test, const RecordView& record);

  std::uint64_t budget_exhausted() const { return budget_exhausted_; }
  const LoadedProgram& program() const { return *program_; }
  // Coverage for `sesrules test --coverage`: counts executions of each Return
  // instruction (one per helper definition that held) into hits[code offset].
  // `hits` must have Program::code.size() entries and outlive the Vm's use.
  void set_coverage(std::vector<std::uint64_t>* hits) { coverage_ = hits; }

 private:
  bool holds_called(std::uint32_t fn, const RecordView& record, Arena& arena, const CaptureFrame* captures);
  Value run(std::uint32_t fn, Value* frame);
  bool charge(std::uint32_t instructions);  // false (and exhausted_) when over budget
  bool jump(std::uint32_t target, std::uint32_t& pc);
  // The Field* superinstructions. Inlined into holds() and run(): for most
  // tests the call cost more than the test (callgrind, bench/ 1,000 rules).
  [[gnu::always_inline]] inline Value field_test(const Instr& in) const;
  Value compare(Op op, const Value& a, const Value& b) const;
  Value member(const Value& container, std::string_view key) const;
  Value index(const Value& container, const Value& key) const;
  Value element_of(const Value& x, const Value& collection) const;
  bool iterate(Value* locals) const;  // false when the iteration is done

  std::shared_ptr<const LoadedProgram> program_;
  const Program* code_owner_;
  // program_->function_count(), which divides by the header size on every call.
  std::size_t function_count_;
  std::vector<Value> slots_;
  const RecordView* record_ = nullptr;
  Arena* arena_ = nullptr;
  const CaptureFrame* captures_ = nullptr;
  BuiltinScratch scratch_;
  std::uint64_t steps_left_ = 0;
  std::uint64_t budget_exhausted_ = 0;
  bool exhausted_ = false;
  std::vector<std::uint64_t>* coverage_ = nullptr;
};

// Inline: holds() is called for every dispatched rule and runs field_test() (also
// used by run() in vm.cc).

// Strings first: every fused test reads a string field, and for a string
// EqFieldConst is values_equal's string case, inlined.
inline Value Vm::field_test(const Instr& in) const {
  const Value& v = record_->field(in.b);
  if (v.kind != Kind::String) {
    if (!v.is_defined()) return v;
    if (in.op == Op::EqFieldConst) return Value::from_bool(values_equal(v, program_->constant(in.a), *program_));
    return in.op == Op::FieldInSet ? Value::from_bool(false) : Value::undefined();
  }
  std::string_view s = v.str();
  switch (in.op) {
    case Op::EqFieldConst: {
      const Value& c = program_->constant(in.a);
      return Value::from_bool(c.kind == Kind::String && s == c.str());
    }
    case Op::FieldInSet: return Value::from_bool(program_->in_set(in.a, s));
    case Op::FieldGlob: return Value::from_bool(program_->glob_matches(in.a, s));
    case Op::FieldCidr: return Value::from_bool(program_->cidr_contains(in.a, s));
    case Op::FieldStartsWith: return Value::from_bool(s.starts_with(program_->constant(in.a).str()));
    default: return Value::from_bool(contains_bytes(s, program_->constant(in.a).str()));
  }
}

bool Vm::test_holds(const Instr& test, const RecordView& record) {
  record_ = &record;
  // Op::Not stands for `LoadField B; Not` (LoadedProgram's encoding).
  return test.op == Op::Not ? !record.field(test.b).holds() : field_test(test).holds();
}

bool Vm::holds(std::uint32_t fn, const RecordView& record, Arena& arena, const CaptureFrame* captures) {
  if (fn < function_count_) {
    const FunctionHeader& header = program_->function(fn);
    if (header.field_tests != 0) {
      const Instr* tests = program_->field_tests(header);
      for (std::uint32_t i = 0; i < header.field_tests; ++i) {
        if (!test_holds(tests[i], record)) return false;
      }
      return true;
    }
  }
  return holds_called(fn, record, arena, captures);
}

}  // namespace sesrules::runtime
