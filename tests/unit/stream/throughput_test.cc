// Not a test: measures on_record throughput and snapshot size at 100k sequence
// records. Skipped by default (no timing in tests); run it with
//   build/release/tests/stream_tests -tc='*throughput*' --no-skip
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "stream_fixture.h"

namespace sesrules::stream_test {

TEST_CASE("throughput and snapshot size at 100k records" * doctest::skip()) {
  auto program = load_pack();
  GroundTruth truth = run_eval(program, {generated_logs(300000, 64, 5)});
  REQUIRE_MESSAGE(truth.records.size() >= 100000, truth.records.size());
  truth.records.resize(100000);
  rt::stream::PartitionProcessor processor(program, rt::stream::ProcessorOptions{});
  std::size_t alerts = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < truth.records.size(); ++i) {
    processor.on_record(truth.records[i].json, i);
    alerts += processor.take_alerts().size();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto snap_start = std::chrono::steady_clock::now();
  const std::string snapshot = processor.snapshot();
  const double snap_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - snap_start).count();
  std::size_t bytes = 0;
  for (const StreamRecord& r : truth.records) bytes += r.json.size();
  MESSAGE(truth.records.size() << " records (" << bytes / 1e6 << " MB) in " << seconds << " s = "
                               << truth.records.size() / seconds << " records/s; " << alerts << " alerts");
  const auto counters = processor.counters();
  MESSAGE("snapshot " << snapshot.size() << " bytes in " << snap_seconds * 1e3 << " ms; live keys "
                      << counters.at("sequence_live_keys") << ", reorder held " << counters.at("reorder_held")
                      << ", dedup remembered " << counters.at("dedup_remembered"));
}

}  // namespace sesrules::stream_test

namespace sesrules::stream_test {

// Writes the fuzz seed tests/fuzz/seeds/fuzz_snapshot/examples.ckpt (skipped by
// default; rerun after a format change):
//   build/release/tests/stream_tests -tc='*fuzz seed*' --no-skip
TEST_CASE("write the fuzz seed snapshot" * doctest::skip()) {
  auto program = load_pack();
  GroundTruth truth = run_eval(program, {SESRULES_SOURCE_DIR "/examples/logs"});
  rt::stream::PartitionProcessor processor(program, rt::stream::ProcessorOptions{});
  for (std::size_t i = 0; i < truth.records.size() && i < 60; ++i) processor.on_record(truth.records[i].json, i);
  const std::string dir = SESRULES_SOURCE_DIR "/tests/fuzz/seeds/fuzz_snapshot";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/examples.ckpt", std::ios::binary) << processor.snapshot();
}

}  // namespace sesrules::stream_test
