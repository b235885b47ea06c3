// Tests watermarks.cc (the end-marker body and the watermark header value ingest
// sends to the workers) and KvBucket::keys (the worker's live-member and
// finished-partition listing).
#include <doctest/doctest.h>

#include <algorithm>

#include "distributed/kv.h"
#include "distributed/watermarks.h"
#include "nats_test_env.h"

namespace sesrules::distributed {
namespace {

TEST_CASE("markers: round trip, malformed bodies rejected") {
  for (Marker marker : {Marker{0, false}, Marker{1717372800000, true}, Marker{-5, true}}) {
    auto decoded = decode_marker(encode_marker(marker));
    REQUIRE(decoded);
    CHECK(decoded->t_ms == marker.t_ms);
    CHECK(decoded->final == marker.final);
  }
  for (const char* bad : {"", "{}", "{\"t_ms\":x,\"final\":true}", "{\"t_ms\":1,\"final\":maybe}",
                          "{\"t_ms\":1,\"final\":true} ", "{\"t_ms\":1}",
                          "{\"t_ms\":99999999999999999999,\"final\":true}"}) {
    CHECK_FALSE(decode_marker(bad));
  }
  CHECK(parse_millis("1717372800000") == 1717372800000);
  CHECK(parse_millis("-1") == -1);
  CHECK_FALSE(parse_millis(""));
  CHECK_FALSE(parse_millis("12ms"));
}

TEST_CASE("kv: keys lists live keys by prefix, not deleted ones") {
  NatsConnection& shared = test::shared_connection();
  auto bucket = KvBucket::open_or_create(shared, KvBucketOptions{"test_keys", 0, 1, true});
  REQUIRE_MESSAGE(bucket.ok(), bucket.status().message());
  auto empty = bucket.value().keys();
  REQUIRE_MESSAGE(empty.ok(), empty.status().message());
  CHECK(empty.value().empty());
  for (const char* key : {"member-a", "member-b", "finished-1"}) REQUIRE(bucket.value().put(key, "x").ok());
  REQUIRE(bucket.value().remove("member-b").ok());
  auto members = bucket.value().keys("member-");
  REQUIRE(members.ok());
  CHECK(members.value() == std::vector<std::string>{"member-a"});
  auto all = bucket.value().keys();
  REQUIRE(all.ok());
  std::sort(all.value().begin(), all.value().end());
  CHECK(all.value() == std::vector<std::string>{"finished-1", "member-a"});
}

}  // namespace
}  // namespace sesrules::distributed
