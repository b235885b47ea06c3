// Glob matching for glob_match(): `*` any run of bytes, `?` one byte, `[abc]`,
// `[a-z]`, `[!abc]` (or `[^abc]`) one of / none of; an unclosed `[` is a literal.
// There are no escapes, and bytes are bytes (UTF-8 is not decoded).
// CompiledGlob is the form the VM uses: patterns of only literal bytes and `*`
// (nearly all rule globs) match by comparing their literal segments, the rest
// by glob_match. Tested by tests/unit/runtime/glob_test.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sesrules::runtime {

bool glob_match(std::string_view pattern, std::string_view text);

class CompiledGlob {
 public:
  explicit CompiledGlob(std::string_view pattern);
  bool matches(std::string_view text) const;
  // True when matches() compares literal segments instead of calling glob_match.
  bool is_literal_segments() const { return literal_; }

 private:
  struct Segment {
    std::uint32_t offset = 0;  // into pattern_
    std::uint32_t size = 0;
  };
  std::string_view segment(Segment s) const { return {pattern_.data() + s.offset, s.size}; }
  bool match_segments(std::string_view text) const;

  std::string pattern_;
  bool literal_ = false;  // only literal bytes and `*`
  bool has_star_ = false;
  Segment prefix_, suffix_;       // before the first `*`, after the last one
  std::vector<Segment> middle_;   // non-empty segments between, in order
  std::size_t min_size_ = 0;      // sum of all segment sizes
};

}  // namespace sesrules::runtime
