// Tests dispatch.cc: unions of exact, source-only, name-only and wildcard
// entries, sorted and deduplicated, for known and unknown (source, name) pairs.
#include <doctest/doctest.h>

#include "runtime/dispatch.h"

namespace sesrules::runtime {
namespace {

std::string targets(std::span<const DispatchTarget> span) {
  std::string out;
  for (const DispatchTarget& t : span) {
    out += (out.empty() ? "" : " ") + std::to_string(t.rule) +
           (t.step == kWholeRule ? "" : t.step == kUntilStep ? ".u" : "." + std::to_string(t.step));
  }
  return out;
}

TEST_CASE("candidates are the union of matching entries") {
  Program p;
  p.dispatch = {
      {"ses.amazonaws.com", "GetAccount", {{0, kWholeRule}, {3, 1}}},
      {"ses.amazonaws.com", "", {{1, kWholeRule}}},
      {"", "GetAccount", {{2, 0}}},
      {"", "", {{4, kUntilStep}}},
      {"iam.amazonaws.com", "DeleteAccessKey", {{3, kUntilStep}, {0, kWholeRule}}},
      {"", "ListUsers", {{5, kWholeRule}}},
      {"", "DescribeInstances", {{4, kUntilStep}}},
  };
  DispatchIndex index(p);
  CHECK_FALSE(index.empty());
  struct Case { const char* source; const char* name; const char* expected; };
  const Case cases[] = {
      {"ses.amazonaws.com", "GetAccount", "0 1 2.0 3.1 4.u"},
      {"ses.amazonaws.com", "GetSendQuota", "1 4.u"},
      {"ses.amazonaws.com", "DeleteAccessKey", "1 4.u"},
      {"sts.amazonaws.com", "GetAccount", "2.0 4.u"},
      {"iam.amazonaws.com", "DeleteAccessKey", "0 3.u 4.u"},
      {"iam.amazonaws.com", "GetAccount", "2.0 4.u"},
      {"s3.amazonaws.com", "GetObject", "4.u"},
      {"", "", "4.u"},
      {"ses.amazonaws.com", "ListUsers", "1 4.u 5"},
      {"iam.amazonaws.com", "ListUsers", "4.u 5"},
      {"", "ListUsers", "4.u 5"},
      {"ses.amazonaws.com", "", "1 4.u"},
      {"ses.amazonaws.com", "DescribeInstances", "1 4.u"},
      {"ec2.amazonaws.com", "DescribeInstances", "4.u"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    CAPTURE(c.name);
    CHECK(targets(index.candidates(c.source, c.name)) == c.expected);
  }
}

// The table's hash reads only the ends of long names, so names differing in one
// middle byte share a hash and only the word-wise compare tells them apart.
TEST_CASE("names that differ in any one byte are different keys") {
  for (std::size_t length = 1; length <= 40; ++length) {
    std::string name;
    for (std::size_t i = 0; i < length; ++i) name.push_back(static_cast<char>('a' + i % 26));
    Program p;
    p.dispatch = {{"ses.amazonaws.com", name, {{0, kWholeRule}}}};
    DispatchIndex index(p);
    CAPTURE(length);
    CHECK(targets(index.candidates("ses.amazonaws.com", name)) == "0");
    CHECK(targets(index.candidates("ses.amazonaws.co", name)).empty());
    for (std::size_t at = 0; at < length; ++at) {
      std::string other = name;
      other[at] = 'Z';
      CAPTURE(at);
      CHECK(targets(index.candidates("ses.amazonaws.com", other)).empty());
      CHECK(targets(index.candidates("ses.amazonaws.com", name + "x")).empty());
    }
  }
}

TEST_CASE("an empty program dispatches nothing") {
  DispatchIndex index{Program{}};
  CHECK(index.empty());
  CHECK(index.candidates("a", "b").empty());
}

}  // namespace
}  // namespace sesrules::runtime
