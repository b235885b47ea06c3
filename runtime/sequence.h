// SequenceEngine: correlates the events of one key inside a time window for the
// Ordered, Unordered and Threshold rules of a Program (docs/language.md, "Sequence
// semantics"; the algorithm is explained at the top of sequence.cc).
//
// The engine never runs bytecode: the driver evaluates each step's local predicate,
// the key, `until` and the distinct value with the VM and hands in SequenceEvents;
// relations between steps go through the RelationEvaluator callback.
// Not thread-safe: one engine, fed by one thread in (time_ms, event_id) order.
// Tested by sequence_test.cc, sequence_property_test.cc and sequence_memory_test.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/alert.h"
#include "runtime/program.h"

namespace sesrules::runtime {

struct SequenceEvent {                 // one record's contribution to one sequence rule
  std::uint32_t rule = 0;
  std::vector<std::string> key;        // key parts; the driver drops events whose key is undefined
  std::uint64_t step_mask = 0;         // bit i: step i's local predicate held (relations not checked)
  bool until = false;                  // the rule's until condition held
  std::optional<std::string> distinct_value;  // Threshold/Distinct: canonical JSON of the counted value
  EventPtr event;                      // time, eventID and slots
};

class RelationEvaluator {              // implemented by the driver with the VM
 public:
  virtual ~RelationEvaluator() = default;
  // Does step `step` of `rule` hold for `candidate`, given the events already matched
  // by the partial (matched[i] = event of step i, or nullptr; size = number of steps)?
  // Only called for steps with relation_fn != kNoFunction. The pointers are valid
  // for the duration of the call.
  virtual bool relation_holds(std::uint32_t rule, std::uint32_t step, const EventRecord& candidate,
                              std::span<const EventRecord* const> matched) = 0;
};

struct SequenceMatch {
  std::uint32_t rule = 0;
  std::vector<std::string> key;
  std::vector<EventPtr> events;        // time-ordered (ties by eventID)
  std::vector<std::uint32_t> steps;    // step index of each event
  std::int64_t time_ms = 0;            // completing event's time; absence: first + within
};

struct SequenceLimits {
  std::size_t max_keys_per_rule = 100000;
  // Stored evidence across all rules: ordered partials, unordered filled steps,
  // threshold events. Over budget, the rule's least recently updated keys are evicted.
  std::size_t max_partials_total = 1000000;
};

struct SequenceStats {
  std::uint64_t matches = 0;           // emitted (not suppressed)
  std::uint64_t suppressed = 0;        // matches dropped by `suppress`
  std::uint64_t evicted_keys = 0;      // keys dropped by the key cap or the partial budget
  std::uint64_t expired_partials = 0;  // partial matches whose window passed unmatched
  std::uint64_t until_cancels = 0;     // keys whose pending state an `until` event cancelled
  std::uint64_t absence_pending_at_end = 0;  // absence windows still open at finish()
  std::size_t live_keys = 0, peak_live_keys = 0;
};

class SequenceEngine {
 public:
  // `program` and `relations` must outlive the engine.
  SequenceEngine(const Program& program, RelationEvaluator& relations, SequenceLimits limits = {});
  ~SequenceEngine();
  SequenceEngine(const SequenceEngine&) = delete;
  SequenceEngine& operator=(const SequenceEngine&) = delete;

  // Events must arrive in non-decreasing (time_ms, event_id) order (the reorder
  // buffer guarantees it). An event's own time acts as a watermark: absence windows
  // that ended before it are decided first. Matches are appended to `out`.
  void on_event(const SequenceEvent& ev, std::vector<SequenceMatch>& out);
  // Every event with time < watermark_ms has been delivered (ReorderBuffer::watermark()
  // after release()): fire absence steps whose window ended before it, drop state
  // whose window has passed. Smaller watermarks than before are ignored.
  void advance_watermark(std::int64_t watermark_ms, std::vector<SequenceMatch>& out);
  // End of input: absence windows that ended before the last event's time fire;
  // those still open are counted in absence_pending_at_end, not fired. Clears state.
  void finish(std::vector<SequenceMatch>& out);

  const SequenceStats& stats(std::uint32_t rule) const;
  std::size_t live_state_bytes() const;   // approximate, including referenced evidence

  struct Impl;
  // The engine's state, for checkpoint code only (runtime/sequence_impl.h).
  Impl& internals() { return *impl_; }
  const Impl& internals() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sesrules::runtime
