// Tests runtime/readers/format_detect.cc and json_scan.cc: layouts and unit kinds
// from content, and framing of single values.
#include <doctest/doctest.h>

#include <string>

#include "runtime/readers/format_detect.h"
#include "runtime/readers/json_scan.h"

namespace rt = sesrules::runtime;
using rt::Layout;
using rt::UnitKind;

TEST_CASE("detect_format: layouts and kinds") {
  struct Case { std::string name; std::string input; Layout layout; UnitKind kind; const char* format; };
  const Case cases[] = {
      {"empty", "", Layout::Empty, UnitKind::Record, "empty"},
      {"whitespace", " \r\n\t ", Layout::Empty, UnitKind::Record, "empty"},
      {"records file", R"({"Records":[{"eventName":"A"}]})", Layout::RecordsFile, UnitKind::Record, "cloudtrail-records"},
      {"records after another key", R"({"x":{"y":[1]},"Records":[]})", Layout::RecordsFile, UnitKind::Record, "cloudtrail-records"},
      {"records with BOM", "\xEF\xBB\xBF\n {\"Records\":[]}", Layout::RecordsFile, UnitKind::Record, "cloudtrail-records"},
      {"bare array", "[{\"eventName\":\"A\"},{}]", Layout::Array, UnitKind::Record, "json-array"},
      {"empty array", "[]", Layout::Array, UnitKind::Record, "json-array"},
      {"json lines", "{\"a\":1}\n{\"a\":2}\n", Layout::Lines, UnitKind::Record, "json-lines"},
      {"json lines, CRLF", "{\"a\":1}\r\n{\"a\":2}\r\n", Layout::Lines, UnitKind::Record, "json-lines"},
      {"json lines, bad first line", "{\"a\":\n{\"a\":2}\n", Layout::Lines, UnitKind::Record, "json-lines"},
      {"single line object", "{\"eventName\":\"A\"}\n", Layout::Single, UnitKind::Record, "json-single"},
      {"pretty single object", "{\n  \"eventName\": \"A\"\n}\n", Layout::Single, UnitKind::Record, "json-single"},
      {"pretty concatenated", "{\n \"a\": 1\n}\n{\n \"a\": 2\n}\n", Layout::Concatenated, UnitKind::Record, "json-concatenated"},
      {"cloudwatch", R"({"messageType":"DATA_MESSAGE","logEvents":[]})", Layout::Single, UnitKind::CloudWatch, "cloudwatch-single"},
      {"cloudwatch lines", "{\"owner\":\"1\",\"logEvents\":[]}\n{\"logEvents\":[]}", Layout::Lines, UnitKind::CloudWatch, "cloudwatch-lines"},
      {"eventbridge", R"({"version":"0","detail-type":"AWS API Call via CloudTrail","detail":{}})", Layout::Single, UnitKind::EventBridge, "eventbridge-single"},
      {"eventbridge array", R"([{"detail-type":"x","detail":{}}])", Layout::Array, UnitKind::EventBridge, "eventbridge-array"},
      {"not json", "hello", Layout::NotJson, UnitKind::Record, "not-json"},
      {"binary", std::string("\0\0\0", 3), Layout::NotJson, UnitKind::Record, "not-json"},
      {"records key not an array", R"({"Records":5})", Layout::RecordsFile, UnitKind::Record, "cloudtrail-records"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const rt::FormatInfo info = rt::detect_format(c.input, 64);
    CHECK(info.layout == c.layout);
    CHECK(info.kind == c.kind);
    CHECK(rt::format_name(info) == c.format);
  }
  CHECK(rt::detect_format(R"({"Records":5})", 64).records_array == std::string_view::npos);
  CHECK(rt::detect_format(R"({"Records": [])", 64).records_array == 12);
}

TEST_CASE("scan_value frames one value") {
  using rt::detail::ScanStatus;
  struct Case { std::string input; ScanStatus status; std::size_t end; };
  const Case cases[] = {
      {R"({"a":[1,2,{"b":"}"}]} tail)", ScanStatus::Ok, 21},
      {R"("x\"y" z)", ScanStatus::Ok, 6},
      {R"("x\\" z)", ScanStatus::Ok, 5},
      {R"({"a":"\\\"}"}, 1)", ScanStatus::Ok, 13},
      {"123,", ScanStatus::Ok, 3},
      {"true}", ScanStatus::Ok, 4},
      {R"({"a":[1,2)", ScanStatus::Truncated, 9},
      {R"({"a":"unterminated})", ScanStatus::Truncated, 19},
      {"[[[[1]]]]", ScanStatus::TooDeep, 9},
      {"[[[1]]]", ScanStatus::Ok, 7},
      {"}", ScanStatus::Malformed, 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input);
    const rt::detail::ScanResult result = rt::detail::scan_value(c.input, 0, 3);
    CHECK(result.status == c.status);
    CHECK(result.end == c.end);
  }
}

TEST_CASE("skip_bom_and_space") {
  CHECK(rt::detail::skip_bom_and_space("\xEF\xBB\xBF  {") == 5);
  CHECK(rt::detail::skip_bom_and_space("{") == 0);
  CHECK(rt::detail::skip_bom_and_space("\xEF\xBB") == 0);
}

TEST_CASE("scan_string handles escapes on both sides of its short-string fast path") {
  // Naive reference: walk byte by byte, skipping escaped bytes.
  auto naive = [](const std::string& s) -> std::size_t {
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (s[i] == '"') return i + 1;
      if (s[i] == '\\') ++i;
    }
    return std::string_view::npos;
  };
  for (std::size_t length = 0; length < 80; ++length) {
    for (const char* insert : {"\\\"", "\\\\", "\\\\\\\"", "\\u0041"}) {
      for (std::size_t at = 0; at <= length; at += 7) {
        std::string body(length, 'x');
        body.insert(at, insert);
        const std::string text = "\"" + body + "\" tail";
        CAPTURE(text);
        REQUIRE(rt::detail::scan_string(text, 0) == naive(text));
        const std::string open = "\"" + body;  // never closed
        REQUIRE(rt::detail::scan_string(open, 0) == naive(open));
      }
    }
  }
}
