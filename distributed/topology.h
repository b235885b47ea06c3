// The streams and buckets of the distributed mode, created or brought up to date by
// ensure_topology (idempotent; every ingest/worker/backfill start may call it):
//   CT_IN        ct.p.>             limits retention; duplicate window drops re-ingested eventIDs
//   CT_ALERTS    ct.alerts.>        duplicate window >= replay horizon: replayed alert ids are suppressed
//   CT_BACKFILL  ct.backfill.>      work-queue retention: each shard removed once acked
//   KV sesrules_leases       TTL = lease length
//   KV sesrules_checkpoints  no TTL
// The ct.in.* -> ct.p.<n>.* mapping itself is server configuration
// (server_mapping_config): a stream cannot repartition subjects on NATS 2.9.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "distributed/nats_connection.h"

namespace sesrules::distributed {

inline constexpr const char* kInStream = "CT_IN";
inline constexpr const char* kAlertStream = "CT_ALERTS";
inline constexpr const char* kBackfillStream = "CT_BACKFILL";
inline constexpr const char* kCheckpointBucket = "sesrules_checkpoints";

struct TopologyOptions {
  int partitions = 64;
  std::chrono::milliseconds in_duplicate_window = std::chrono::minutes(10);
  std::chrono::milliseconds in_max_age = std::chrono::hours(24 * 7);  // replay horizon of CT_IN
  std::chrono::milliseconds alert_duplicate_window = std::chrono::hours(24);
  // Only workers hold leases, so only they create the lease bucket, with their lease
  // length as its TTL (an existing bucket with another TTL is an error). Unset (ingest,
  // backfill): the lease bucket is left alone.
  std::optional<std::chrono::milliseconds> lease_ttl;
  bool memory = false;  // memory storage (tests, benchmarks)
};

Status ensure_topology(const NatsConnection& connection, const TopologyOptions& options);

// Creates `config`'s stream or updates it to `config`.
Status ensure_stream(const NatsConnection& connection, jsStreamConfig& config);

// Deletes a stream if present (tests and benchmarks start from empty).
Status delete_stream(const NatsConnection& connection, const std::string& name);

}  // namespace sesrules::distributed
