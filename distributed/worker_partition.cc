#include "distributed/worker_partition.h"

#include <csignal>

#include "distributed/partitioning.h"
#include "distributed/topology.h"
#include "distributed/watermarks.h"

namespace sesrules::distributed {

namespace {

namespace st = runtime::stream;

// The processor to resume with: restored from the checkpoint, or fresh when there is
// none or it is unreadable (then the stream's retention is replayed from the start).
st::PartitionProcessor restore_or_fresh(PartitionContext& context, int partition,
                                        const std::optional<Checkpoint>& saved) {
  if (!saved) return st::PartitionProcessor(context.program, context.processor);
  st::RestoreReport report;
  auto restored = st::PartitionProcessor::restore(context.program, context.processor, saved->snapshot, &report);
  if (!restored.ok()) {
    ++context.counters->checkpoints_unreadable;
    context.log(partition, "error: checkpoint of partition " + std::to_string(partition) + " (revision " +
                               std::to_string(saved->revision) + ") is unreadable: " + restored.status().message() +
                               "; replaying partition " + std::to_string(partition) + " from the stream start");
    return st::PartitionProcessor(context.program, context.processor);
  }
  ++context.counters->restores;
  std::string changes;
  for (const auto& name : report.changed) changes += " changed:" + name;
  for (const auto& name : report.added) changes += " added:" + name;
  for (const auto& name : report.removed) changes += " removed:" + name;
  context.log(partition, "restored checkpoint revision " + std::to_string(saved->revision) + " at position " +
                             std::to_string(restored.value().position()) + changes);
  return std::move(restored.value());
}

}  // namespace

Expected<std::unique_ptr<OwnedPartition>> OwnedPartition::open(PartitionContext& context, int partition) {
  auto saved = context.checkpoints->load(partition);
  if (!saved.ok()) return saved.status();
  st::PartitionProcessor processor = restore_or_fresh(context, partition, saved.value());
  std::uint64_t start = processor.has_position() ? processor.position() + 1 : 1;
  auto reader = OrderedReader::open(*context.connection,
                                    OrderedReaderOptions{kInStream, partition_filter(partition), start, context.batch});
  if (!reader.ok()) return reader.status();
  std::unique_ptr<OwnedPartition> owned(
      new OwnedPartition(context, partition, std::move(processor), std::move(reader.value())));
  owned->revision_ = saved.value() ? saved.value()->revision : 0;
  owned->finished_ = owned->processor_.finished();
  // The claim: a previous owner that still runs (paused past its lease) now holds a
  // stale revision, so its next checkpoint write is rejected.
  auto claimed = owned->checkpoint();
  if (!claimed.ok()) return claimed.status();
  if (claimed.value() == PartitionStep::Fenced) {
    return Status::error("partition " + std::to_string(partition) +
                         ": checkpoint taken by another worker while claiming it");
  }
  context.log(partition, "claimed at checkpoint revision " + std::to_string(owned->revision_) +
                             ", reading from stream sequence " + std::to_string(start));
  return owned;
}

Status OwnedPartition::publish_alerts() {
  for (const runtime::Alert& alert : processor_.take_alerts()) {
    auto published = context_->alerts->publish(alert);
    if (!published.ok()) return published.status();
    ++context_->counters->alerts;
    if (context_->kill.after_alerts != 0 && context_->counters->alerts == context_->kill.after_alerts) {
      context_->log(partition_, "test: SIGKILL after " + std::to_string(context_->counters->alerts) + " alerts");
      std::raise(SIGKILL);
    }
  }
  return {};
}

Expected<PartitionStep> OwnedPartition::checkpoint() {
  // Alerts first: once the checkpoint is written, replay no longer re-creates them.
  Status published = publish_alerts();
  if (!published.ok()) return published;
  std::string snapshot = processor_.snapshot();
  auto saved = context_->checkpoints->save(partition_, snapshot, revision_);
  if (!saved.ok()) return saved.status();
  if (saved.value().outcome == SaveOutcome::Fenced) {
    ++context_->counters->fenced;
    context_->log(partition_, "fenced: checkpoint write at revision " + std::to_string(revision_) +
                                  " rejected (another worker owns the partition); stopping it");
    return PartitionStep::Fenced;
  }
  revision_ = saved.value().revision;
  since_checkpoint_ = 0;
  ++context_->counters->checkpoints;
  context_->log(partition_, "checkpoint revision " + std::to_string(revision_) + " at position " +
                                std::to_string(processor_.position()) + " (" + std::to_string(snapshot.size()) +
                                " bytes)");
  return PartitionStep::Running;
}

Expected<PartitionStep> OwnedPartition::on_marker(const StreamMessage& message) {
  ++context_->counters->markers;
  auto marker = decode_marker(message.data);
  if (!marker) {
    ++context_->counters->markers_bad;
    context_->log(partition_, "ignored malformed marker at stream sequence " + std::to_string(message.sequence));
    return PartitionStep::Running;
  }
  processor_.on_watermark(marker->t_ms, marker->final);
  if (!marker->final || finished_) return PartitionStep::Running;
  finished_ = true;
  Status published = publish_alerts();
  if (!published.ok()) return published;
  if (context_->kill.before_final_checkpoint) {
    context_->log(partition_, "test: SIGKILL before the final checkpoint");
    std::raise(SIGKILL);
  }
  context_->log(partition_, "end of input at t_ms " + std::to_string(marker->t_ms));
  return checkpoint();
}

Expected<PartitionStep> OwnedPartition::process(const std::vector<StreamMessage>& messages) {
  auto before = processor_.counters();
  auto step = feed(messages);
  auto after = processor_.counters();
  context_->counters->events_late += after["events_late"] - before["events_late"];
  context_->counters->events_duplicate += after["events_duplicate"] - before["events_duplicate"];
  return step;
}

Expected<PartitionStep> OwnedPartition::feed(const std::vector<StreamMessage>& messages) {
  for (const StreamMessage& message : messages) {
    auto subject = parse_partitioned_subject(message.subject);
    if (subject && subject->marker) {
      auto step = on_marker(message);
      if (!step.ok() || step.value() == PartitionStep::Fenced) return step;
      continue;
    }
    if (auto watermark = parse_millis(message.header(kWatermarkHeader))) processor_.on_watermark(*watermark, false);
    processor_.on_record(message.data, message.sequence);
    ++context_->counters->records;
    if (++since_checkpoint_ >= context_->checkpoint_every) {
      auto step = checkpoint();
      if (!step.ok() || step.value() == PartitionStep::Fenced) return step;
    }
  }
  Status published = publish_alerts();
  if (!published.ok()) return published;
  return PartitionStep::Running;
}

}  // namespace sesrules::distributed
