// Loading: verify, then compile patterns and hash string sets. Tested by
// vm_test.cc and serialize_test.cc.
#include "runtime/loaded_program.h"

#include <algorithm>

#include <fmt/format.h>
#include <re2/re2.h>

#include "runtime/verify.h"

namespace sesrules::runtime {

namespace {

bool is_field_test(Op op) {
  switch (op) {
    case Op::EqFieldConst: case Op::FieldInSet: case Op::FieldGlob: case Op::FieldCidr:
    case Op::FieldStartsWith: case Op::FieldContains:
      return true;
    default: return false;
  }
}

// One shortcut test at `pc`: a fused field test, or `LoadField X; Not` (a
// rule's `not input.x`) stored as Instr{Not, 0, X}. Returns the instructions it
// spans, 0 when `pc` starts neither.
std::uint32_t shortcut_test(const Instr* c, std::uint32_t pc, std::uint32_t length, Instr& out) {
  if (is_field_test(c[pc].op)) {
    out = c[pc];
    return 1;
  }
  if (c[pc].op == Op::LoadField && pc + 1 < length && c[pc + 1].op == Op::Not && c[pc].a <= 0xffff) {
    out = Instr{Op::Not, 0, static_cast<std::uint16_t>(c[pc].a)};
    return 2;
  }
  return 0;
}

// FunctionHeader::field_tests for `f` (its tests appended to `tests`), 0 when it
// has another shape. Parameters rule it out (Vm::call checks their count) and so
// does length: a short function never runs out of instruction budget, so
// skipping the charge changes nothing.
std::uint16_t collect_field_tests(const std::vector<Instr>& code, const Function& f, std::vector<Instr>& tests) {
  constexpr std::uint32_t kMaxLength = 64;
  if (f.params != 0 || f.length > kMaxLength) return 0;
  const Instr* c = code.data() + f.entry;
  const std::size_t start = tests.size();
  Instr test;
  for (std::uint32_t pc = 0, n = 0; pc < f.length && (n = shortcut_test(c, pc, f.length, test)) != 0;) {
    pc += n;
    if (pc >= f.length) break;
    tests.push_back(test);
    const Instr& next = c[pc++];
    if (next.op == Op::ReturnHolds) return static_cast<std::uint16_t>(tests.size() - start);
    if (next.op != Op::JumpUnlessHolds || next.a >= f.length || c[next.a].op != Op::ReturnUndefined) break;
  }
  tests.resize(start);
  return 0;
}

}  // namespace

LoadedProgram::LoadedProgram(Program program) : program_(std::move(program)) {}
LoadedProgram::~LoadedProgram() = default;

Expected<std::shared_ptr<const LoadedProgram>> LoadedProgram::load(Program program) {
  std::shared_ptr<LoadedProgram> loaded(new LoadedProgram(std::move(program)));
  if (Status s = loaded->prepare(); !s.ok()) return s;
  return std::shared_ptr<const LoadedProgram>(std::move(loaded));
}

Status LoadedProgram::prepare() {
  Expected<VerifyResult> verified = verify_program(program_);
  if (!verified.ok()) return verified.status();
  max_stack_ = std::move(verified.value().max_stack);
  frame_slots_ = verified.value().frame_slots;
  // The views point into program_, which never moves: LoadedProgram lives in a shared_ptr.
  for (const auto& set : program_.string_sets) {
    if (set.size() > kLinearSetMax) sets_.emplace_back(set.begin(), set.end());
    else sets_.emplace_back();
  }
  for (const Constant& c : program_.constants) constants_.push_back(constant_value(c));
  for (const Function& f : program_.functions) {
    const auto offset = static_cast<std::uint32_t>(field_tests_.size());
    headers_.push_back({f.entry, f.length, f.params, f.locals, collect_field_tests(program_.code, f, field_tests_),
                        offset});
  }
  RE2::Options options;
  options.set_log_errors(false);
  for (const std::string& pattern : program_.regexes) {
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok()) return Status::error(fmt::format("invalid regex `{}`: {}", pattern, re->error()));
    regexes_.push_back(std::move(re));
  }
  for (const std::string& pattern : program_.globs) globs_.emplace_back(pattern);
  for (const std::string& text : program_.cidrs) {
    std::optional<CidrBlock> block = parse_cidr(text);
    if (!block) return Status::error(fmt::format("invalid CIDR `{}`", text));
    cidrs_.push_back(*block);
  }
  return {};
}

Value LoadedProgram::constant_value(const Constant& c) {
  switch (c.kind) {
    case Kind::Null: return Value::null();
    case Kind::Bool: return Value::from_bool(c.boolean);
    case Kind::Int: return Value::from_int(c.integer);
    case Kind::Float: return Value::from_double(c.number);
    case Kind::String: return Value::from_string(c.text);
    default: return Value::undefined();
  }
}

bool LoadedProgram::in_set(std::uint32_t set, std::string_view s) const {
  const std::vector<std::string>& members = program_.string_sets[set];
  if (members.size() > kLinearSetMax) return sets_[set].contains(s);
  return std::any_of(members.begin(), members.end(), [&](const std::string& m) { return m == s; });
}

bool LoadedProgram::regex_matches(std::uint32_t regex, std::string_view s) const {
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *regexes_[regex]);
}

bool LoadedProgram::glob_matches(std::uint32_t glob, std::string_view s) const {
  return globs_[glob].matches(s);
}

bool LoadedProgram::cidr_contains(std::uint32_t cidr, std::string_view ip) const {
  return cidr_block_contains(cidrs_[cidr], ip);
}

}  // namespace sesrules::runtime
