// SequencePipeline: dedup -> reorder -> engine -> alerts (see sequence_pipeline.h).
#include "runtime/sequence_pipeline.h"

namespace sesrules::runtime {

SequencePipeline::SequencePipeline(std::shared_ptr<const LoadedProgram> program, std::int64_t max_lateness_ms,
                                   SequenceLimits limits, bool coverage)
    : program_(program),
      relations_(program, coverage),
      engine_(program->program(), relations_, limits),
      reorder_(max_lateness_ms),
      dedup_(max_lateness_ms) {}

bool SequencePipeline::admit(const MatchedRecord& record) {
  return record.event_id.empty() || !record.has_time || dedup_.first_time(record.event_id, record.time_ms);
}

void SequencePipeline::push(MatchedRecord& record) {
  if (record.sequence_items.empty()) return;
  PendingEvent pending;
  pending.time_ms = record.time_ms;
  pending.event_id = record.event_id;
  pending.seq = seq_++;
  pending.items = std::move(record.sequence_items);
  reorder_.push(std::move(pending));  // a late event is counted by the buffer
}

void SequencePipeline::observe(std::int64_t time_ms) { reorder_.observe(time_ms); }

void SequencePipeline::advance() {
  std::vector<PendingEvent> released;
  reorder_.release(released);
  feed(released);
  engine_.advance_watermark(reorder_.watermark(), matches_);
  dedup_.expire(reorder_.watermark());
  take_matches();
}

void SequencePipeline::finish(std::optional<std::int64_t> end_ms) {
  std::vector<PendingEvent> released;
  reorder_.drain(released);
  feed(released);
  if (end_ms) engine_.advance_watermark(*end_ms, matches_);
  engine_.finish(matches_);
  take_matches();
}

void SequencePipeline::take_alerts(std::vector<Alert>& out) {
  for (Alert& alert : alerts_) out.push_back(std::move(alert));
  alerts_.clear();
}

void SequencePipeline::feed(std::vector<PendingEvent>& released) {
  for (PendingEvent& pending : released) {
    for (const SequenceEvent& item : pending.items) engine_.on_event(item, matches_);
  }
  released.clear();
}

void SequencePipeline::take_matches() {
  for (SequenceMatch& match : matches_) alerts_.push_back(relations_.sequence_alert(match));
  matches_.clear();
}

}  // namespace sesrules::runtime
