// LoadedProgram: a verified Program plus what the VM needs precomputed: compiled
// regexes (RE2) and globs (runtime/glob.h), parsed CIDR blocks, hashed string
// sets, and frame sizes. Built once by load(), then immutable and shared by all
// worker threads (Vm holds a shared_ptr). string_views handed out point into the owned Program.
// Tested by tests/unit/runtime/vm_test.cc and serialize_test.cc (corrupt input).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/builtins_impl.h"
#include "runtime/program.h"

namespace re2 { class RE2; }

namespace sesrules::runtime {

// Function without its name: the VM's per-call lookup reads this compact table
// (several to a cache line) rather than Program::functions.
struct FunctionHeader {
  std::uint32_t entry = 0;
  std::uint32_t length = 0;
  std::uint16_t params = 0;
  std::uint16_t locals = 0;
  // Non-zero when the function is only this many field tests, each but the last
  // followed by JumpUnlessHolds to a ReturnUndefined and the last by ReturnHolds:
  // it holds exactly when every test holds, which Vm::holds checks without the
  // dispatch loop. A test is a fused one (EqFieldConst ... FieldContains) or
  // `LoadField X; Not`. Most single-event rule predicates have this shape.
  std::uint16_t field_tests = 0;
  // Where its tests start in LoadedProgram::field_tests(): the fused
  // instructions as they are, `LoadField X; Not` as Instr{Not, 0, X}.
  std::uint32_t tests_offset = 0;
};

class LoadedProgram {
 public:
  // Verifies the program (runtime/verify.h) and compiles its patterns. An error
  // names the first problem ("function 3: jump target 99 out of range").
  static Expected<std::shared_ptr<const LoadedProgram>> load(Program program);
  ~LoadedProgram();

  const Program& program() const { return program_; }
  bool in_set(std::uint32_t set, std::string_view s) const;
  std::size_t function_count() const { return headers_.size(); }
  const FunctionHeader& function(std::uint32_t fn) const { return headers_[fn]; }
  // The field tests of `header` (FunctionHeader::field_tests of them).
  const Instr* field_tests(const FunctionHeader& header) const { return field_tests_.data() + header.tests_offset; }
  // Constant A as a Value (strings view the owned Program).
  const Value& constant(std::uint32_t index) const { return constants_[index]; }
  bool regex_matches(std::uint32_t regex, std::string_view s) const;
  bool glob_matches(std::uint32_t glob, std::string_view s) const;
  bool cidr_contains(std::uint32_t cidr, std::string_view ip) const;
  // Value slots a Vm needs for locals + stack of any call tree.
  std::uint32_t frame_slots() const { return frame_slots_; }
  std::uint32_t function_max_stack(std::uint32_t fn) const { return max_stack_[fn]; }

 private:
  explicit LoadedProgram(Program program);
  Status prepare();
  static Value constant_value(const Constant& c);

  Program program_;
  // Sets of up to kLinearSetMax strings are scanned: cheaper than hashing the
  // probe, and most rule sets are that small. Larger ones are hashed here.
  static constexpr std::size_t kLinearSetMax = 8;
  std::vector<std::unordered_set<std::string_view>> sets_;
  std::vector<Value> constants_;
  std::vector<FunctionHeader> headers_;
  std::vector<Instr> field_tests_;
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
  std::vector<CompiledGlob> globs_;
  std::vector<CidrBlock> cidrs_;
  std::vector<std::uint32_t> max_stack_;
  std::uint32_t frame_slots_ = 0;
};

}  // namespace sesrules::runtime
