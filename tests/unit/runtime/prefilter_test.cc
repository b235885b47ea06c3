// Tests runtime/readers/prefilter.cc: atom search over raw record bytes and the
// escape rule that keeps the prefilter conservative.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/readers/prefilter.h"

namespace rt = sesrules::runtime;

TEST_CASE("Prefilter finds any atom anywhere in the bytes") {
  const rt::Prefilter filter({"GetSendQuota", "ListIdentities", "ses.amazonaws.com", "AKIA", "ab", "x"});
  struct Case { std::string raw; bool may_match; };
  const Case cases[] = {
      {R"({"eventName":"GetSendQuota"})", true},
      {R"({"eventName":"ListIdentities"})", true},
      {R"({"eventSource":"ses.amazonaws.com"})", true},
      {"GetSendQuota", true},                              // whole input
      {"...GetSendQuot", false},                           // prefix at the end only
      {R"({"accessKeyId":"AKIAEXAMPLE"})", true},
      {R"({"a":"cab"})", true},                             // short atom
      {R"({"eventName":"DescribeInstances"})", false},
      {"", false},
      {"AKI", false},
      {R"({"eventName":"\u0047etSendQuota"})", true},      // escape could hide an atom
      {R"({"p":"{\"Version\":1}"})", false},                // plain escapes are harmless here
  };
  for (const Case& c : cases) {
    CAPTURE(c.raw);
    CHECK(filter.may_match(c.raw) == c.may_match);
  }
}

TEST_CASE("Prefilter with atoms containing escapable characters distrusts any backslash") {
  const rt::Prefilter filter({"assumed-role/Admin"});
  CHECK(filter.may_match(R"({"arn":"arn:aws:sts::1:assumed-role/Admin/x"})"));
  CHECK(filter.may_match(R"({"arn":"arn:aws:sts::1:assumed-role\/Admin\/x"})"));
  CHECK_FALSE(filter.may_match(R"({"arn":"arn:aws:iam::1:user/bob"})"));
}

TEST_CASE("Prefilter edge cases") {
  CHECK_FALSE(rt::Prefilter({}).may_match(R"({"eventName":"GetSendQuota"})"));
  CHECK(rt::Prefilter({""}).may_match("anything"));
  // Many atoms sharing a 4-byte prefix land in one bucket and are all checked.
  std::vector<std::string> atoms;
  for (int i = 0; i < 200; ++i) atoms.push_back("List" + std::to_string(i) + "Things");
  const rt::Prefilter filter(atoms);
  CHECK(filter.may_match("xxList199Thingsxx"));
  CHECK(filter.may_match("List0Things"));
  CHECK_FALSE(filter.may_match("List200Things"));
}

TEST_CASE("Prefilter agrees with a naive search on random inputs") {
  const std::vector<std::string> atoms = {"GetSendQuota", "abcd", "Quota", "ListIdentities", "dcba", "zz"};
  const rt::Prefilter filter(atoms);
  std::uint32_t state = 12345;
  auto next = [&] { state = state * 1103515245u + 12345u; return state >> 16; };
  const std::string alphabet = "abcdzQuotaGetSend";
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const std::size_t length = next() % 64;
    for (std::size_t i = 0; i < length; ++i) text.push_back(alphabet[next() % alphabet.size()]);
    if (next() % 4 == 0) text.insert(next() % (text.size() + 1), atoms[next() % atoms.size()]);
    bool naive = false;
    for (const std::string& atom : atoms) naive = naive || text.find(atom) != std::string::npos;
    CAPTURE(text);
    REQUIRE(filter.contains_atom(text) == naive);
  }
}

TEST_CASE("Prefilter::find_hits: a range holds a hit exactly when may_match accepts it") {
  const std::vector<std::string> atoms = {"GetSendQuota", "abcd", "Quota", "ListIdentities", "zz"};
  const rt::Prefilter filter(atoms);
  std::uint32_t state = 99;
  auto next = [&] { state = state * 1103515245u + 12345u; return state >> 16; };
  const std::string alphabet = "abcdzQuotaGetSend,{}\\u";
  for (int round = 0; round < 300; ++round) {
    std::string file;
    std::vector<std::pair<std::size_t, std::size_t>> records;
    for (int r = 0; r < 20; ++r) {
      const std::size_t begin = file.size();
      const std::size_t length = 1 + next() % 40;
      for (std::size_t i = 0; i < length; ++i) file.push_back(alphabet[next() % alphabet.size()]);
      if (next() % 5 == 0) file.insert(begin + next() % length, atoms[next() % atoms.size()]);
      records.emplace_back(begin, file.size());
      file.push_back(',');
    }
    std::vector<std::size_t> hits;
    filter.find_hits(file, hits);
    REQUIRE(std::is_sorted(hits.begin(), hits.end()));
    for (const auto& [begin, end] : records) {
      const std::string_view record = std::string_view(file).substr(begin, end - begin);
      const bool hit = std::lower_bound(hits.begin(), hits.end(), begin) != std::lower_bound(hits.begin(), hits.end(), end);
      CAPTURE(record);
      REQUIRE(hit == filter.may_match(record));
    }
  }
}

TEST_CASE("PrefilterGovernor pauses while most records pass, then tries again") {
  rt::PrefilterGovernor governor;
  for (std::uint32_t i = 0; i < rt::PrefilterGovernor::kWindow; ++i) governor.record(i % 4 == 0);  // 25% pass
  CHECK(governor.active());
  for (std::uint32_t i = 0; i < rt::PrefilterGovernor::kWindow; ++i) governor.record(i % 4 != 0);  // 75% pass
  CHECK_FALSE(governor.active());
  for (std::uint32_t i = 0; i + 1 < rt::PrefilterGovernor::kPause; ++i) governor.record(true);
  CHECK_FALSE(governor.active());
  governor.record(true);
  CHECK(governor.active());
}
