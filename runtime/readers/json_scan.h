// json_scan: a small structural scanner that finds where one JSON value ends
// without parsing it. The readers use it to cut a file into records (elements
// of a Records array, lines, concatenated objects) before simdjson parses each
// record on its own, so that damage stays inside the smallest unit.
// It checks only what it needs for framing: balanced brackets outside strings
// and closed strings. Everything else (bracket kinds, literals, UTF-8) is left
// to simdjson. Tested by tests/unit/runtime/format_detect_test.cc.
#pragma once

#include <cstddef>
#include <string_view>

namespace sesrules::runtime::detail {

enum class ScanStatus { Ok, Truncated, Malformed, TooDeep };

struct ScanResult {
  ScanStatus status = ScanStatus::Ok;
  std::size_t end = 0;   // one past the value (Ok, TooDeep); data.size() when Truncated
  // Containers scanned Ok only: every byte is ASCII, no string holds a raw
  // control byte (< 0x20) and outside strings the only ones are tab, line feed and
  // carriage return, so no UTF-8 or control-byte validation is left to do (the
  // readers' raw path, field_extractor.h, relies on it).
  bool plain = false;
};

inline bool is_json_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// First position at or after pos that is not JSON whitespace (data.size() if none).
std::size_t skip_space(std::string_view data, std::size_t pos);

// Skips a UTF-8 byte order mark and whitespace at the start of data.
std::size_t skip_bom_and_space(std::string_view data);

// Scans the value starting at data[pos] (which must not be whitespace). TooDeep
// still reports the value's end so the caller can skip exactly that value.
ScanResult scan_value(std::string_view data, std::size_t pos, std::size_t max_depth);

// Position after the closing quote of the string whose opening quote is at
// data[pos], or npos when the string is not closed.
std::size_t scan_string(std::string_view data, std::size_t pos);

}  // namespace sesrules::runtime::detail
