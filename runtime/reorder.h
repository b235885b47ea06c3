// ReorderBuffer: CloudTrail delivers records out of order (files per 5 minutes,
// per region, per account), but sequences are defined in eventTime order. The
// buffer holds events until the watermark (max eventTime seen - max lateness)
// passes them, then releases them in (time_ms, event_id, arrival) order.
//
// Invariant: every released event has time < watermark(), and push() refuses
// (counts as late) any event with time < watermark(), so released order never
// needs correcting. Events exactly at the watermark are held, because an event
// with the same time and a smaller eventID may still arrive.
// Not thread-safe. Tested by reorder_test.cc and sequence_property_test.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "runtime/sequence.h"

namespace sesrules::runtime {

struct PendingEvent {
  std::int64_t time_ms = 0;
  std::string event_id;
  std::uint64_t seq = 0;                 // arrival order: breaks ties between equal ids
  std::vector<SequenceEvent> items;      // this record's contribution to each sequence rule
};

class ReorderBuffer {
 public:
  static constexpr std::int64_t kDefaultLatenessMs = 15 * 60 * 1000;

  explicit ReorderBuffer(std::int64_t max_lateness_ms = kDefaultLatenessMs);
  // Holds `ev`. Returns false, dropping it and counting it in late(), if
  // ev.time_ms < watermark(): it is later than the bound.
  bool push(PendingEvent ev);
  // Appends every held event with time < watermark(), in (time, event_id, seq) order.
  void release(std::vector<PendingEvent>& out);
  // End of input: appends everything held, in order.
  void drain(std::vector<PendingEvent>& out);
  // max_time_seen - max_lateness; INT64_MIN before any event. Every event released
  // so far, and every event accepted from now on, is on its side of this line.
  std::int64_t watermark() const;
  std::uint64_t late() const { return late_; }
  std::size_t size() const { return heap_.size(); }
  std::size_t peak_size() const { return peak_size_; }
  // An external watermark source saw an event at `time_ms` (see SequencePipeline::observe).
  void observe(std::int64_t time_ms);

  // For checkpoints (runtime/stream/snapshot): the held events in heap order, and
  // the whole state back. `held` must be what held() returned (a valid heap).
  std::int64_t max_time_seen() const { return max_time_seen_; }
  const std::vector<PendingEvent>& held() const { return heap_; }
  void restore(std::int64_t max_time_seen, std::uint64_t late, std::size_t peak_size, std::vector<PendingEvent> held);

 private:
  void pop_into(std::vector<PendingEvent>& out);

  std::int64_t max_lateness_ms_;
  std::int64_t max_time_seen_ = std::numeric_limits<std::int64_t>::min();
  std::vector<PendingEvent> heap_;       // min-heap on (time, event_id, seq)
  std::uint64_t late_ = 0;
  std::size_t peak_size_ = 0;
};

}  // namespace sesrules::runtime
