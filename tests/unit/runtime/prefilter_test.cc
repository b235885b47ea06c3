// Tests runtime/readers/event_prefilter.cc and prefilter.h: the key-anchored
// prefilter built from a Program's dispatch index, its escape rules, the SIMD
// substring search under it, and the governor that pauses it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/readers/event_prefilter.h"
#include "runtime/readers/prefilter.h"

namespace rt = sesrules::runtime;

namespace {

rt::Program dispatch_program(std::vector<std::pair<std::string, std::string>> pairs) {
  rt::Program program;
  program.prefilter_complete = true;
  for (auto& [source, name] : pairs) program.dispatch.push_back(rt::DispatchEntry{source, name, {rt::DispatchTarget{}}});
  return program;
}

}  // namespace

TEST_CASE("EventPrefilter: eventName values of the dispatch index") {
  const rt::EventPrefilter filter(dispatch_program({{"ses.amazonaws.com", "GetSendQuota"}, {"", "ListIdentities"}}));
  REQUIRE(filter.active());
  struct Case { std::string raw; bool may_match; };
  const Case cases[] = {
      {R"({"eventName":"GetSendQuota"})", true},
      {R"({"eventName" : "ListIdentities"})", true},
      {"{\"eventName\":\n\t\"GetSendQuota\"}", true},
      {R"({"userIdentity":{"eventName":"GetSendQuota"},"eventName":"X"})", true},  // any depth counts
      {R"({"eventName":"GetSendQuotaX"})", false},
      {R"({"eventName":"DescribeInstances","userAgent":"GetSendQuota"})", false},  // name elsewhere
      {R"({"eventName":5})", false},
      {R"({"eventName":"GetSend)", false},
      {R"({"eventName":"\u0047etSendQuota"})", true},       // escape could spell a name
      {R"({"event\u004eame":"GetSendQuota"})", true},       // ... or the key
      {R"({"eventName":"Get\/SendQuota"})", true},          // backslash inside the value
      {R"({"p":"{\"Version\":1}","eventName":"RunInstances"})", false},  // plain escapes elsewhere
      {R"({"p":"\\u0041","eventName":"RunInstances"})", false},         // an escaped backslash, then "u"
      {"", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.raw);
    CHECK(filter.may_match(c.raw) == c.may_match);
  }
}

TEST_CASE("EventPrefilter: source-only entries check eventSource, wildcards switch it off") {
  const rt::EventPrefilter by_source(dispatch_program({{"sesv2.amazonaws.com", ""}, {"", "GetAccount"}}));
  CHECK(by_source.may_match(R"({"eventSource":"sesv2.amazonaws.com","eventName":"Anything"})"));
  CHECK(by_source.may_match(R"({"eventSource":"s3.amazonaws.com","eventName":"GetAccount"})"));
  CHECK_FALSE(by_source.may_match(R"({"eventSource":"s3.amazonaws.com","eventName":"GetObject"})"));
  CHECK_FALSE(rt::EventPrefilter(dispatch_program({{"", "GetAccount"}, {"", ""}})).active());
  rt::Program incomplete = dispatch_program({{"", "GetAccount"}});
  incomplete.prefilter_complete = false;
  CHECK_FALSE(rt::EventPrefilter(incomplete).active());
  const rt::EventPrefilter nothing(dispatch_program({}));  // no rule can match anything
  CHECK(nothing.active());
  CHECK_FALSE(nothing.may_match(R"({"eventName":"GetAccount"})"));
}

TEST_CASE("find_all agrees with a naive search at every alignment") {
  std::uint32_t state = 12345;
  auto next = [&] { state = state * 1103515245u + 12345u; return state >> 16; };
  const std::string needle = "\"eventName\"";
  const std::string alphabet = "\"evntNamxtN";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const std::size_t length = next() % 200;
    for (std::size_t i = 0; i < length; ++i) text.push_back(alphabet[next() % alphabet.size()]);
    for (int k = next() % 4; k > 0; --k) text.insert(next() % (text.size() + 1), needle);
    std::vector<std::size_t> expected, got;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) expected.push_back(at);
    rt::find_all(text, needle, 5, got);
    CAPTURE(text);
    REQUIRE(got == expected);
  }
}

TEST_CASE("EventPrefilter::find_hits: a range holds a hit exactly when may_match accepts it") {
  const rt::EventPrefilter filter(dispatch_program({{"", "GetSendQuota"}, {"", "Quota"}, {"", "zz"}}));
  std::uint32_t state = 99;
  auto next = [&] { state = state * 1103515245u + 12345u; return state >> 16; };
  const char* const pieces[] = {R"("eventName":"GetSendQuota")", R"("eventName" : "zz")", R"("eventName":"Other")",
                                R"("x":"\u0041")", R"("y":"\\u")", "\"a\":1", "\"Quota\"", "{", "}"};
  for (int round = 0; round < 300; ++round) {
    std::string file;
    std::vector<std::pair<std::size_t, std::size_t>> records;
    for (int r = 0; r < 20; ++r) {
      const std::size_t begin = file.size();
      file += "{";
      for (int k = 1 + next() % 4; k > 0; --k) file += std::string(pieces[next() % 9]) + ",";
      file += "\"z\":0}";
      records.emplace_back(begin, file.size());
      file += ",";
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
