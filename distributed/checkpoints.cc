// CheckpointStore: create or update-at-revision of partition-<n>. Tested by checkpoints_test.cc.
#include "distributed/checkpoints.h"

#include "distributed/leases.h"
#include "distributed/topology.h"

namespace sesrules::distributed {

Expected<CheckpointStore> CheckpointStore::open(const NatsConnection& connection) {
  auto bucket = KvBucket::open(connection, kCheckpointBucket);
  if (!bucket.ok()) return bucket.status();
  return CheckpointStore(std::move(bucket.value()));
}

Expected<std::optional<Checkpoint>> CheckpointStore::load(int partition) {
  auto entry = bucket_.get(lease_key(partition));
  if (!entry.ok()) return entry.status();
  if (!entry.value()) return std::optional<Checkpoint>();
  return std::optional<Checkpoint>(Checkpoint{std::move(entry.value()->value), entry.value()->revision});
}

Expected<SaveResult> CheckpointStore::save(int partition, std::string_view snapshot, std::uint64_t expected_revision) {
  auto written = expected_revision == 0 ? bucket_.create(lease_key(partition), snapshot)
                                        : bucket_.update(lease_key(partition), snapshot, expected_revision);
  if (!written.ok()) {
    return Status::error("checkpoint of partition " + std::to_string(partition) + ": " + written.status().message());
  }
  if (written.value().outcome != WriteOutcome::Written) return SaveResult{SaveOutcome::Fenced, 0};
  return SaveResult{SaveOutcome::Saved, written.value().revision};
}

}  // namespace sesrules::distributed
