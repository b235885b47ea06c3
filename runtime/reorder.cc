// ReorderBuffer: a binary min-heap of pending events on (time, event_id, seq).
// std::priority_queue cannot move its top out, so the heap is kept by hand with
// std::push_heap / std::pop_heap. Tested by reorder_test.cc.
#include "runtime/reorder.h"

#include <algorithm>
#include <tuple>

namespace sesrules::runtime {

namespace {

// std heaps are max-heaps: "greater" puts the earliest event on top.
bool later(const PendingEvent& a, const PendingEvent& b) {
  return std::tie(a.time_ms, a.event_id, a.seq) > std::tie(b.time_ms, b.event_id, b.seq);
}

}  // namespace

ReorderBuffer::ReorderBuffer(std::int64_t max_lateness_ms)
    : max_lateness_ms_(std::max<std::int64_t>(0, max_lateness_ms)) {}

std::int64_t ReorderBuffer::watermark() const {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (max_time_seen_ < kMin + max_lateness_ms_) return kMin;
  return max_time_seen_ - max_lateness_ms_;
}

bool ReorderBuffer::push(PendingEvent ev) {
  if (ev.time_ms < watermark()) {
    ++late_;
    return false;
  }
  max_time_seen_ = std::max(max_time_seen_, ev.time_ms);
  heap_.push_back(std::move(ev));
  std::push_heap(heap_.begin(), heap_.end(), later);
  peak_size_ = std::max(peak_size_, heap_.size());
  return true;
}

void ReorderBuffer::pop_into(std::vector<PendingEvent>& out) {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  out.push_back(std::move(heap_.back()));
  heap_.pop_back();
}

void ReorderBuffer::release(std::vector<PendingEvent>& out) {
  const std::int64_t line = watermark();
  while (!heap_.empty() && heap_.front().time_ms < line) pop_into(out);
}

void ReorderBuffer::observe(std::int64_t time_ms) { max_time_seen_ = std::max(max_time_seen_, time_ms); }

void ReorderBuffer::restore(std::int64_t max_time_seen, std::uint64_t late, std::size_t peak_size,
                            std::vector<PendingEvent> held) {
  max_time_seen_ = max_time_seen;
  late_ = late;
  heap_ = std::move(held);
  std::make_heap(heap_.begin(), heap_.end(), later);  // a no-op for a saved heap; safe for any order
  peak_size_ = std::max(peak_size, heap_.size());
}

void ReorderBuffer::drain(std::vector<PendingEvent>& out) {
  while (!heap_.empty()) pop_into(out);
}

}  // namespace sesrules::runtime
