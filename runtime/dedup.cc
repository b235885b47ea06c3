// EventIdDeduper: a hash set of eventIDs plus a min-heap on event time for expiry.
// Each remembered id has exactly one heap entry, pointing at the map's key.
// Tested by dedup_test.cc.
#include "runtime/dedup.h"

#include <algorithm>
#include <limits>

namespace sesrules::runtime {

EventIdDeduper::EventIdDeduper(std::int64_t horizon_ms) : horizon_ms_(horizon_ms < 0 ? 0 : horizon_ms) {}

bool EventIdDeduper::first_time(std::string_view event_id, std::int64_t time_ms) {
  auto [it, inserted] = seen_.try_emplace(std::string(event_id), time_ms);
  if (!inserted) {
    ++duplicates_;
    return false;
  }
  by_time_.emplace(time_ms, &it->first);
  return true;
}

std::vector<std::pair<std::string, std::int64_t>> EventIdDeduper::entries() const {
  std::vector<std::pair<std::string, std::int64_t>> out(seen_.begin(), seen_.end());
  std::sort(out.begin(), out.end());  // hash order is not stable across builds
  return out;
}

void EventIdDeduper::restore(const std::vector<std::pair<std::string, std::int64_t>>& entries,
                             std::uint64_t duplicates) {
  seen_.clear();
  by_time_ = {};
  for (const auto& [id, time] : entries) first_time(id, time);
  duplicates_ = duplicates;
}

void EventIdDeduper::expire(std::int64_t watermark_ms) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (watermark_ms < kMin + horizon_ms_) return;
  const std::int64_t cutoff = watermark_ms - horizon_ms_;
  while (!by_time_.empty() && by_time_.top().first < cutoff) {
    seen_.erase(seen_.find(*by_time_.top().second));
    by_time_.pop();
  }
}

}  // namespace sesrules::runtime
