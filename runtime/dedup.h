// EventIdDeduper: CloudTrail sometimes delivers the same record twice (in two log
// files, or twice in one): an eventID seen again within the horizon counts once.
// Memory is bounded: ids whose event time is older than watermark - horizon are
// forgotten by expire(), so a duplicate arriving later than that is not caught
// (use a horizon at least as large as the reorder lateness).
// Not thread-safe. Tested by dedup_test.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sesrules::runtime {

class EventIdDeduper {
 public:
  explicit EventIdDeduper(std::int64_t horizon_ms);
  // True the first time `event_id` is seen (remembering it with `time_ms`), false
  // for a repeat still remembered (counted in duplicates()).
  bool first_time(std::string_view event_id, std::int64_t time_ms);
  std::uint64_t duplicates() const { return duplicates_; }
  // Forgets ids whose first sighting's event time is < watermark_ms - horizon.
  void expire(std::int64_t watermark_ms);
  std::size_t size() const { return seen_.size(); }

  // For checkpoints: the remembered (eventID, time) pairs, and the state back.
  std::vector<std::pair<std::string, std::int64_t>> entries() const;
  void restore(const std::vector<std::pair<std::string, std::int64_t>>& entries, std::uint64_t duplicates);

 private:
  using Entry = std::pair<std::int64_t, const std::string*>;   // (time, key in seen_)
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return a.first > b.first; }
  };
  std::int64_t horizon_ms_;
  std::unordered_map<std::string, std::int64_t> seen_;         // node keys are stable
  std::priority_queue<Entry, std::vector<Entry>, Later> by_time_;
  std::uint64_t duplicates_ = 0;
};

}  // namespace sesrules::runtime
