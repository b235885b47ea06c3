// Tests jetstream.cc and ordered_reader.cc: dedup by Nats-Msg-Id (sync and async),
// ordered reads of one partition's filter from a start sequence, with headers.
#include <doctest/doctest.h>

#include "distributed/consumers.h"
#include "distributed/jetstream.h"
#include "distributed/partitioning.h"
#include "nats_test_env.h"

namespace sesrules::distributed {
namespace {

TEST_CASE("publish: the same Nats-Msg-Id inside the duplicate window is suppressed") {
  NatsConnection& connection = test::shared_connection();
  const std::string subject = partition_subject(0, "111111111111", "us-east-1");
  auto first = publish(connection, subject, "event-a", {{kMsgIdHeader, "dedup-test-a"}});
  REQUIRE_MESSAGE(first.ok(), first.status().message());
  CHECK_FALSE(first.value().duplicate);
  auto again = publish(connection, subject, "event-a", {{kMsgIdHeader, "dedup-test-a"}});
  REQUIRE(again.ok());
  CHECK(again.value().duplicate);
  CHECK(again.value().sequence == first.value().sequence);
  auto other = publish(connection, subject, "event-b", {{kMsgIdHeader, "dedup-test-b"}});
  REQUIRE(other.ok());
  CHECK_FALSE(other.value().duplicate);
  CHECK(other.value().sequence > first.value().sequence);
}

TEST_CASE("publish: a subject no stream captures is an error naming it") {
  NatsConnection& connection = test::shared_connection();
  auto result = publish(connection, "nobody.listens.here", "x");
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().find("nobody.listens.here") != std::string::npos);
}

TEST_CASE("async publisher: bounded window, counts acks and duplicates") {
  NatsConnection& connection = test::shared_connection();
  auto publisher = AsyncPublisher::create(connection, 32);
  REQUIRE_MESSAGE(publisher.ok(), publisher.status().message());
  const std::string subject = partition_subject(1, "222222222222", "eu-west-1");
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 500; ++i) {
      Status s = publisher.value()->publish(subject, "payload", {{kMsgIdHeader, "async-" + std::to_string(i)}});
      REQUIRE_MESSAGE(s.ok(), s.message());
    }
  }
  Status flushed = publisher.value()->flush();
  REQUIRE_MESSAGE(flushed.ok(), flushed.message());
  auto counts = publisher.value()->counts();
  CHECK(counts.acked == 500);
  CHECK(counts.duplicates == 500);
  CHECK(counts.failed == 0);
}

TEST_CASE("ordered reader: one partition, from a start sequence, in order, with headers") {
  NatsConnection& connection = test::shared_connection();
  const int partition = 5;
  std::vector<std::uint64_t> sequences;
  for (int i = 0; i < 60; ++i) {
    // Interleave another partition so the filter has to skip its messages.
    auto noise = publish(connection, partition_subject(partition + 1, "333333333333", "us-west-2"), "noise");
    REQUIRE(noise.ok());
    auto result = publish(connection, partition_subject(partition, "444444444444", "us-west-2"),
                          "event-" + std::to_string(i), {{"Sesrules-Test", std::to_string(i)}});
    REQUIRE(result.ok());
    sequences.push_back(result.value().sequence);
  }
  auto marker = publish(connection, watermark_subject(partition), "wm");
  REQUIRE(marker.ok());

  const int from = 20;  // resume as a checkpoint would: from a mid-stream sequence
  auto reader = OrderedReader::open(connection, {kInStream, partition_filter(partition), sequences[from], 7});
  REQUIRE_MESSAGE(reader.ok(), reader.status().message());
  std::vector<StreamMessage> got;
  while (got.empty() || got.back().sequence != marker.value().sequence) {
    auto batch = reader.value().next(2000);
    REQUIRE_MESSAGE(batch.ok(), batch.status().message());
    REQUIRE_MESSAGE(!batch.value().empty(), "stopped after ", got.size(), " messages");
    for (auto& message : batch.value()) got.push_back(std::move(message));
  }
  REQUIRE(got.size() == static_cast<std::size_t>(60 - from + 1));
  for (int i = from; i < 60; ++i) {
    const StreamMessage& message = got[static_cast<std::size_t>(i - from)];
    CHECK(message.sequence == sequences[static_cast<std::size_t>(i)]);
    CHECK(message.data == "event-" + std::to_string(i));
    CHECK(message.header("Sesrules-Test") == std::to_string(i));
  }
  CHECK(got.back().subject == watermark_subject(partition));
  CHECK(reader.value().next_seq() == marker.value().sequence + 1);
  auto nothing = reader.value().next(200);
  REQUIRE(nothing.ok());
  CHECK(nothing.value().empty());
}

}  // namespace
}  // namespace sesrules::distributed

namespace sesrules::distributed {
namespace {

TEST_CASE("ordered reader: survives its consumer being deleted by the server") {
  NatsConnection& connection = test::shared_connection();
  const int partition = 2;
  std::uint64_t first = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = publish(connection, partition_subject(partition, "555555555555", "ap-south-1"), std::to_string(i));
    REQUIRE(r.ok());
    if (i == 0) first = r.value().sequence;
  }
  auto reader = OrderedReader::open(connection, {kInStream, "ct.p.2.555555555555.>", first, 4});
  REQUIRE(reader.ok());
  auto batch = reader.value().next(2000);
  REQUIRE(batch.ok());
  REQUIRE(batch.value().size() == 4);
  auto name = reader.value().consumer_name();
  REQUIRE_MESSAGE(name.ok(), name.status().message());
  REQUIRE(js_DeleteConsumer(connection.js(), kInStream, name.value().c_str(), nullptr, nullptr) == NATS_OK);
  std::vector<std::string> rest;
  for (int polls = 0; polls < 20 && rest.size() < 6; ++polls) {
    auto more = reader.value().next(500);
    if (!more.ok()) MESSAGE(more.status().message());
    if (!more.ok()) continue;
    for (const auto& m : more.value()) rest.push_back(m.data);
  }
  CHECK(rest == std::vector<std::string>{"4", "5", "6", "7", "8", "9"});
  CHECK(reader.value().resubscribes() >= 1);
}

}  // namespace
}  // namespace sesrules::distributed
