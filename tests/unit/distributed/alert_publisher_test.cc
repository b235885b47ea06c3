// Tests alert_publisher.cc: alert JSON and headers on ct.alerts.<rule>, a re-published
// alert counted as a duplicate (replayed-and-suppressed), and the negative control
// without Nats-Msg-Id, where the same alert is stored twice.
#include <doctest/doctest.h>

#include "distributed/alert_publisher.h"
#include "distributed/consumers.h"
#include "distributed/partitioning.h"
#include "runtime/sinks/sinks.h"
#include "nats_test_env.h"

namespace sesrules::distributed {
namespace {

runtime::Alert sample_alert(const std::string& id) {
  runtime::Alert alert;
  alert.rule_name = "ses_probe_test";
  alert.title = "test alert";
  alert.key = {"\"123456789012\""};
  alert.time_ms = alert.first_time_ms = alert.last_time_ms = 1700000000000;
  alert.alert_id = id;
  return alert;
}

TEST_CASE("suppression key: rule and key only, length-prefixed") {
  runtime::Alert a = sample_alert("1"), b = sample_alert("2");
  CHECK(suppression_key(a) == suppression_key(b));
  CHECK(suppression_key(a).size() == 16);
  b.key = {"\"123456789013\""};
  CHECK(suppression_key(a) != suppression_key(b));
  runtime::Alert c = sample_alert("3"), d = sample_alert("3");
  c.key = {"ab", "c"};
  d.key = {"a", "bc"};
  CHECK(suppression_key(c) != suppression_key(d));
}

TEST_CASE("alert publisher: replayed alerts are suppressed and counted") {
  NatsConnection& connection = test::shared_connection();
  AlertPublisher publisher(connection);
  auto first = publisher.publish(sample_alert("00000000000000000000000000000001"));
  REQUIRE_MESSAGE(first.ok(), first.status().message());
  auto replayed = publisher.publish(sample_alert("00000000000000000000000000000001"));
  REQUIRE(replayed.ok());
  auto other = publisher.publish(sample_alert("00000000000000000000000000000002"));
  REQUIRE(other.ok());
  CHECK(publisher.published() == 2);
  CHECK(publisher.duplicates() == 1);

  auto reader = OrderedReader::open(connection, {kAlertStream, alert_subject("ses_probe_test"), first.value().sequence, 16});
  REQUIRE(reader.ok());
  auto batch = reader.value().next(2000);
  REQUIRE(batch.ok());
  REQUIRE(batch.value().size() >= 1);
  const StreamMessage& stored = batch.value()[0];
  CHECK(stored.header(kMsgIdHeader) == "00000000000000000000000000000001");
  CHECK(stored.header(kSuppressionKeyHeader) == suppression_key(sample_alert("x")));
  CHECK(stored.header(kRuleHeader) == "ses_probe_test");
  CHECK(stored.data == runtime::alert_to_json(sample_alert("00000000000000000000000000000001")));
}

TEST_CASE("alert publisher negative control: without Nats-Msg-Id a replay is stored twice") {
  NatsConnection& connection = test::shared_connection();
  AlertPublisher publisher(connection, AlertPublisherOptions{true});
  for (int i = 0; i < 2; ++i) REQUIRE(publisher.publish(sample_alert("00000000000000000000000000000003")).ok());
  CHECK(publisher.published() == 2);
  CHECK(publisher.duplicates() == 0);
}

}  // namespace
}  // namespace sesrules::distributed
