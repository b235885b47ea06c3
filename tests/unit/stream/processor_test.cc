// PartitionProcessor's handling of bad or irrelevant input: counted, never fatal.
#include <doctest/doctest.h>

#include "stream_fixture.h"

namespace sesrules::stream_test {

TEST_CASE("unreadable, irrelevant and post-final records are counted") {
  auto program = load_pack();
  rt::stream::PartitionProcessor processor(program, rt::stream::ProcessorOptions{});
  processor.on_record("{not json", 1);
  processor.on_record("", 2);
  processor.on_record(R"({"eventTime":"2024-06-03T00:00:00Z","eventID":"e1","eventSource":"s3.amazonaws.com",)"
                      R"("eventName":"GetObject","recipientAccountId":"111122223333"})",
                      3);
  CHECK(processor.position() == 3);
  processor.on_watermark(0, true);
  processor.on_record("{}", 4);
  const auto counters = processor.counters();
  CHECK(counters.at("records") == 4);
  CHECK(counters.at("records_unreadable") == 2);   // the empty one too
  CHECK(counters.at("records_no_sequence_step") == 1);
  CHECK(counters.at("records_after_final") == 1);
  CHECK(processor.take_alerts().empty());
  auto again = rt::stream::PartitionProcessor::restore(program, {}, processor.snapshot(), nullptr);
  REQUIRE(again.ok());
  CHECK(again.value().counters().at("records_after_final") == 1);
  CHECK(again.value().position() == 4);
}

}  // namespace sesrules::stream_test
