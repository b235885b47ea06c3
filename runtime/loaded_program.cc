// Loading: verify, then compile patterns and hash string sets. Tested by
// vm_test.cc and serialize_test.cc.
#include "runtime/loaded_program.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include "runtime/verify.h"

namespace sesrules::runtime {

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
  for (const auto& set : program_.string_sets) sets_.emplace_back(set.begin(), set.end());
  RE2::Options options;
  options.set_log_errors(false);
  for (const std::string& pattern : program_.regexes) {
    auto re = std::make_unique<RE2>(pattern, options);
    if (!re->ok()) return Status::error(fmt::format("invalid regex `{}`: {}", pattern, re->error()));
    regexes_.push_back(std::move(re));
  }
  for (const std::string& text : program_.cidrs) {
    std::optional<CidrBlock> block = parse_cidr(text);
    if (!block) return Status::error(fmt::format("invalid CIDR `{}`", text));
    cidrs_.push_back(*block);
  }
  return {};
}

bool LoadedProgram::regex_matches(std::uint32_t regex, std::string_view s) const {
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *regexes_[regex]);
}

bool LoadedProgram::glob_matches(std::uint32_t glob, std::string_view s) const {
  return glob_match(program_.globs[glob], s);
}

bool LoadedProgram::cidr_contains(std::uint32_t cidr, std::string_view ip) const {
  return cidr_block_contains(cidrs_[cidr], ip);
}

}  // namespace sesrules::runtime
