// Checkpoints: snapshot + restore at every k-th record, with crashes that lose
// the uncommitted alerts and replay from the checkpoint position (re-feeding some
// records before it as duplicates), gives exactly eval's alerts; a changed rule
// resets only its own state; damaged snapshots are rejected with a message.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "stream_fixture.h"

namespace sesrules::stream_test {

namespace {

using rt::stream::PartitionProcessor;
using rt::stream::ProcessorOptions;
using rt::stream::RestoreReport;

PartitionProcessor restored(std::shared_ptr<const rt::LoadedProgram> program, const std::string& bytes,
                            RestoreReport* report = nullptr) {
  auto result = PartitionProcessor::restore(program, ProcessorOptions{}, bytes, report);
  REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.status().message()));
  return std::move(result.value());
}

// One partition's life under checkpoints every `every` records and crashes at
// the given indexes. Alerts count only once committed by a checkpoint.
std::vector<rt::Alert> run_with_crashes(std::shared_ptr<const rt::LoadedProgram> program,
                                        const std::vector<const StreamRecord*>& records,
                                        const std::vector<std::uint64_t>& positions, std::int64_t end_ms,
                                        std::size_t every, std::set<std::size_t> crashes) {
  PartitionProcessor processor(program, ProcessorOptions{});
  std::string checkpoint;
  std::vector<rt::Alert> committed, uncommitted;
  for (std::size_t i = 0; i < records.size();) {
    processor.on_record(records[i]->json, positions[i]);
    for (rt::Alert& a : processor.take_alerts()) uncommitted.push_back(std::move(a));
    ++i;
    if (i % every == 0) {
      for (rt::Alert& a : uncommitted) committed.push_back(std::move(a));
      uncommitted.clear();
      checkpoint = processor.snapshot();
      processor = restored(program, checkpoint);
      CHECK(processor.snapshot() == checkpoint);   // the encoding depends on the state only
    }
    if (crashes.erase(i) == 0) continue;
    uncommitted.clear();   // lost with the process
    if (checkpoint.empty()) {
      processor = PartitionProcessor(program, ProcessorOptions{});
      i = 0;
      continue;
    }
    processor = restored(program, checkpoint);
    const std::uint64_t resume = processor.position();
    i = static_cast<std::size_t>(std::upper_bound(positions.begin(), positions.end(), resume) - positions.begin());
    // Redelivered records from before the checkpoint: the dedup window drops them.
    for (std::size_t j = i >= 3 ? i - 3 : 0; j < i; ++j) processor.on_record(records[j]->json, positions[j]);
    CHECK(processor.take_alerts().empty());
  }
  processor.on_watermark(end_ms, true);
  for (rt::Alert& a : processor.take_alerts()) committed.push_back(std::move(a));
  for (rt::Alert& a : uncommitted) committed.push_back(std::move(a));
  return committed;
}

}  // namespace

TEST_CASE("checkpoint, crash and replay give eval's alerts exactly once") {
  auto program = load_pack();
  GroundTruth truth = run_eval(program, {generated_logs(6000, 12, 3)});
  const std::uint32_t partitions = 4;
  for (std::size_t every : {1u, 37u, 500u}) {
    CAPTURE(every);
    std::vector<rt::Alert> all;
    for (std::uint32_t p = 0; p < partitions; ++p) {
      std::vector<const StreamRecord*> records;
      std::vector<std::uint64_t> positions;
      for (std::size_t i = 0; i < truth.records.size(); ++i) {
        if (partition_of(truth.records[i].account, partitions) != p) continue;
        records.push_back(&truth.records[i]);
        positions.push_back(i);
      }
      std::set<std::size_t> crashes{1, every / 2 + 5, records.size() / 2, records.size() - 1, records.size()};
      for (rt::Alert& a : run_with_crashes(program, records, positions, truth.end_ms, every, crashes)) {
        all.push_back(std::move(a));
      }
    }
    CHECK(sorted_ids(all) == truth.alert_ids);
  }
}

TEST_CASE("a changed rule resets only its own state") {
  auto program = load_pack();
  const std::string changed_rule = "ses.multi_region_quota_probe";
  auto edited = load_pack([](const std::string& path, const std::string& text) {
    if (path.find("ses_sequences") == std::string::npos) return text;
    std::string out = text;
    const std::string from = "SES sandbox status probed across regions";
    out.replace(out.find(from), from.size(), "SES sandbox status probed in several regions");
    return out;
  });
  GroundTruth truth = run_eval(program, {generated_logs(6000, 12, 3)});
  const std::size_t half = truth.records.size() / 2;

  PartitionProcessor before(program, ProcessorOptions{});
  for (std::size_t i = 0; i < half; ++i) before.on_record(truth.records[i].json, i);
  std::vector<rt::Alert> alerts = before.take_alerts();
  RestoreReport report;
  PartitionProcessor after = restored(edited, before.snapshot(), &report);
  CHECK(report.changed == std::vector<std::string>{changed_rule});
  CHECK(report.added.empty());
  CHECK(report.removed.empty());
  CHECK(report.dropped_items > 0);
  CHECK(after.position() == half - 1);
  for (std::size_t i = half; i < truth.records.size(); ++i) after.on_record(truth.records[i].json, i);
  after.on_watermark(truth.end_ms, true);
  const std::size_t first_half_alerts = alerts.size();
  for (rt::Alert& a : after.take_alerts()) alerts.push_back(std::move(a));

  // Unchanged rules: exactly the uninterrupted run. The changed rule: started
  // empty, so all its evidence comes from records fed after the restore.
  std::set<std::string> second_half;
  for (std::size_t i = half; i < truth.records.size(); ++i) second_half.insert(truth.records[i].event_id);
  std::vector<std::string> unchanged;
  std::size_t changed = 0;
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    const rt::Alert& a = alerts[i];
    if (a.rule_name == changed_rule && i < first_half_alerts) continue;   // old version, before the change
    if (a.rule_name != changed_rule) {
      unchanged.push_back(a.alert_id);
      continue;
    }
    ++changed;
    for (const rt::EventPtr& e : a.events) CHECK(second_half.contains(e->event_id));
    CHECK(!std::binary_search(truth.alert_ids.begin(), truth.alert_ids.end(), a.alert_id));  // new version
  }
  std::sort(unchanged.begin(), unchanged.end());
  std::vector<std::string> expected;
  PartitionProcessor whole(program, ProcessorOptions{});
  for (std::size_t i = 0; i < truth.records.size(); ++i) whole.on_record(truth.records[i].json, i);
  whole.on_watermark(truth.end_ms, true);
  std::size_t changed_rule_alerts = 0;
  for (const rt::Alert& a : whole.take_alerts()) {
    if (a.rule_name == changed_rule) {
      ++changed_rule_alerts;
    } else {
      expected.push_back(a.alert_id);
    }
  }
  std::sort(expected.begin(), expected.end());
  CHECK(changed_rule_alerts > 0);
  CHECK(changed > 0);
  CHECK(unchanged == expected);
}

TEST_CASE("a renamed rule is reported as removed and added") {
  auto program = load_pack();
  auto renamed = load_pack([](const std::string& path, const std::string& text) {
    if (path.find("ses_sequences") == std::string::npos) return text;
    std::string out = text;
    const std::string from = "sequence multi_region_quota_probe {";
    out.replace(out.find(from), from.size(), "sequence region_quota_probe {");
    return out;
  });
  GroundTruth truth = run_eval(program, {SESRULES_SOURCE_DIR "/examples/logs"});
  PartitionProcessor processor(program, ProcessorOptions{});
  for (std::size_t i = 0; i < truth.records.size(); ++i) processor.on_record(truth.records[i].json, i);
  RestoreReport report;
  restored(renamed, processor.snapshot(), &report);
  CHECK(report.removed == std::vector<std::string>{"ses.multi_region_quota_probe"});
  CHECK(report.added == std::vector<std::string>{"ses.region_quota_probe"});
  CHECK(report.changed.empty());
}

TEST_CASE("damaged snapshots are rejected with a message") {
  auto program = load_pack();
  GroundTruth truth = run_eval(program, {generated_logs(6000, 12, 3)});
  PartitionProcessor processor(program, ProcessorOptions{});
  for (std::size_t i = 0; i < truth.records.size() / 3; ++i) processor.on_record(truth.records[i].json, i);
  const std::string good = processor.snapshot();
  REQUIRE(good.size() > 100);
  auto message = [&](const std::string& bytes) -> std::string {
    auto result = PartitionProcessor::restore(program, ProcessorOptions{}, bytes, nullptr);
    return result.ok() ? "" : result.status().message();
  };
  CHECK(message(good).empty());
  for (std::size_t size : {std::size_t{0}, std::size_t{7}, std::size_t{23}, std::size_t{24}, good.size() / 2,
                           good.size() - 1}) {
    CAPTURE(size);
    CHECK(message(good.substr(0, size)).find("truncated") != std::string::npos);
  }
  CHECK(message("XXXXXXXX" + good.substr(8)).find("magic") != std::string::npos);
  std::string version = good;
  version[8] = 9;
  CHECK(message(version).find("version 9") != std::string::npos);
  for (std::size_t at : {std::size_t{30}, good.size() / 3, good.size() - 2}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    CHECK(message(flipped).find("checksum") != std::string::npos);
  }
  // Damage behind a valid checksum (a bug or a hostile writer) reaches the decoder:
  // it must end in an error or a consistent state, never a crash.
  std::size_t errors = 0;
  const std::size_t step = std::max<std::size_t>(7, good.size() / 400);
  for (std::size_t at = 24; at < good.size(); at += step) {
    std::string payload = good.substr(24);
    payload[at - 24] = static_cast<char>(payload[at - 24] ^ 0x5a);
    std::string frame = good.substr(0, 12);
    const std::uint32_t crc = rt::stream::snapshot_checksum(payload);
    for (int i = 0; i < 4; ++i) frame.push_back(static_cast<char>(crc >> (8 * i)));
    frame += good.substr(16, 8) + payload;
    errors += message(frame).empty() ? 0 : 1;
  }
  CHECK(errors > 0);
}

}  // namespace sesrules::stream_test
