// json_blocks: the 64-byte-block kernel under json_scan's container framing.
// For 64 bytes at a time it classifies quotes, backslashes and brackets with
// SIMD compares (AVX2 when the CPU has it, else SSE2, chosen once at run time),
// then resolves escapes and string interiors with bit arithmetic, so framing a
// record costs a few instructions per block plus one step per bracket, instead
// of a branch per byte. Tested by tests/unit/runtime/json_blocks_test.cc
// (against a byte-at-a-time reference) and format_detect_test.cc.
#pragma once

#include <cstdint>

namespace sesrules::runtime::detail {

// Raw byte classes of one 64-byte block; bit i is byte i.
struct BlockClasses {
  std::uint64_t quote = 0;      // '"'
  std::uint64_t backslash = 0;  // '\\'
  std::uint64_t open = 0;       // '{' or '['
  std::uint64_t close = 0;      // '}' or ']'
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
};
StructuralBits structural_brackets(const BlockClasses& classes, StringState& state);

}  // namespace sesrules::runtime::detail
