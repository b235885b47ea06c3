// json_blocks: the 64-byte-block kernel under json_scan's container framing.
// For 64 bytes at a time it classifies quotes, backslashes and brackets with
// SIMD compares (AVX2 when the CPU has it, else SSE2, chosen once at run time),
// then resolves escapes and string interiors with bit arithmetic, so framing a
// record costs a few instructions per block plus one step per bracket, instead
// of a branch per byte. Tested by tests/unit/runtime/json_blocks_test.cc
// (against a byte-at-a-time reference) and format_detect_test.cc.
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/readers/json_scan.h"

namespace sesrules::runtime::detail {

// scan_value's container case: data[pos] is '{' or '['. Walks 64-byte blocks,
// one step per bracket outside strings, and only counts brackets in blocks that
// cannot end the value. data needs no padding (the last block is copied).
ScanResult scan_container(std::string_view data, std::size_t pos, std::size_t max_depth);
// The SSE2 variant, whatever this CPU has (for tests of the fallback).
ScanResult scan_container_sse2(std::string_view data, std::size_t pos, std::size_t max_depth);
// scan_container without ScanResult::plain (always false): for skipping a value
// inside a record already framed as plain, a few instructions less per block.
ScanResult skip_container(std::string_view data, std::size_t pos, std::size_t max_depth);
ScanResult skip_container_sse2(std::string_view data, std::size_t pos, std::size_t max_depth);

// Raw byte classes of one 64-byte block; bit i is byte i.
struct BlockClasses {
  std::uint64_t quote = 0;      // '"'
  std::uint64_t backslash = 0;  // '\\'
  std::uint64_t open = 0;       // '{' or '['
  std::uint64_t close = 0;      // '}' or ']'
  std::uint64_t control = 0;    // bytes below 0x20
  std::uint64_t high = 0;       // bytes 0x80 and above (not ASCII)
};

// Classifies bytes[0, 64); all 64 bytes must be readable.
BlockClasses classify_block(const char* bytes);

// Name of the kernel classify_block uses on this CPU ("avx2" or "sse2").
const char* block_kernel_name();

// Escape and string state carried from one block to the next.
struct StringState {
  std::uint64_t escape_carry = 0;     // 1: the next block's first byte is escaped
  std::uint64_t in_string_carry = 0;  // all ones: the next block starts inside a string
};

// Brackets outside strings in a block, given its classes and the carried state
// (updated for the next block). A backslash escapes the byte after it, as inside
// JSON strings; in valid JSON backslashes occur only there.
struct StructuralBits {
  std::uint64_t open = 0, close = 0;
  std::uint64_t in_string = 0;  // opening quotes and string interiors
};

// Inline: these run once per block in the framing loop.
// Bits of bytes preceded by an odd run of backslashes (carry across blocks).
inline std::uint64_t escaped_bytes(std::uint64_t backslash, std::uint64_t& carry) {
  constexpr std::uint64_t kEven = 0x5555555555555555ull;
  backslash &= ~carry;  // an escaped backslash starts no escape
  const std::uint64_t follows_escape = backslash << 1 | carry;
  const std::uint64_t odd_starts = backslash & ~kEven & ~follows_escape;
  std::uint64_t even_run_ends;
  carry = __builtin_add_overflow(odd_starts, backslash, &even_run_ends) ? 1 : 0;
  const std::uint64_t invert = even_run_ends << 1;
  return (kEven ^ invert) & follows_escape;
}

inline std::uint64_t prefix_xor(std::uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// kPrefixXor: prefix_xor or a carry-less-multiply equivalent (json_blocks.cc).
template <std::uint64_t (*kPrefixXor)(std::uint64_t) = prefix_xor>
inline StructuralBits structural_brackets(const BlockClasses& classes, StringState& state) {
  // Most blocks have no backslash and follow none: nothing is escaped.
  const std::uint64_t escaped =
      (classes.backslash | state.escape_carry) != 0 ? escaped_bytes(classes.backslash, state.escape_carry) : 0;
  const std::uint64_t quotes = classes.quote & ~escaped;
  // Opening quote and interior set, closing quote clear: brackets there are text.
  const std::uint64_t in_string = kPrefixXor(quotes) ^ state.in_string_carry;
  state.in_string_carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(in_string) >> 63);
  return StructuralBits{classes.open & ~in_string, classes.close & ~in_string, in_string};
}

}  // namespace sesrules::runtime::detail
