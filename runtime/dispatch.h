// DispatchIndex: which rule predicates / sequence steps / untils a record can
// match, by (eventSource, eventName), from Program::dispatch. The unions of
// exact, source-only, name-only and wildcard entries are computed once at
// construction, so a lookup is one hash probe returning one span (two more
// probes only for records whose pair is not in the index). Only the pairs whose
// union needs both a source and a name part are stored (not every known source x
// every known name: 1,000 rules made that tens of thousands of cache-missing
// entries); for any other pair one of (source, any) / (any, name) is the union.
// Immutable after construction; safe to share between threads. The returned
// span points into the index and lives as long as it.
// Tested by tests/unit/runtime/dispatch_test.cc.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/program.h"

namespace sesrules::runtime {

class DispatchIndex {
 public:
  explicit DispatchIndex(const Program& program);

  // Targets sorted by (rule, step), without duplicates.
  std::span<const DispatchTarget> candidates(std::string_view event_source, std::string_view event_name) const;
  bool empty() const { return wildcard_.second == 0 && entries_ == 0; }
  // Every stored target: candidates() returns pieces of this, so a caller may keep
  // a table parallel to it (index: a candidate's address minus all_targets().data()).
  std::span<const DispatchTarget> all_targets() const { return targets_; }

 private:
  using Key = std::pair<std::string_view, std::string_view>;
  // Length and first and last 8 bytes of each string, cheaper than hashing
  // every byte: event names sharing a prefix ("Describe...") differ at the end
  // or in length, and equal hashes still compare the strings.
  struct KeyHash {
    std::size_t operator()(const Key& k) const { return ends(k.first) * 0x9e3779b97f4a7c15ull ^ ends(k.second); }
    static std::uint64_t ends(std::string_view s);
  };
  using Range = std::pair<std::uint32_t, std::uint32_t>;  // offset, count into targets_
  Range add_union(std::vector<DispatchTarget> targets);
  // Open addressing, at most half full: one probe and one string compare per
  // record in the common case (std::unordered_map chased a node pointer first).
  struct Slot {
    std::uint64_t hash = 0;
    Key key;
    Range range{0, 0};
    bool used = false;
  };
  void build_table(const std::unordered_map<Key, Range, KeyHash>& entries);
  bool lookup(std::string_view source, std::string_view name, Range& out) const;

  std::vector<std::string> names_;  // owns the strings the keys view (stable: reserved up front)
  std::vector<DispatchTarget> targets_;
  std::vector<Slot> table_;
  std::size_t table_mask_ = 0;
  std::size_t entries_ = 0;
  Range wildcard_{0, 0};
};

}  // namespace sesrules::runtime
