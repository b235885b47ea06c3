// FieldExtractor's key matching, inline for its two per-key loops (the simdjson
// pass in field_extractor.cc and the raw walker in field_extractor_raw.cc).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "runtime/readers/field_extractor.h"

namespace sesrules::runtime {

// p must have 8 readable bytes (the record's text has padding; build_table copies
// keys into a buffer). Keys up to 16 bytes are wholly covered by head and tail.
// Branch-free: key lengths vary from key to key and would mispredict.
inline FieldExtractor::KeyWords FieldExtractor::key_words(const char* p, std::size_t size) {
  static constexpr auto kKeep = [] {  // kKeep[n]: the bytes at p[0, n) of a loaded word
    std::array<std::uint64_t, 9> keep{};
    for (std::size_t n = 0; n < 8; ++n) {
      const std::uint64_t low = (std::uint64_t{1} << (8 * n)) - 1;
      keep[n] = std::endian::native == std::endian::little ? low : ~(~std::uint64_t{0} >> (8 * n));
    }
    keep[8] = ~std::uint64_t{0};
    return keep;
  }();
  const std::uint64_t long_key = -static_cast<std::uint64_t>(size >= 8);  // all ones or zero
  std::uint64_t head = 0, tail = 0;
  std::memcpy(&head, p, sizeof head);
  std::memcpy(&tail, p + ((size - 8) & long_key), sizeof tail);
  return KeyWords{head & kKeep[std::min<std::size_t>(size, 8)], tail & long_key};
}

inline std::uint32_t FieldExtractor::key_hash(KeyWords words, std::size_t size, std::uint64_t seed, std::uint32_t shift) {
  const std::uint64_t mixed = words.head ^ (words.tail * 0x9e3779b97f4a7c15ull) ^ size;
  return static_cast<std::uint32_t>((mixed * seed) >> shift);
}

// key.data() must have 8 readable bytes: a raw key in the record's text. One
// load of the table entry, no memcmp call for keys up to 16 bytes (the hash's
// words decide equality) and no data-dependent branch but the caller's.
const FieldExtractor::TableEntry* FieldExtractor::find_entry(std::uint32_t node_index, std::string_view key) const {
  const Node& node = nodes_[node_index];
  const KeyWords words = key_words(key.data(), key.size());
  const TableEntry& entry = table_[node.table_offset + key_hash(words, key.size(), node.table_seed, node.table_shift)];
  const bool same = (entry.size == key.size()) & (entry.words.head == words.head) & (entry.words.tail == words.tail);
  if (key.size() > 16) [[unlikely]] return same && nodes_[entry.child].key == key ? &entry : nullptr;
  return same ? &entry : nullptr;
}

std::uint32_t FieldExtractor::find_child(std::uint32_t node_index, std::string_view key) const {
  if (nodes_[node_index].linear) return find_child_linear(node_index, key);
  const TableEntry* entry = find_entry(node_index, key);
  return entry != nullptr ? entry->child : kNoNode;
}

}  // namespace sesrules::runtime
