// Key-anchored prefilter (see event_prefilter.h). The SIMD pass compares two
// adjacent needle bytes at every offset of a 32-byte block (the lowercase-to-
// uppercase step of "eventName": "tN"), which almost only occurs in the key
// itself; candidates are confirmed with memcmp.
// Tested by tests/unit/runtime/event_prefilter_test.cc.
#include "runtime/readers/event_prefilter.h"

#include <immintrin.h>
#include <string.h>

#include <algorithm>
#include <cstring>

namespace sesrules::runtime {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Start offsets >= from, found with memmem.
void find_all_scalar(std::string_view haystack, std::string_view needle, std::size_t from,
                     std::vector<std::size_t>& out) {
  const char* begin = haystack.data();
  const char* end = begin + haystack.size();
  for (const char* p = begin + from; p < end; ++p) {
    p = static_cast<const char*>(memmem(p, static_cast<std::size_t>(end - p), needle.data(), needle.size()));
    if (p == nullptr) return;
    out.push_back(static_cast<std::size_t>(p - begin));
  }
}

__attribute__((target("avx2"))) void find_all_avx2(std::string_view haystack, std::string_view needle,
                                                    std::size_t probe, std::vector<std::size_t>& out) {
  const char* p = haystack.data();
  const std::size_t n = haystack.size(), m = needle.size();
  const __m256i first = _mm256_set1_epi8(needle[probe]), second = _mm256_set1_epi8(needle[probe + 1]);
  std::size_t i = 0;
  for (; i + probe + 33 <= n; i += 32) {  // both loads stay inside the haystack
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + probe));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + probe + 1));
    auto mask = static_cast<std::uint32_t>(
        _mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(a, first), _mm256_cmpeq_epi8(b, second))));
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t start = i + static_cast<std::size_t>(__builtin_ctz(mask));
      if (start + m <= n && std::memcmp(p + start, needle.data(), m) == 0) out.push_back(start);
    }
  }
  find_all_scalar(haystack, needle, i, out);
}

const bool kHasAvx2 = __builtin_cpu_supports("avx2");

// The first lowercase-to-uppercase step in the needle: a rare byte pair in JSON.
std::size_t rare_pair(std::string_view needle) {
  for (std::size_t i = 0; i + 1 < needle.size(); ++i) {
    if (needle[i] >= 'a' && needle[i] <= 'z' && needle[i + 1] >= 'A' && needle[i + 1] <= 'Z') return i;
  }
  return 0;
}

// Offsets of backslash-u escapes (pairs are skipped, so `\\u` is not one).
void find_unicode_escapes(std::string_view raw, std::vector<std::size_t>& hits) {
  const char* begin = raw.data();
  const char* end = begin + raw.size();
  for (const char* p = begin;
       (p = static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)))) != nullptr; p += 2) {
    if (p + 1 < end && p[1] == 'u') hits.push_back(static_cast<std::size_t>(p - begin));
    if (p + 1 >= end) return;
  }
}

}  // namespace

void find_all(std::string_view haystack, std::string_view needle, std::size_t probe, std::vector<std::size_t>& out) {
  if (kHasAvx2 && needle.size() >= 2 && probe + 1 < needle.size()) {
    find_all_avx2(haystack, needle, probe, out);
  } else {
    find_all_scalar(haystack, needle, 0, out);
  }
}

EventPrefilter::EventPrefilter(const Program& program) {
  if (!program.prefilter_complete) return;
  Key name{"\"eventName\"", {}}, source{"\"eventSource\"", {}};
  for (const DispatchEntry& entry : program.dispatch) {
    if (!entry.event_name.empty()) {
      name.values.insert(entry.event_name);
    } else if (!entry.event_source.empty()) {
      source.values.insert(entry.event_source);
    } else {
      return;  // a rule that sees every record
    }
  }
  if (!name.values.empty()) keys_.push_back(std::move(name));
  if (!source.values.empty()) keys_.push_back(std::move(source));
  active_ = true;
}

bool EventPrefilter::value_matches(const Key& key, std::string_view raw, std::size_t pos) const {
  while (pos < raw.size() && is_space(raw[pos])) ++pos;
  if (pos >= raw.size() || raw[pos] != ':') return false;
  ++pos;
  while (pos < raw.size() && is_space(raw[pos])) ++pos;
  if (pos >= raw.size() || raw[pos] != '"') return false;  // not a string: dispatches by the other key only
  const std::size_t start = pos + 1;
  std::size_t end = start;
  while (end < raw.size() && raw[end] != '"' && raw[end] != '\\') ++end;
  if (end >= raw.size()) return false;  // unterminated: the record is malformed anyway
  if (raw[end] == '\\') return true;    // an escape could spell a dispatched value
  return key.values.contains(raw.substr(start, end - start));
}

void EventPrefilter::find_key_hits(const Key& key, std::string_view raw, std::vector<std::size_t>& hits) const {
  const std::size_t first = hits.size();
  find_all(raw, key.quoted, rare_pair(key.quoted), hits);
  std::size_t kept = first;
  for (std::size_t i = first; i < hits.size(); ++i) {
    if (value_matches(key, raw, hits[i] + key.quoted.size())) hits[kept++] = hits[i];
  }
  hits.resize(kept);
}

void EventPrefilter::find_hits(std::string_view raw, std::vector<std::size_t>& hits) const {
  const std::size_t first = hits.size();
  for (const Key& key : keys_) find_key_hits(key, raw, hits);
  find_unicode_escapes(raw, hits);
  std::sort(hits.begin() + static_cast<std::ptrdiff_t>(first), hits.end());
}

bool EventPrefilter::may_match(std::string_view raw) const {
  if (!active_) return true;
  std::vector<std::size_t> hits;
  find_hits(raw, hits);
  return !hits.empty();
}

}  // namespace sesrules::runtime
