// Glob matching: the general matcher and the literal-segment fast path.
// Tested by glob_test.cc, which checks the two agree.
#include "runtime/glob.h"

namespace sesrules::runtime {
namespace {

// One glob element at pattern[p] against character c; `next` gets the element's end.
bool glob_element_matches(std::string_view pattern, std::size_t p, char c, std::size_t& next) {
  if (pattern[p] != '[') {
    next = p + 1;
    return pattern[p] == '?' || pattern[p] == c;
  }
  std::size_t close = pattern.find(']', p + 2);
  if (close == std::string_view::npos) {  // an unclosed '[' is a literal
    next = p + 1;
    return c == '[';
  }
  next = close + 1;
  std::size_t i = p + 1;
  bool negate = pattern[i] == '!' || pattern[i] == '^';
  if (negate) ++i;
  bool found = false;
  for (; i < close; ++i) {
    if (i + 2 < close && pattern[i + 1] == '-') {
      found |= c >= pattern[i] && c <= pattern[i + 2];
      i += 2;
    } else {
      found |= c == pattern[i];
    }
  }
  return found != negate;
}

}  // namespace

// Iterative matcher with one backtrack point (the last `*`): linear in practice,
// O(pattern * text) worst case, never exponential.
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    std::size_t next = 0;
    if (p < pattern.size() && pattern[p] == '*') {
      star = ++p;
      star_text = t;
    } else if (p < pattern.size() && glob_element_matches(pattern, p, text[t], next)) {
      p = next;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

CompiledGlob::CompiledGlob(std::string_view pattern) : pattern_(pattern) {
  // `?` and `[` are the only bytes besides `*` that glob_match treats specially.
  literal_ = pattern_.find_first_of("?[") == std::string::npos;
  if (!literal_) return;
  std::size_t first_star = pattern_.find('*');
  has_star_ = first_star != std::string::npos;
  if (!has_star_) return;
  std::size_t last_star = pattern_.rfind('*');
  auto u32 = [](std::size_t n) { return static_cast<std::uint32_t>(n); };
  prefix_ = {0, u32(first_star)};
  suffix_ = {u32(last_star + 1), u32(pattern_.size() - last_star - 1)};
  min_size_ = prefix_.size + suffix_.size;
  for (std::size_t start = first_star + 1; start <= last_star;) {
    std::size_t end = pattern_.find('*', start);
    if (end > start) {  // `**` leaves an empty segment, which matches anywhere
      middle_.push_back({u32(start), u32(end - start)});
      min_size_ += end - start;
    }
    start = end + 1;
  }
}

bool CompiledGlob::matches(std::string_view text) const {
  if (!literal_) return glob_match(pattern_, text);
  if (!has_star_) return text == pattern_;
  return match_segments(text);
}

// Anchored prefix and suffix, then each middle segment at its leftmost place
// after the previous one: taking the leftmost leaves the most room for the rest,
// so this finds a match whenever one exists.
bool CompiledGlob::match_segments(std::string_view text) const {
  if (text.size() < min_size_) return false;
  if (!text.starts_with(segment(prefix_)) || !text.ends_with(segment(suffix_))) return false;
  std::string_view rest = text.substr(prefix_.size, text.size() - prefix_.size - suffix_.size);
  for (Segment s : middle_) {
    std::size_t at = rest.find(segment(s));
    if (at == std::string_view::npos) return false;
    rest.remove_prefix(at + s.size);
  }
  return true;
}

}  // namespace sesrules::runtime
