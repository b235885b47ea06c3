// Multi-atom search (see prefilter.h). Every 4-byte window ("gram") of every
// atom is hashed into a 64 Kbit table. An occurrence of an atom of length L covers
// L-3 consecutive window positions of the record, so sampling the record only at
// every (Lmin-3)-th position still lands inside every occurrence: for event-name
// atoms (Lmin around 10) that is one table probe per 7+ bytes. On a hit the
// bucket's (atom, offset) pairs are verified with memcmp. Atoms shorter than 4
// bytes (rare) are searched separately with memmem.
// Tested by tests/unit/runtime/prefilter_test.cc.
#include "runtime/readers/prefilter.h"

#include <string.h>

#include <algorithm>
#include <cstring>

namespace sesrules::runtime {
namespace {

std::uint32_t load_u32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

bool needs_backslash_check(std::string_view atom) {
  return std::any_of(atom.begin(), atom.end(), [](char c) {
    return c == '"' || c == '\\' || c == '/' || static_cast<unsigned char>(c) < 0x20;
  });
}

}  // namespace

Prefilter::Prefilter(const std::vector<std::string>& atoms)
    : gram_bits_((1u << kHashBits) / 64, 0), bucket_begin_((1u << kHashBits) + 1, 0) {
  std::vector<std::pair<std::uint32_t, GramEntry>> grams;  // (hash, entry)
  std::size_t shortest = 0;
  for (const std::string& atom : atoms) {
    if (atom.empty()) matches_everything_ = true;
    if (needs_backslash_check(atom)) any_backslash_unsafe_ = true;
    if (atom.size() < 4) {
      if (!atom.empty()) short_atoms_.push_back(atom);
      continue;
    }
    const auto index = static_cast<std::uint32_t>(long_atoms_.size());
    long_atoms_.push_back(atom);
    shortest = shortest == 0 ? atom.size() : std::min(shortest, atom.size());
    const std::size_t prefix_size = std::min<std::size_t>(8, atom.size());
    std::uint64_t prefix = 0;
    std::memcpy(&prefix, atom.data(), prefix_size);
    const std::uint64_t mask = prefix_size == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * prefix_size)) - 1;
    for (std::uint32_t offset = 0; offset + 4 <= atom.size(); ++offset) {
      grams.push_back({gram_hash(load_u32(atom.data() + offset)), GramEntry{index, offset, prefix, mask}});
    }
  }
  stride_ = shortest > 3 ? shortest - 3 : 1;
  for (const auto& [hash, entry] : grams) {
    gram_bits_[hash / 64] |= std::uint64_t{1} << (hash % 64);
    ++bucket_begin_[hash + 1];
  }
  for (std::size_t i = 1; i < bucket_begin_.size(); ++i) bucket_begin_[i] += bucket_begin_[i - 1];
  bucket_entries_.resize(grams.size());
  std::vector<std::uint32_t> fill(bucket_begin_.begin(), bucket_begin_.end() - 1);
  for (const auto& [hash, entry] : grams) bucket_entries_[fill[hash]++] = entry;
}

// The first 8 bytes are compared as one word before memcmp sees the rest: most
// gram hits are common 4-byte pieces ("ount", "List") of a different word.
bool Prefilter::verify(const char* data, std::size_t size, std::size_t i, const GramEntry& entry) const {
  const std::string& atom = long_atoms_[entry.atom];
  if (entry.offset > i || i - entry.offset + atom.size() > size) return false;
  const std::size_t start = i - entry.offset;
  if (start + 8 <= size) {
    std::uint64_t word;
    std::memcpy(&word, data + start, 8);
    if (((word ^ entry.prefix) & entry.prefix_mask) != 0) return false;
    return atom.size() <= 8 || std::memcmp(data + start + 8, atom.data() + 8, atom.size() - 8) == 0;
  }
  return std::memcmp(data + start, atom.data(), atom.size()) == 0;
}

template <typename OnStart>
void Prefilter::scan_atoms(std::string_view raw, OnStart on_start) const {
  for (const std::string& atom : short_atoms_) {
    for (std::size_t at = raw.find(atom); at != std::string_view::npos; at = raw.find(atom, at + 1)) {
      if (!on_start(at)) return;
    }
  }
  if (long_atoms_.empty() || raw.size() < 4) return;
  const char* data = raw.data();
  const std::size_t last = raw.size() - 4;
  // Sample every stride_-th window, plus the last one so a tail occurrence is not missed.
  for (std::size_t i = 0;; i = std::min(i + stride_, last)) {
    const std::uint32_t h = gram_hash(load_u32(data + i));
    if (gram_bits_[h / 64] >> (h % 64) & 1) {
      for (std::uint32_t k = bucket_begin_[h]; k < bucket_begin_[h + 1]; ++k) {
        const GramEntry& entry = bucket_entries_[k];
        if (verify(data, raw.size(), i, entry) && !on_start(i - entry.offset)) return;
      }
    }
    if (i == last) return;
  }
}

bool Prefilter::contains_atom(std::string_view raw) const {
  if (matches_everything_) return true;
  bool found = false;
  scan_atoms(raw, [&](std::size_t) { return !(found = true); });
  return found;
}

// Backslashes that may_match distrusts: all of them when an atom contains an
// escapable character, else those starting a \u escape.
void Prefilter::find_backslashes(std::string_view raw, std::vector<std::size_t>& hits) const {
  // memchr, not memmem: glibc's memmem is slow for 2-byte needles and most
  // records contain no backslash at all.
  const char* begin = raw.data();
  const char* end = begin + raw.size();
  for (const char* p = begin;
       (p = static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)))) != nullptr; ++p) {
    if (any_backslash_unsafe_ || (p + 1 < end && p[1] == 'u')) hits.push_back(static_cast<std::size_t>(p - begin));
    if (!any_backslash_unsafe_ && p + 1 < end) ++p;  // an escape's second byte starts nothing
  }
}

bool Prefilter::may_match(std::string_view raw) const {
  if (contains_atom(raw)) return true;
  std::vector<std::size_t> backslashes;
  find_backslashes(raw, backslashes);
  return !backslashes.empty();
}

void Prefilter::find_hits(std::string_view raw, std::vector<std::size_t>& hits) const {
  const std::size_t first = hits.size();
  if (matches_everything_) {
    for (std::size_t i = 0; i < raw.size(); ++i) hits.push_back(i);
    return;
  }
  scan_atoms(raw, [&](std::size_t start) {
    hits.push_back(start);
    return true;
  });
  find_backslashes(raw, hits);
  std::sort(hits.begin() + static_cast<std::ptrdiff_t>(first), hits.end());
}

}  // namespace sesrules::runtime
