// Tests of the small CLI helpers: time options, rule globs, line diff, fixture loading.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/fixtures.h"
#include "cli/line_diff.h"
#include "cli/program_loading.h"
#include "cli/time_options.h"

using namespace sesrules::cli;

TEST_CASE("parse_duration_ms: units and errors") {
  struct Case { const char* text; bool ok; std::int64_t ms; };
  const Case cases[] = {{"15m", true, 900000}, {"30s", true, 30000}, {"1h", true, 3600000}, {"2d", true, 172800000},
                        {"250ms", true, 250}, {"0s", true, 0}, {"15", false, 0}, {"m", false, 0}, {"1w", false, 0},
                        {"99999999999999999999d", false, 0}};
  for (const Case& c : cases) {
    CAPTURE(c.text);
    std::int64_t ms = -1;
    std::string error;
    CHECK(parse_duration_ms(c.text, ms, error) == c.ok);
    if (c.ok) CHECK(ms == c.ms);
    else CHECK(error.find("invalid duration") != std::string::npos);
  }
}

TEST_CASE("parse_time_option: dates and instants") {
  std::optional<std::int64_t> t;
  std::string error;
  CHECK(parse_time_option("", t, error));
  CHECK(!t);
  CHECK(parse_time_option("2024-01-01", t, error));
  CHECK(*t == 1704067200000);
  CHECK(parse_time_option("2024-01-01T00:00:01Z", t, error));
  CHECK(*t == 1704067201000);
  CHECK_FALSE(parse_time_option("yesterday", t, error));
}

TEST_CASE("glob_matches: rule-name globs") {
  struct Case { const char* pattern; const char* text; bool match; };
  const Case cases[] = {{"ses.*", "ses.abuse_enumeration", true}, {"*quota*", "ses.quota_check_long_term_key", true},
                        {"ses.?et_account*", "ses.get_account_long_term_key", true}, {"acme.*", "ses.x", false},
                        {"*", "", true}, {"a*b*c", "aXXbYYc", true}, {"a*b*c", "aXXbYY", false}};
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.text);
    CHECK(glob_matches(c.pattern, c.text) == c.match);
  }
}

TEST_CASE("unified_diff: changed line with context") {
  std::string diff = unified_diff("f.rules", "a\nb\nc\n", "a\nB\nc\n");
  CHECK(diff.find("--- f.rules") == 0);
  CHECK(diff.find("-b\n+B\n") != std::string::npos);
  CHECK(diff.find("@@ -1,3 +1,3 @@") != std::string::npos);
  CHECK(unified_diff("f", "same\n", "same\n").find("@@") == std::string::npos);
}

namespace {
std::string temp_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}
}  // namespace

TEST_CASE("load_fixture: valid, and errors that name the problem") {
  Fixture f;
  std::string error;
  std::string ok = temp_file("sesrules-fx-ok.json",
      R"({"description":"d","events":[{"eventID":"e1","eventName":"GetAccount"}],"expect":[{"rule":"ses.x","events":["e1"]}]})");
  REQUIRE(load_fixture(ok, f, error));
  CHECK(f.rules == std::vector<std::string>{"ses.x"});
  CHECK(f.events_jsonl.find("\"eventID\":\"e1\"") != std::string::npos);
  struct Case { const char* text; const char* message; };
  const Case cases[] = {{"{", "not valid JSON"}, {R"({"expect":[]})", "needs `events`"},
                        {R"({"events":[]})", "needs `expect`"},
                        {R"({"events":[],"expect":[{"rule":1}]})", "\"rule\""},
                        {R"({"events":[],"expect":[],"rules":"x"})", "`rules` must be a list"}};
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Fixture bad;
    std::string path = temp_file("sesrules-fx-bad.json", c.text);
    CHECK_FALSE(load_fixture(path, bad, error));
    CHECK(error.find(c.message) != std::string::npos);
    std::remove(path.c_str());
  }
  std::remove(ok.c_str());
}
