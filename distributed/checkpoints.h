// Per-partition checkpoint snapshots in the sesrules_checkpoints bucket, key
// "partition-<n>". The bytes are opaque here (the partition core versions and
// checksums them); what this layer adds is the compare-and-set: a save names the
// revision it last loaded or saved, so a zombie worker that lost its partition
// cannot overwrite the new owner's checkpoint (its save comes back Fenced).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "distributed/kv.h"

namespace sesrules::distributed {

struct Checkpoint {
  std::string snapshot;
  std::uint64_t revision = 0;
};

enum class SaveOutcome { Saved, Fenced };

struct SaveResult {
  SaveOutcome outcome = SaveOutcome::Saved;
  std::uint64_t revision = 0;  // pass to the next save when Saved
};

class CheckpointStore {
 public:
  explicit CheckpointStore(KvBucket bucket) : bucket_(std::move(bucket)) {}
  static Expected<CheckpointStore> open(const NatsConnection& connection);  // sesrules_checkpoints

  // nullopt: no checkpoint yet (start from the stream's first sequence).
  Expected<std::optional<Checkpoint>> load(int partition);
  // expected_revision 0: the partition has no checkpoint yet (create).
  Expected<SaveResult> save(int partition, std::string_view snapshot, std::uint64_t expected_revision);

 private:
  KvBucket bucket_;
};

}  // namespace sesrules::distributed
