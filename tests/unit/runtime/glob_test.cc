// Tests glob.cc: CompiledGlob (the literal-segment fast path and its fallback)
// agrees with glob_match on fixed cases and on every pattern/text pair over a
// small alphabet, including `**`, empty segments and multi-byte UTF-8.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "runtime/glob.h"

namespace sesrules::runtime {
namespace {

void check_agrees(const CompiledGlob& compiled, const std::string& pattern, const std::string& text) {
  if (compiled.matches(text) != glob_match(pattern, text)) {
    CAPTURE(pattern);
    CAPTURE(text);
    FAIL("CompiledGlob and glob_match disagree");
  }
}

// Every string of up to `max_length` symbols, each symbol one of `alphabet`.
std::vector<std::string> all_strings(const std::vector<std::string>& alphabet, std::size_t max_length) {
  std::vector<std::string> out{""};
  for (std::size_t begin = 0, length = 0; length < max_length; ++length) {
    std::size_t end = out.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (const std::string& symbol : alphabet) out.push_back(out[i] + symbol);
    }
    begin = end;
  }
  return out;
}

TEST_CASE("CompiledGlob: which patterns take the literal-segment path") {
  CHECK(CompiledGlob("arn:aws:iam::*:user/generated-4*").is_literal_segments());
  CHECK(CompiledGlob("").is_literal_segments());
  CHECK(CompiledGlob("**").is_literal_segments());
  CHECK(CompiledGlob("a]b").is_literal_segments());
  CHECK_FALSE(CompiledGlob("us-?").is_literal_segments());
  CHECK_FALSE(CompiledGlob("[ab]*").is_literal_segments());
  CHECK_FALSE(CompiledGlob("a[").is_literal_segments());
}

TEST_CASE("CompiledGlob: fixed cases") {
  struct Case { const char* pattern; const char* text; bool match; };
  const Case cases[] = {
      {"arn:aws:iam::*:user/generated-4*", "arn:aws:iam::123456789012:user/generated-41", true},
      {"arn:aws:iam::*:user/generated-4*", "arn:aws:iam::123456789012:user/alice", false},
      {"arn:aws:iam::*:user/generated-4*", "arn:aws:iam:::user/generated-4", true},
      {"eu-*-1", "eu-west-1", true},  {"eu-*-1", "eu-1", false},     {"eu-*-1", "eu--1", true},
      {"a*b*c", "aXbYbZc", true},     {"a*b*c", "aXbYbZ", false},    {"a*a", "a", false},
      {"a*a", "aa", true},            {"*ab*ab*", "abab", true},      {"*ab*ab*", "aba", false},
      {"", "", true},                 {"", "x", false},               {"*", "", true},
      {"**", "anything", true},       {"x**y", "xy", true},           {"abc", "abc", true},
      {"abc", "abcd", false},         {"caf\xc3\xa9*", "caf\xc3\xa9s", true},
      {"*\xc3\xa9", "\xc3\xa9", true}, {"*\xa9", "\xc3\xa9", true},  {"a]*", "a]b", true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.text);
    CHECK(CompiledGlob(c.pattern).matches(c.text) == c.match);
    CHECK(glob_match(c.pattern, c.text) == c.match);
  }
}

TEST_CASE("CompiledGlob agrees with glob_match on every small pattern and text") {
  // "\xc3\xa9" is one code point as two bytes; glob_match compares bytes, and so
  // must the fast path (a pattern byte may match half of a character).
  const std::vector<std::string> pattern_symbols{"a", "b", "*", "\xc3\xa9", "\xa9", "?", "["};
  const std::vector<std::string> text_symbols{"a", "b", "\xc3\xa9", "\xa9", "*"};
  std::vector<std::string> patterns = all_strings(pattern_symbols, 4);
  std::vector<std::string> texts = all_strings(text_symbols, 5);
  for (const std::string& pattern : patterns) {
    CompiledGlob compiled(pattern);
    for (const std::string& text : texts) check_agrees(compiled, pattern, text);
  }
}

TEST_CASE("CompiledGlob agrees with glob_match on random ARN-like patterns") {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces{"arn:", "aws", ":", "iam", "user/", "gen", "-4", "*", "**", "1", ""};
  auto random_string = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string pattern = random_string(rng() % 7);
    std::string text = random_string(rng() % 9);
    for (char& c : text) {
      if (c == '*' && rng() % 2) c = 'x';
    }
    check_agrees(CompiledGlob(pattern), pattern, text);
  }
}

}  // namespace
}  // namespace sesrules::runtime
