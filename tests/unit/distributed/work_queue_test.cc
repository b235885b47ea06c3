// Tests work_queue.cc on CT_BACKFILL: ack removes a shard, nak redelivers it,
// an unacked shard comes back after ack_wait (a killed worker's shard is retried),
// and in_progress keeps a slow shard from being handed out again.
#include <doctest/doctest.h>

#include <set>

#include "distributed/consumers.h"
#include "distributed/partitioning.h"
#include "nats_test_env.h"

namespace sesrules::distributed {
namespace {

std::vector<WorkItem> fetch_some(WorkQueueConsumer& consumer, int batch) {
  auto items = consumer.fetch(batch, 5000);
  if (!items.ok()) FAIL(items.status().message());
  return std::move(items.value());
}

TEST_CASE("work queue: ack, nak, redelivery after ack wait, in progress") {
  NatsConnection& connection = test::shared_connection();
  for (const char* shard : {"shard-a", "shard-b", "shard-c"}) {
    auto published = publish(connection, kBackfillSubject, shard, {{kMsgIdHeader, shard}});
    REQUIRE_MESSAGE(published.ok(), published.status().message());
  }
  auto consumer = WorkQueueConsumer::open(connection, {kBackfillStream, "test_workers", kBackfillSubject, 1000, -1});
  REQUIRE_MESSAGE(consumer.ok(), consumer.status().message());

  auto first = fetch_some(consumer.value(), 3);
  REQUIRE(first.size() == 3);
  CHECK(first[0].message().data == "shard-a");
  CHECK(first[0].message().num_delivered == 1);
  REQUIRE(first[0].ack().ok());          // a: done
  REQUIRE(first[1].nak().ok());          // b: failed, redeliver now
  // c: the worker "dies" (no ack): redelivered once ack_wait has passed.

  std::multiset<std::string> redelivered;
  while (redelivered.size() < 2) {
    auto again = fetch_some(consumer.value(), 3);
    REQUIRE_MESSAGE(!again.empty(), "shards b and c were not redelivered");
    for (WorkItem& item : again) {
      CHECK(item.message().num_delivered >= 2);
      redelivered.insert(item.message().data);
      if (item.message().data == "shard-c") REQUIRE(item.in_progress().ok());
      REQUIRE(item.ack().ok());
    }
  }
  CHECK(redelivered == std::multiset<std::string>{"shard-b", "shard-c"});
  CHECK(fetch_some(consumer.value(), 3).empty());  // a was never redelivered; all removed
}

}  // namespace
}  // namespace sesrules::distributed
