// Tests partitioning.cc: subject building and parsing, and partition_of against the
// real server's partition() mapping (publish to ct.in.<account>.<region>, read back
// the ct.p.<n>... subjects CT_IN stored).
#include <doctest/doctest.h>

#include <map>

#include "distributed/consumers.h"
#include "distributed/partitioning.h"
#include "nats_test_env.h"

namespace sesrules::distributed {
namespace {

TEST_CASE("partitioned subjects: build and parse") {
  CHECK(partition_subject(3, "123456789012", "us-east-1") == "ct.p.3.123456789012.us-east-1");
  CHECK(watermark_subject(7) == "ct.p.7.wm");
  CHECK(partition_filter(7) == "ct.p.7.>");
  CHECK(alert_subject("ses.probe") == "ct.alerts.ses_probe");
  CHECK(subject_token("") == "_");
  CHECK(subject_token("a b.c*>") == "a_b_c__");

  auto parsed = parse_partitioned_subject("ct.p.12.123456789012.eu-west-1");
  REQUIRE(parsed);
  CHECK(parsed->partition == 12);
  CHECK_FALSE(parsed->marker);
  CHECK(parsed->account == "123456789012");
  CHECK(parsed->region == "eu-west-1");
  auto marker = parse_partitioned_subject("ct.p.4.wm");
  REQUIRE(marker);
  CHECK(marker->marker);
  CHECK(marker->partition == 4);
  for (const char* bad : {"ct.p.x.a.b", "ct.p.1", "ct.in.1.a.b", "ct.p.-1.a.b", "ct.p.1.a.b.c", "ct.p.1..b", ""}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_partitioned_subject(bad));
  }
  CHECK(server_mapping_config(16).find("ct.p.{{partition(16,1)}}.{{wildcard(1)}}.{{wildcard(2)}}") !=
        std::string::npos);
}

TEST_CASE("partition_of equals the server's partition() mapping") {
  NatsConnection& connection = test::shared_connection();
  const int n = test::partitions();
  std::uint64_t first = 0;
  const int accounts = 300;
  for (int i = 0; i < accounts; ++i) {
    std::string account = std::to_string(100000000000LL + i * 7919LL);
    auto result = publish(connection, ingest_subject(account, "us-east-1"), "x");
    REQUIRE_MESSAGE(result.ok(), result.status().message());
    if (i == 0) first = result.value().sequence;
  }
  auto reader = OrderedReader::open(connection, {kInStream, "ct.p.*.*.us-east-1", first, 512});
  REQUIRE_MESSAGE(reader.ok(), reader.status().message());
  int seen = 0;
  std::map<int, int> per_partition;
  while (seen < accounts) {
    auto batch = reader.value().next(2000);
    REQUIRE_MESSAGE(batch.ok(), batch.status().message());
    REQUIRE_MESSAGE(!batch.value().empty(), "CT_IN returned no more mapped messages after ", seen);
    for (const auto& message : batch.value()) {
      auto parsed = parse_partitioned_subject(message.subject);
      REQUIRE(parsed);
      CAPTURE(message.subject);
      CHECK(parsed->partition == partition_of(parsed->account, n));
      ++per_partition[parsed->partition];
      ++seen;
    }
  }
  CHECK(per_partition.size() == static_cast<std::size_t>(n));  // 300 accounts reach every partition
}

}  // namespace
}  // namespace sesrules::distributed
