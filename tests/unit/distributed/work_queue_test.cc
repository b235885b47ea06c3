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

std::vector<WorkItem> fetch_some(WorkQueueConsumer& consumer, int batch, int timeout_ms = 5000) {
  auto items = consumer.fetch(batch, timeout_ms);
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
  CHECK(fetch_some(consumer.value(), 3, 300).empty());  // a was never redelivered; all removed
}

TEST_CASE("work queue: workers sharing the durable split the shards, each handed out once") {
  NatsConnection& connection = test::shared_connection();
  NatsConnection second = test::connect_or_fail("second-worker");
  // Its own subject: a work-queue stream refuses two consumers with overlapping filters.
  const std::string subject = "ct.backfill.test_shared";
  const WorkQueueOptions options{kBackfillStream, "test_shared", subject, 30000, -1};
  auto one = WorkQueueConsumer::open(connection, options);
  auto two = WorkQueueConsumer::open(second, options);
  REQUIRE_MESSAGE(one.ok(), one.status().message());
  REQUIRE_MESSAGE(two.ok(), two.status().message());
  std::set<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    std::string shard = "shared-" + std::to_string(i);
    expected.insert(shard);
    REQUIRE(publish(connection, subject, shard).ok());
  }
  std::multiset<std::string> done;
  for (int round = 0; round < 40 && done.size() < expected.size(); ++round) {
    for (WorkQueueConsumer* consumer : {&one.value(), &two.value()}) {
      for (WorkItem& item : fetch_some(*consumer, 3, 300)) {
        done.insert(item.message().data);
        REQUIRE(item.ack().ok());
      }
    }
  }
  CHECK(std::set<std::string>(done.begin(), done.end()) == expected);
  CHECK(done.size() == expected.size());  // none handed out twice
}

}  // namespace
}  // namespace sesrules::distributed
