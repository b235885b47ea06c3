// Checkpoints of a partition's whole sequence state (docs/distributed_core.md):
//
//   "SESCKPT1" | u32 version | u32 CRC-32 of payload | u64 payload length | payload
//
// The payload holds the consumer position and counters, the Program's field paths,
// one shared table of evidence events, one section per sequence rule tagged by
// rule name and rule version (the hash of its source), the engine watermark, the
// reorder buffer, the eventID dedup window and the arrival counter.
//
// Restoring under a changed pack: a rule whose version changed, or that is new,
// starts empty; a removed rule's state is dropped; the pending events of such
// rules in the reorder buffer are dropped and counted. Unchanged rules resume
// exactly. Anything malformed (truncated, bad checksum, unknown version, broken
// structure) is a Status naming what is wrong, never a crash; fuzz_snapshot.cc.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/sequence_pipeline.h"

namespace sesrules::runtime::stream {

inline constexpr std::string_view kSnapshotMagic = "SESCKPT1";
inline constexpr std::uint32_t kSnapshotVersion = 1;

struct RestoreReport {
  std::vector<std::string> changed, added, removed;   // rule names
  std::uint64_t dropped_items = 0;   // keys of changed/removed rules + their pending reorder items
};

// What the owner of the pipeline keeps next to it.
struct ProcessorState {
  std::uint64_t position = 0;      // last consumed input position
  bool has_position = false;       // false until the first record
  bool finished = false;           // a final watermark was applied
  std::map<std::string, std::uint64_t> counters;
};

// CRC-32 (IEEE, as gzip) of a payload: what the header stores.
std::uint32_t snapshot_checksum(std::string_view payload);

// Alerts are not part of the state: take them before snapshotting, or they are
// neither in the checkpoint nor re-created by replay from it.
std::string write_snapshot(const SequencePipeline& pipeline, const ProcessorState& state);
// `into` must be freshly constructed (empty). On error its contents are unspecified.
Status read_snapshot(std::string_view bytes, SequencePipeline& into, ProcessorState& state, RestoreReport* report);

}  // namespace sesrules::runtime::stream
