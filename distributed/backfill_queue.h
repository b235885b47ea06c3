// Backfill over CT_BACKFILL (docs/distributed.md, "Backfill"): `backfill plan`
// queues shard descriptors with Nats-Msg-Id = shard id (re-planning the same input
// queues nothing new); `backfill work` pulls them from one durable work-queue consumer
// shared by every worker and, per shard:
//   1. refuses it (nak with delay) when its pack hash differs from the worker's rules,
//   2. walks its directories again (walk_shard); a missing or unreadable file, or files
//      that changed since the plan, fail the shard (nak with delay),
//   3. runs runtime::evaluate() — eval's engine, all rules — over the shard, collecting
//      the alerts, while a heartbeat thread sends in_progress every ack_wait/3,
//   4. publishes the alerts with AlertPublisher's subject, body and headers (Nats-Msg-Id
//      = alert_id) through an AsyncPublisher window, waits for every ack, then acks.
// A worker killed anywhere before 4's ack leaves the shard unacked: it is redelivered
// after ack_wait, and the redo's alerts are suppressed as duplicates by CT_ALERTS.
// A malformed descriptor can never succeed: it is acked away and reported.
// Tested end to end by tests/dist/test_backfill.py.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "distributed/backfill_plan.h"
#include "distributed/nats_connection.h"
#include "runtime/evaluate.h"

namespace sesrules::distributed {

inline constexpr const char* kBackfillDurable = "sesrules_backfill";

struct QueuedPlan {
  std::uint64_t queued = 0, already_queued = 0;  // the latter suppressed by Nats-Msg-Id
};

// Publishes every shard of `plan` (in order); stops at the first failure.
runtime::Expected<QueuedPlan> queue_plan(const NatsConnection& connection, const BackfillPlan& plan);

struct BackfillWorkOptions {
  runtime::EvalOptions eval;       // threads, lateness, limits; since/until come from the shard
  std::string pack_hash;           // of the worker's rules
  int ack_wait_ms = 30000;
  int exit_when_idle_ms = -1;      // -1: run until the connection closes
  int retry_delay_ms = 10000;      // nak delay of failed and refused shards
  int pause_before_ack_ms = 0;     // tests only: widen the window for a kill -9
};

// What happened to one delivered shard. status: "published" (alerts out, before the
// ack), "acked", "failed", "refused", "malformed". message: why it failed, was refused
// or malformed; for a published/acked shard, warnings (damaged input, failed heartbeat).
struct ShardOutcome {
  std::string shard_id, account, status, message;
  std::uint64_t delivery = 1;      // > 1: a redelivery
  std::uint64_t alerts = 0, published = 0, duplicates = 0;
  std::uint64_t input_errors = 0;  // damaged records/files skipped as eval does (message: the first)
};

struct BackfillWorkSummary {
  std::uint64_t acked = 0, failed = 0, refused = 0, malformed = 0;
  std::uint64_t alerts = 0, published = 0, duplicates = 0, input_errors = 0;
};

using ShardOutcomeCallback = std::function<void(const ShardOutcome&)>;

// Works shards until idle for exit_when_idle_ms. An error means the worker could
// not talk to the server any more (shards in flight are redelivered to others).
runtime::Expected<BackfillWorkSummary> run_backfill_worker(const NatsConnection& connection,
                                                           std::shared_ptr<const runtime::LoadedProgram> program,
                                                           const BackfillWorkOptions& options,
                                                           const ShardOutcomeCallback& on_outcome);

}  // namespace sesrules::distributed
