// Tests checkpoints.cc: the first save creates, later saves need the revision, and a
// zombie's stale save after the new owner saved is Fenced and changes nothing.
#include <doctest/doctest.h>

#include "distributed/checkpoints.h"
#include "nats_test_env.h"

namespace sesrules::distributed {
namespace {

TEST_CASE("checkpoints: compare-and-set on the revision fences a zombie") {
  NatsConnection& connection = test::shared_connection();
  NatsConnection other = test::connect_or_fail("new-owner");
  auto zombie = CheckpointStore::open(connection);
  auto owner = CheckpointStore::open(other);
  REQUIRE_MESSAGE(zombie.ok(), zombie.status().message());
  REQUIRE(owner.ok());

  auto none = zombie.value().load(6);
  REQUIRE(none.ok());
  CHECK_FALSE(none.value().has_value());
  auto first = zombie.value().save(6, "snapshot-1", 0);
  REQUIRE_MESSAGE(first.ok(), first.status().message());
  REQUIRE(first.value().outcome == SaveOutcome::Saved);
  auto second = zombie.value().save(6, "snapshot-2", first.value().revision);
  REQUIRE(second.ok());
  REQUIRE(second.value().outcome == SaveOutcome::Saved);

  // The new owner takes over from the latest checkpoint and saves.
  auto loaded = owner.value().load(6);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.value().has_value());
  CHECK(loaded.value()->snapshot == "snapshot-2");
  auto taken = owner.value().save(6, "snapshot-3", loaded.value()->revision);
  REQUIRE(taken.ok());
  CHECK(taken.value().outcome == SaveOutcome::Saved);

  // The zombie wakes up with its old revision: rejected, the new state stays.
  auto stale = zombie.value().save(6, "zombie-write", second.value().revision);
  REQUIRE(stale.ok());
  CHECK(stale.value().outcome == SaveOutcome::Fenced);
  auto stale_create = zombie.value().save(6, "zombie-create", 0);
  REQUIRE(stale_create.ok());
  CHECK(stale_create.value().outcome == SaveOutcome::Fenced);
  CHECK(owner.value().load(6).value()->snapshot == "snapshot-3");
}

TEST_CASE("checkpoints: a snapshot above the 1 MB default payload fits (fixture max_payload 8MB)") {
  NatsConnection& connection = test::shared_connection();
  auto store = CheckpointStore::open(connection);
  REQUIRE(store.ok());
  const std::string big(3 * 1024 * 1024, 'c');
  auto saved = store.value().save(7, big, 0);
  REQUIRE_MESSAGE(saved.ok(), saved.status().message());
  CHECK(saved.value().outcome == SaveOutcome::Saved);
  auto loaded = store.value().load(7);
  REQUIRE(loaded.ok());
  REQUIRE(loaded.value().has_value());
  CHECK(loaded.value()->snapshot == big);
}

}  // namespace
}  // namespace sesrules::distributed
