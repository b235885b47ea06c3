// Multi-atom search (see prefilter.h). One pass over the record: at each byte,
// hash the next 4 bytes and test a 64 Kbit table built from the atoms' first 4
// bytes; only on a hit compare the atoms of that bucket. Atoms shorter than 4
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
  std::vector<std::uint32_t> hashes;
  for (const std::string& atom : atoms) {
    if (atom.empty()) matches_everything_ = true;
    if (needs_backslash_check(atom)) any_backslash_unsafe_ = true;
    if (atom.size() < 4) {
      if (!atom.empty()) short_atoms_.push_back(atom);
      continue;
    }
    long_atoms_.push_back(atom);
    hashes.push_back(gram_hash(load_u32(atom.data())));
  }
  for (std::uint32_t h : hashes) {
    gram_bits_[h / 64] |= std::uint64_t{1} << (h % 64);
    ++bucket_begin_[h + 1];
  }
  for (std::size_t i = 1; i < bucket_begin_.size(); ++i) bucket_begin_[i] += bucket_begin_[i - 1];
  bucket_atoms_.resize(hashes.size());
  std::vector<std::uint32_t> fill(bucket_begin_.begin(), bucket_begin_.end() - 1);
  for (std::uint32_t i = 0; i < hashes.size(); ++i) bucket_atoms_[fill[hashes[i]]++] = i;
}

bool Prefilter::contains_atom(std::string_view raw) const {
  if (matches_everything_) return true;
  for (const std::string& atom : short_atoms_) {
    if (memmem(raw.data(), raw.size(), atom.data(), atom.size()) != nullptr) return true;
  }
  if (long_atoms_.empty() || raw.size() < 4) return false;
  const char* data = raw.data();
  const std::size_t last = raw.size() - 4;
  for (std::size_t i = 0; i <= last; ++i) {
    const std::uint32_t h = gram_hash(load_u32(data + i));
    if (!(gram_bits_[h / 64] >> (h % 64) & 1)) continue;
    for (std::uint32_t k = bucket_begin_[h]; k < bucket_begin_[h + 1]; ++k) {
      const std::string& atom = long_atoms_[bucket_atoms_[k]];
      if (atom.size() <= raw.size() - i && std::memcmp(data + i, atom.data(), atom.size()) == 0) return true;
    }
  }
  return false;
}

bool Prefilter::may_match(std::string_view raw) const {
  if (contains_atom(raw)) return true;
  if (any_backslash_unsafe_) return std::memchr(raw.data(), '\\', raw.size()) != nullptr;
  return memmem(raw.data(), raw.size(), "\\u", 2) != nullptr;
}

}  // namespace sesrules::runtime
