// Tests runtime/record.cc: eventTime parsing and formatting.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include "runtime/record.h"

using sesrules::runtime::format_event_time;
using sesrules::runtime::parse_event_time;
using sesrules::runtime::EventTimeReader;
using sesrules::runtime::detail::parse_event_time_general;

TEST_CASE("parse_event_time accepts CloudTrail and RFC 3339 forms") {
  struct Case { std::string text; std::int64_t ms; };
  const Case cases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2024-07-31T13:06:24Z", 1722431184000},
      {"2024-07-31T13:06:24.5Z", 1722431184500},
      {"2024-07-31T13:06:24.123Z", 1722431184123},
      {"2024-07-31T13:06:24.123456789Z", 1722431184123},   // truncated past milliseconds
      {"2024-07-31T13:06:24+00:00", 1722431184000},
      {"2024-07-31T15:06:24+02:00", 1722431184000},
      {"2024-07-31T08:06:24-0500", 1722431184000},
      {"2024-07-31t13:06:24z", 1722431184000},
      {"2024-02-29T00:00:00Z", 1709164800000},             // leap day
      {"2000-02-29T23:59:59Z", 951868799000},
      {"1969-12-31T23:59:59.999Z", -1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    std::int64_t ms = 42;
    REQUIRE(parse_event_time(c.text, ms));
    CHECK(ms == c.ms);
  }
}

TEST_CASE("parse_event_time rejects malformed times") {
  const std::string cases[] = {
      "", "2024-07-31", "2024-07-31T13:06:24", "2024-07-31 13:06:24Z", "2024-7-31T13:06:24Z",
      "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
      "2024-07-31T24:00:00Z", "2024-07-31T13:60:00Z", "2024-07-31T13:06:60Z", "2024-07-31T13:06:24.Z",
      "2024-07-31T13:06:24Zjunk", "2024-07-31T13:06:24+25:00", "2024-07-31T13:06:24+02", "1722431184",
      "2024-07-31T13:06:24.12a3Z", "abcd-07-31T13:06:24Z",
  };
  for (const std::string& text : cases) {
    CAPTURE(text);
    std::int64_t ms = 0;
    CHECK_FALSE(parse_event_time(text, ms));
  }
}

TEST_CASE("format_event_time renders seconds or milliseconds and round-trips") {
  struct Case { std::int64_t ms; const char* text; };
  const Case cases[] = {
      {0, "1970-01-01T00:00:00Z"},
      {1722431184000, "2024-07-31T13:06:24Z"},
      {1722431184123, "2024-07-31T13:06:24.123Z"},
      {-1, "1969-12-31T23:59:59.999Z"},
      {951868799000, "2000-02-29T23:59:59Z"},
      {253402300799999, "9999-12-31T23:59:59.999Z"},
      {-62135596800000, "0001-01-01T00:00:00Z"},
      {1000000000010, "2001-09-09T01:46:40.010Z"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.ms);
    CHECK(format_event_time(c.ms) == c.text);
    std::int64_t back = 0;
    REQUIRE(parse_event_time(format_event_time(c.ms), back));
    CHECK(back == c.ms);
  }
  CHECK(format_event_time(253402300800000) == "10000-01-01T00:00:00Z");  // past 9999: still readable
  // Every millisecond pattern round-trips (the digits are written by hand).
  for (std::int64_t ms = 1700000000000; ms < 1700000000000 + 86400000LL * 400; ms += 86399999LL / 7) {
    std::int64_t back = 0;
    REQUIRE(parse_event_time(format_event_time(ms), back));
    CHECK(back == ms);
  }
}

TEST_CASE("parse_event_time's fast path agrees with the general reader") {
  // CloudTrail's form with one or two bytes changed: digits (ranges, leap days)
  // and any other byte (layout), so that the fast path meets every way to fail.
  std::mt19937 random(7);
  const std::string templates[] = {"2024-07-31T13:06:24Z", "2024-02-29T23:59:59Z", "1900-02-28T00:00:00Z",
                                   "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"};
  const std::string alphabet = "0123456789012345678901234567890123456789-T:Zzt.+ ";
  for (int round = 0; round < 200000; ++round) {
    std::string text = templates[random() % std::size(templates)];
    for (int changes = 1 + static_cast<int>(random() % 2); changes > 0; --changes) {
      text[random() % text.size()] = alphabet[random() % alphabet.size()];
    }
    CAPTURE(text);
    std::int64_t fast = 1, general = 2;
    const bool fast_ok = parse_event_time(text, fast);
    REQUIRE(fast_ok == parse_event_time_general(text, general));
    if (fast_ok) REQUIRE(fast == general);
  }
}

TEST_CASE("EventTimeReader agrees with parse_event_time on runs of related times") {
  // Runs that share a date (the remembered day), change it, or break the form.
  std::mt19937 random(11);
  const std::string days[] = {"2024-07-31", "2024-02-29", "2023-02-29", "1969-12-31", "2024-13-01"};
  const std::string alphabet = "0123456789-T:Zz.+ ";
  EventTimeReader reader;
  for (int round = 0; round < 100000; ++round) {
    std::string text = days[random() % std::size(days)] + "T13:06:24Z";
    for (std::size_t at : {11u, 12u, 14u, 15u, 17u, 18u}) text[at] = static_cast<char>('0' + random() % 10);
    if (random() % 4 == 0) text[random() % text.size()] = alphabet[random() % alphabet.size()];
    if (random() % 16 == 0) text += ".5Z";
    CAPTURE(text);
    std::int64_t cached = 1, direct = 2;
    const bool ok = reader.parse(text, cached);
    REQUIRE(ok == parse_event_time(text, direct));
    if (ok) REQUIRE(cached == direct);
  }
}
