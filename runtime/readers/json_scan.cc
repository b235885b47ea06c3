// Structural JSON scanner (see json_scan.h). Containers (records) are framed a
// 64-byte block at a time (json_blocks.h); lone strings are skipped eight bytes
// at a time (assumes a little-endian host, as x86-64 and arm64 Linux are).
// Tested by tests/unit/runtime/format_detect_test.cc.
#include "runtime/readers/json_scan.h"

#include "runtime/readers/json_blocks.h"

#include <bit>
#include <cstdint>
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

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;

// High bit set in each byte of word equal to c; the lowest flagged byte is exact.
std::uint64_t bytes_equal(std::uint64_t word, char c) {
  const std::uint64_t x = word ^ (kOnes * static_cast<unsigned char>(c));
  return (x - kOnes) & ~x & kHighs;
}

}  // namespace

std::size_t scan_string(std::string_view data, std::size_t pos) {
  // Eight bytes at a time (SWAR) up to the next '"' or '\\'; a backslash skips
  // the byte it escapes, so an escaped quote never ends the string.
  const char* bytes = data.data();
  std::size_t i = pos + 1;
  while (i < data.size()) {
    if (i + 8 <= data.size()) {
      std::uint64_t word;
      std::memcpy(&word, bytes + i, 8);
      const std::uint64_t hits = bytes_equal(word, '"') | bytes_equal(word, '\\');
      if (hits == 0) {
        i += 8;
        continue;
      }
      i += static_cast<std::size_t>(std::countr_zero(hits)) / 8;  // little-endian byte order
    }
    if (bytes[i] == '"') return i + 1;
    i += bytes[i] == '\\' ? 2 : 1;
  }
  return std::string_view::npos;
}

namespace {

bool ends_scalar(char c) {
  return is_json_space(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '"';
}

}  // namespace

ScanResult scan_value(std::string_view data, std::size_t pos, std::size_t max_depth) {
  if (pos >= data.size()) return {ScanStatus::Truncated, data.size()};
  const char c = data[pos];
  if (c == '{' || c == '[') return scan_container(data, pos, max_depth);  // json_blocks.h
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
