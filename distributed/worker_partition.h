// One partition owned by `sesrules worker`: its PartitionProcessor, restored from
// the partition's checkpoint, fed from CT_IN (ct.p.<n>.>) after the checkpoint's
// position. Alerts are published (Nats-Msg-Id = alert_id) BEFORE the checkpoint that
// covers them is written, so a crash between the two replays and re-publishes them
// and CT_ALERTS' duplicate window drops the copies. Checkpoint writes are a
// compare-and-set on the revision this owner last wrote: a Fenced save means another
// worker owns the partition now, and this one must stop at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "distributed/alert_publisher.h"
#include "distributed/checkpoints.h"
#include "distributed/consumers.h"
#include "runtime/stream/partition_processor.h"

namespace sesrules::distributed {

struct WorkerCounters {
  std::uint64_t records = 0, markers = 0, markers_bad = 0, checkpoints = 0, fenced = 0;
  std::uint64_t restores = 0, checkpoints_unreadable = 0, acquired = 0, lost = 0;
  std::uint64_t alerts = 0;  // publish attempts (published + duplicates + sent without dedup)
  std::uint64_t events_late = 0, events_duplicate = 0;  // dropped by the partitions' pipelines, as in eval
};

// Test hooks: raise SIGKILL at a chosen point, so a kill test needs no timing.
struct KillPoints {
  std::uint64_t after_alerts = 0;         // after this many alert publishes (0: off)
  bool before_final_checkpoint = false;   // after the final marker's alerts, before its checkpoint
};

// What every owned partition of one worker shares.
struct PartitionContext {
  const NatsConnection* connection = nullptr;
  std::shared_ptr<const runtime::LoadedProgram> program;
  runtime::stream::ProcessorOptions processor;
  CheckpointStore* checkpoints = nullptr;
  AlertPublisher* alerts = nullptr;
  WorkerCounters* counters = nullptr;
  std::uint64_t checkpoint_every = 5000;
  int batch = 512;
  KillPoints kill;
  std::function<void(int partition, const std::string& message)> log;
};

enum class PartitionStep { Running, Fenced };

class OwnedPartition {
 public:
  // Loads the checkpoint (an unreadable one is logged, naming the partition, and the
  // partition replays from the stream start), claims it by re-saving at the loaded
  // revision (which fences a previous owner still running), opens the reader.
  static Expected<std::unique_ptr<OwnedPartition>> open(PartitionContext& context, int partition);

  Expected<std::vector<StreamMessage>> fetch(int timeout_ms) { return reader_.next(timeout_ms); }
  // Feeds the messages, publishing alerts and checkpointing every K records and on markers.
  Expected<PartitionStep> process(const std::vector<StreamMessage>& messages);
  Expected<PartitionStep> checkpoint();
  int partition() const { return partition_; }
  bool finished() const { return finished_; }

 private:
  OwnedPartition(PartitionContext& context, int partition, runtime::stream::PartitionProcessor processor,
                 OrderedReader reader)
      : context_(&context), partition_(partition), processor_(std::move(processor)), reader_(std::move(reader)) {}
  Status publish_alerts();
  Expected<PartitionStep> on_marker(const StreamMessage& message);
  Expected<PartitionStep> feed(const std::vector<StreamMessage>& messages);

  PartitionContext* context_;
  int partition_;
  runtime::stream::PartitionProcessor processor_;
  OrderedReader reader_;
  std::uint64_t revision_ = 0;
  std::uint64_t since_checkpoint_ = 0;
  bool finished_ = false;
};

}  // namespace sesrules::distributed
