// Block classification kernels and escape/string resolution (see json_blocks.h).
// The escape step is the carry trick of simdjson's stage 1 (Langdale & Lemire,
// "Parsing Gigabytes of JSON per Second"): backslash runs of odd length escape
// the byte after them. String interiors are the prefix XOR of unescaped quotes
// (one carry-less multiplication on AVX2 CPUs).
// Tested by tests/unit/runtime/json_blocks_test.cc.
#include "runtime/readers/json_blocks.h"

#include <immintrin.h>

#include <cstring>

namespace sesrules::runtime::detail {
namespace {

__attribute__((target("avx2"))) std::uint64_t equal_mask_avx2(const __m256i& lo, const __m256i& hi, char c) {
  const __m256i needle = _mm256_set1_epi8(c);
  const auto low = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, needle)));
  const auto high = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, needle)));
  return std::uint64_t{low} | std::uint64_t{high} << 32;
}

__attribute__((target("avx2"))) BlockClasses classify_avx2(const char* bytes) {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + 32));
  // '{' 0x7B and '[' 0x5B differ only in bit 0x20, as do '}' 0x7D and ']' 0x5D.
  const __m256i fold = _mm256_set1_epi8(0x20);
  const __m256i lo_folded = _mm256_or_si256(lo, fold), hi_folded = _mm256_or_si256(hi, fold);
  // Below 0x20: min(byte, 0x1f) == byte, unsigned.
  const __m256i limit = _mm256_set1_epi8(0x1f);
  const auto control_lo = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(lo, limit), lo)));
  const auto control_hi = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(hi, limit), hi)));
  const auto high_lo = static_cast<std::uint32_t>(_mm256_movemask_epi8(lo));
  const auto high_hi = static_cast<std::uint32_t>(_mm256_movemask_epi8(hi));
  return BlockClasses{equal_mask_avx2(lo, hi, '"'), equal_mask_avx2(lo, hi, '\\'),
                      equal_mask_avx2(lo_folded, hi_folded, '{'), equal_mask_avx2(lo_folded, hi_folded, '}'),
                      std::uint64_t{control_lo} | std::uint64_t{control_hi} << 32,
                      std::uint64_t{high_lo} | std::uint64_t{high_hi} << 32};
}

BlockClasses classify_sse2(const char* bytes) {
  __m128i parts[4], folded[4];
  const __m128i fold = _mm_set1_epi8(0x20);
  for (int i = 0; i < 4; ++i) {
    parts[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 16 * i));
    folded[i] = _mm_or_si128(parts[i], fold);
  }
  auto mask_of = [](const __m128i* v, char c) {
    const __m128i needle = _mm_set1_epi8(c);
    std::uint64_t mask = 0;
    for (int i = 0; i < 4; ++i) {
      mask |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v[i], needle)))} << (16 * i);
    }
    return mask;
  };
  std::uint64_t control = 0, high = 0;
  const __m128i limit = _mm_set1_epi8(0x1f);
  for (int i = 0; i < 4; ++i) {
    const auto below = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(parts[i], limit), parts[i]));
    control |= std::uint64_t{static_cast<std::uint16_t>(below)} << (16 * i);
    high |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(parts[i]))} << (16 * i);
  }
  return BlockClasses{mask_of(parts, '"'), mask_of(parts, '\\'), mask_of(folded, '{'), mask_of(folded, '}'),
                      control, high};
}

// prefix_xor in one instruction: carry-less multiplication by all ones.
__attribute__((target("pclmul"))) inline std::uint64_t prefix_xor_clmul(std::uint64_t x) {
  const __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<long long>(x)), _mm_set1_epi8(-1), 0);
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(product));
}

// Of the control bytes outside strings, those JSON does not allow there (all but
// tab, line feed, carriage return). Compact files have none; pretty-printed
// ones a few line feeds per block.
inline std::uint64_t odd_controls(const char* bytes, std::uint64_t outside) {
  std::uint64_t odd = 0;
  for (; outside != 0; outside &= outside - 1) {
    const int at = __builtin_ctzll(outside);
    const char c = bytes[at];
    if (c != '\t' && c != '\n' && c != '\r') odd |= std::uint64_t{1} << at;
  }
  return odd;
}

using Kernel = BlockClasses (*)(const char*);
using PrefixXor = std::uint64_t (*)(std::uint64_t);

// Every AVX2 CPU also has PCLMULQDQ; checked anyway.
const bool kHasAvx2 =
    __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("pclmul");
const Kernel kKernel = kHasAvx2 ? classify_avx2 : classify_sse2;

// The framing loop, inlined into one function per kernel so that the AVX2 one
// also gets the POPCNT instruction (the x86-64 baseline calls libgcc for it)
// and, flattened, the classification inline.
// kPlain false: ScanResult::plain is not computed (always false), and with it
// the classes only it needs (control, high) drop out of the inlined kernel.
template <Kernel kClassify, PrefixXor kPrefixXor, bool kPlain = true>
__attribute__((always_inline)) inline ScanResult scan_blocks(std::string_view data, std::size_t pos,
                                                             std::size_t max_depth) {
  std::size_t depth = 0;
  bool too_deep = false;
  std::uint64_t unusual = 0;  // not plain (json_scan.h): non-ASCII bytes, control bytes in strings
  StringState state;
  char tail[64];
  for (std::size_t block = pos; block < data.size(); block += 64) {
    const char* bytes = data.data() + block;
    if (data.size() - block < 64) {
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, bytes, data.size() - block);
      bytes = tail;
    }
    const BlockClasses classes = kClassify(bytes);
    const StructuralBits brackets = structural_brackets<kPrefixXor>(classes, state);
    std::uint64_t block_unusual = ~std::uint64_t{0};
    if constexpr (kPlain) {
      block_unusual = (classes.control & brackets.in_string) | classes.high |
                      odd_controls(bytes, classes.control & ~brackets.in_string);
    }
    // Most blocks lie inside the value: if even all of the block's closers cannot
    // end it and its openers cannot pass the depth limit, only the counts matter.
    const auto opens = static_cast<std::size_t>(__builtin_popcountll(brackets.open));
    const auto closes = static_cast<std::size_t>(__builtin_popcountll(brackets.close));
    if (depth > closes && depth + opens <= max_depth) {
      depth += opens - closes;
      unusual |= block_unusual;
      continue;
    }
    for (std::uint64_t bits = brackets.open | brackets.close; bits != 0; bits &= bits - 1) {
      const std::uint64_t bit = bits & (~bits + 1);
      if (brackets.open & bit) {
        if (++depth > max_depth) too_deep = true;
      } else if (--depth == 0) {
        const std::size_t end = block + static_cast<std::size_t>(__builtin_ctzll(bit)) + 1;
        unusual |= block_unusual & ((bit << 1) - 1);  // the bytes after the value are not its own
        return {too_deep ? ScanStatus::TooDeep : ScanStatus::Ok, end, !too_deep && unusual == 0};
      }
    }
    unusual |= block_unusual;
  }
  return {ScanStatus::Truncated, data.size()};
}

__attribute__((target("avx2,popcnt,pclmul"), flatten)) ScanResult scan_avx2(std::string_view data, std::size_t pos,
                                                                   std::size_t max_depth) {
  return scan_blocks<classify_avx2, prefix_xor_clmul>(data, pos, max_depth);
}

__attribute__((target("avx2,popcnt,pclmul"), flatten)) ScanResult skip_avx2(std::string_view data, std::size_t pos,
                                                                   std::size_t max_depth) {
  return scan_blocks<classify_avx2, prefix_xor_clmul, false>(data, pos, max_depth);
}


}  // namespace

BlockClasses classify_block(const char* bytes) { return kKernel(bytes); }

ScanResult scan_container_sse2(std::string_view data, std::size_t pos, std::size_t max_depth) {
  return scan_blocks<classify_sse2, prefix_xor>(data, pos, max_depth);
}

ScanResult scan_container(std::string_view data, std::size_t pos, std::size_t max_depth) {
  return kHasAvx2 ? scan_avx2(data, pos, max_depth) : scan_container_sse2(data, pos, max_depth);
}

ScanResult skip_container(std::string_view data, std::size_t pos, std::size_t max_depth) {
  return kHasAvx2 ? skip_avx2(data, pos, max_depth) : skip_container_sse2(data, pos, max_depth);
}

ScanResult skip_container_sse2(std::string_view data, std::size_t pos, std::size_t max_depth) {
  return scan_blocks<classify_sse2, prefix_xor, false>(data, pos, max_depth);
}

const char* block_kernel_name() { return kKernel == classify_avx2 ? "avx2" : "sse2"; }

}  // namespace sesrules::runtime::detail
