// Structural JSON scanner (see json_scan.h). The hot loop is string skipping:
// CloudTrail records are mostly string bytes, so strings are skipped with memchr
// for the closing quote and a backslash count, not byte by byte.
// Tested by tests/unit/runtime/format_detect_test.cc.
#include "runtime/readers/json_scan.h"

#include <cstring>

namespace sesrules::runtime::detail {

std::size_t skip_space(std::string_view data, std::size_t pos) {
  while (pos < data.size() && is_json_space(data[pos])) ++pos;
  return pos;
}

std::size_t skip_bom_and_space(std::string_view data) {
  std::size_t pos = data.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  return skip_space(data, pos);
}

std::size_t scan_string(std::string_view data, std::size_t pos) {
  const char* begin = data.data();
  const char* end = begin + data.size();
  const char* p = begin + pos + 1;
  while (p < end) {
    const char* quote = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
    if (quote == nullptr) return std::string_view::npos;
    std::size_t backslashes = 0;
    for (const char* q = quote - 1; q > begin + pos && *q == '\\'; --q) ++backslashes;
    if (backslashes % 2 == 0) return static_cast<std::size_t>(quote - begin) + 1;
    p = quote + 1;
  }
  return std::string_view::npos;
}

namespace {

bool ends_scalar(char c) {
  return is_json_space(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '"';
}

ScanResult scan_container(std::string_view data, std::size_t pos, std::size_t max_depth) {
  std::size_t depth = 0;
  bool too_deep = false;
  while (pos < data.size()) {
    const char c = data[pos];
    if (c == '"') {
      pos = scan_string(data, pos);
      if (pos == std::string_view::npos) return {ScanStatus::Truncated, data.size()};
      continue;
    }
    if (c == '{' || c == '[') {
      if (++depth > max_depth) too_deep = true;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return {too_deep ? ScanStatus::TooDeep : ScanStatus::Ok, pos + 1};
    }
    ++pos;
  }
  return {ScanStatus::Truncated, data.size()};
}

}  // namespace

ScanResult scan_value(std::string_view data, std::size_t pos, std::size_t max_depth) {
  if (pos >= data.size()) return {ScanStatus::Truncated, data.size()};
  const char c = data[pos];
  if (c == '{' || c == '[') return scan_container(data, pos, max_depth);
  if (c == '"') {
    const std::size_t end = scan_string(data, pos);
    if (end == std::string_view::npos) return {ScanStatus::Truncated, data.size()};
    return {ScanStatus::Ok, end};
  }
  if (c == '}' || c == ']' || c == ',' || c == ':') return {ScanStatus::Malformed, pos + 1};
  std::size_t end = pos;
  while (end < data.size() && !ends_scalar(data[end])) ++end;
  return {ScanStatus::Ok, end};
}

}  // namespace sesrules::runtime::detail
