// raw_string_length: where a JSON string ends on its raw bytes, shared by the
// field extractor's two paths (field_extractor.cc, field_extractor_raw.cc).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sesrules::runtime::detail {

// Length of the string or key whose raw text starts at p (just after its opening
// quote); false when it contains an escape, so that its raw text is not its value.
// Control bytes are not looked for: simdjson's stage 1 rejected them in every
// string of the record, or the framing found none (ScanResult::plain). Reads up
// to 31 bytes past the end: the record's text and its padding
// (simdjson::SIMDJSON_PADDING, 64 bytes) follow.
inline bool raw_string_length(const char* p, std::size_t& size) {
#if defined(__SSE2__)
  // 32 bytes per step, so that nearly every key ends in the first (one branch).
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  auto stops = [&](const char* at) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    return static_cast<std::uint32_t>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash))));
  };
  for (std::size_t i = 0;; i += 32) {
    if (const std::uint32_t mask = stops(p + i) | stops(p + i + 16) << 16; mask != 0) {
      size = i + static_cast<std::size_t>(std::countr_zero(mask));
      return p[size] == '"';
    }
  }
#else
  size = 0;
  while (p[size] != '"' && p[size] != '\\') ++size;
  return p[size] == '"';
#endif
}

}  // namespace sesrules::runtime::detail
