// Tests topology.cc: ensure_topology is idempotent (the second call takes the update
// path) and the streams carry the retention and duplicate windows the guarantees need.
#include <doctest/doctest.h>

#include "distributed/kv.h"
#include "distributed/leases.h"
#include "distributed/topology.h"
#include "nats_test_env.h"

namespace sesrules::distributed {
namespace {

jsStreamConfig stream_config(const NatsConnection& connection, const char* name, StreamInfoHandle& holder) {
  jsStreamInfo* raw = nullptr;
  natsStatus s = js_GetStreamInfo(&raw, connection.js(), name, nullptr, nullptr);
  holder.reset(raw);
  if (s != NATS_OK) FAIL("no stream ", name);
  return *holder->Config;
}

TEST_CASE("topology: idempotent, with the configured windows and retention") {
  NatsConnection& connection = test::shared_connection();
  TopologyOptions options;
  options.partitions = test::partitions();
  options.memory = true;
  options.alert_duplicate_window = std::chrono::hours(48);
  options.lease_ttl = std::chrono::seconds(15);
  Status again = ensure_topology(connection, options);
  REQUIRE_MESSAGE(again.ok(), again.message());

  StreamInfoHandle in_info, alert_info, backfill_info;
  jsStreamConfig in = stream_config(connection, kInStream, in_info);
  jsStreamConfig alerts = stream_config(connection, kAlertStream, alert_info);
  jsStreamConfig backfill = stream_config(connection, kBackfillStream, backfill_info);
  const std::int64_t ns_per_ms = 1000 * 1000;
  CHECK(in.Duplicates == options.in_duplicate_window.count() * ns_per_ms);
  CHECK(in.MaxAge == options.in_max_age.count() * ns_per_ms);
  CHECK(alerts.Duplicates == std::int64_t{48} * 3600 * 1000 * ns_per_ms);  // updated in place
  CHECK(backfill.Retention == js_WorkQueuePolicy);
  CHECK(KvBucket::open(connection, kLeaseBucket).ok());
  CHECK(KvBucket::open(connection, kCheckpointBucket).ok());

  TopologyOptions other_ttl = options;  // a worker with another lease length is refused
  other_ttl.lease_ttl = std::chrono::seconds(7);
  CHECK_FALSE(ensure_topology(connection, other_ttl).ok());
  TopologyOptions no_leases = options;  // ingest and backfill leave the lease bucket alone
  no_leases.lease_ttl.reset();
  CHECK(ensure_topology(connection, no_leases).ok());
}

}  // namespace
}  // namespace sesrules::distributed
