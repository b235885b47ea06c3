// Tests kv.cc and leases.cc: compare-and-set with two writers on two connections,
// lease acquire / renew / release, a lease taken over after its TTL and the old
// owner fenced (its renew reports Lost).
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "distributed/kv.h"
#include "distributed/leases.h"
#include "nats_test_env.h"

namespace sesrules::distributed {
namespace {

KvBucket open_bucket(const NatsConnection& connection, const std::string& name, int ttl_ms) {
  auto bucket = KvBucket::open_or_create(connection, KvBucketOptions{name, ttl_ms, 1, true});
  if (!bucket.ok()) FAIL(bucket.status().message());
  return std::move(bucket.value());
}

TEST_CASE("kv: create is exclusive, update needs the latest revision") {
  NatsConnection& shared = test::shared_connection();
  NatsConnection second = test::connect_or_fail("second-writer");
  KvBucket a = open_bucket(shared, "test_cas", 0);
  KvBucket b = open_bucket(second, "test_cas", 0);

  auto missing = a.get("k");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing.value().has_value());

  auto won = a.create("k", "from-a");
  auto lost = b.create("k", "from-b");
  REQUIRE_MESSAGE(won.ok(), won.status().message());
  REQUIRE_MESSAGE(lost.ok(), lost.status().message());
  CHECK(won.value().outcome == WriteOutcome::Written);
  CHECK(lost.value().outcome == WriteOutcome::AlreadyExists);

  auto read = b.get("k");
  REQUIRE(read.ok());
  REQUIRE(read.value().has_value());
  CHECK(read.value()->value == "from-a");
  CHECK(read.value()->revision == won.value().revision);

  // Both hold revision r; the first update wins, the second meets r+1.
  auto first = b.update("k", "b-update", read.value()->revision);
  auto stale = a.update("k", "a-update", won.value().revision);
  REQUIRE(first.ok());
  REQUIRE(stale.ok());
  CHECK(first.value().outcome == WriteOutcome::Written);
  CHECK(stale.value().outcome == WriteOutcome::RevisionMismatch);

  Status removed = a.remove("k");
  REQUIRE(removed.ok());
  auto gone = a.get("k");
  REQUIRE(gone.ok());
  CHECK_FALSE(gone.value().has_value());
  auto recreated = b.create("k", "again");  // create works over a delete marker
  REQUIRE(recreated.ok());
  CHECK(recreated.value().outcome == WriteOutcome::Written);
}

TEST_CASE("kv: reopening a bucket with another TTL is an error naming both") {
  NatsConnection& shared = test::shared_connection();
  KvBucket first = open_bucket(shared, "test_ttl", 2000);
  auto same = KvBucket::open_or_create(shared, KvBucketOptions{"test_ttl", 2000, 1, true});
  CHECK(same.ok());
  auto other = KvBucket::open_or_create(shared, KvBucketOptions{"test_ttl", 5000, 1, true});
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().message().find("2000 ms") != std::string::npos);
  CHECK(other.status().message().find("5000 ms") != std::string::npos);
}

TEST_CASE("leases: acquire, renew, release, steal after TTL, fencing") {
  using namespace std::chrono_literals;
  NatsConnection& shared = test::shared_connection();
  NatsConnection second = test::connect_or_fail("lease-b");
  const auto ttl = 1000ms;
  LeaseTable a(open_bucket(shared, "test_leases", 1000), "worker-a", ttl);
  LeaseTable b(open_bucket(second, "test_leases", 1000), "worker-b", ttl);

  auto got = a.try_acquire(3);
  REQUIRE_MESSAGE(got.ok(), got.status().message());
  CHECK(got.value() == LeaseOutcome::Held);
  auto refused = b.try_acquire(3);
  REQUIRE(refused.ok());
  CHECK(refused.value() == LeaseOutcome::Taken);
  auto renewed = a.renew(3);
  REQUIRE(renewed.ok());
  CHECK(renewed.value() == LeaseOutcome::Held);
  auto holder = b.holder(3);
  REQUIRE(holder.ok());
  CHECK(holder.value() == "worker-a");

  // Release frees the key at once.
  REQUIRE(a.try_acquire(4).value() == LeaseOutcome::Held);
  REQUIRE(a.release(4).ok());
  CHECK_FALSE(a.holds(4));
  CHECK(b.try_acquire(4).value() == LeaseOutcome::Held);
  REQUIRE(b.release(4).ok());

  // A stops renewing (a paused zombie): after the TTL, B takes partition 3.
  auto deadline = std::chrono::steady_clock::now() + 15s;
  LeaseOutcome outcome = LeaseOutcome::Taken;
  while (outcome != LeaseOutcome::Held && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    auto attempt = b.try_acquire(3);
    REQUIRE_MESSAGE(attempt.ok(), attempt.status().message());
    outcome = attempt.value();
  }
  REQUIRE(outcome == LeaseOutcome::Held);
  // The zombie wakes up: its renew meets B's revision, so it must stop.
  auto fenced = a.renew(3);
  REQUIRE(fenced.ok());
  CHECK(fenced.value() == LeaseOutcome::Lost);
  CHECK_FALSE(a.holds(3));
  CHECK(b.holder(3).value() == "worker-b");
  // B, renewing in time (every ttl/3), keeps it.
  std::this_thread::sleep_for(b.renew_interval());
  auto lost = b.renew_due();
  REQUIRE(lost.ok());
  CHECK(lost.value().empty());
}

}  // namespace
}  // namespace sesrules::distributed
