// DispatchIndex: which rule predicates / sequence steps / untils a record can
// match, by (eventSource, eventName), from Program::dispatch. The unions of
// exact, source-only, name-only and wildcard entries are computed once at
// construction, so a lookup is one hash probe returning one span (two more
// probes only for records whose pair is not in the index).
// Immutable after construction; safe to share between threads. The returned
// span points into the index and lives as long as it.
// Tested by tests/unit/runtime/dispatch_test.cc.
#pragma once

#include <cstdint>
#include <functional>
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
  bool empty() const { return wildcard_.second == 0 && table_.empty(); }

 private:
  using Key = std::pair<std::string_view, std::string_view>;
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<std::string_view>()(k.first) * 31 + std::hash<std::string_view>()(k.second);
    }
  };
  using Range = std::pair<std::uint32_t, std::uint32_t>;  // offset, count into targets_
  Range add_union(std::vector<DispatchTarget> targets);

  std::vector<std::string> names_;  // owns the strings the keys view (stable: reserved up front)
  std::vector<DispatchTarget> targets_;
  std::unordered_map<Key, Range, KeyHash> table_;
  Range wildcard_{0, 0};
};

}  // namespace sesrules::runtime
