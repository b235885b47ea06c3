// Test fixture for runtime/stream (see stream_fixture.h).
#include "stream_fixture.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "compiler/compile.h"
#include "runtime/evaluate.h"
#include "stdrules/embedded.h"

namespace sesrules::stream_test {

namespace {

class CollectingSink : public rt::AlertSink {
 public:
  explicit CollectingSink(const rt::Program& program) : program_(program) {}
  rt::Status emit(const rt::Alert& alert) override {
    if (program_.rules[alert.rule].kind != rt::RuleKind::Single) ids.push_back(alert.alert_id);
    return rt::Status();
  }
  rt::Status finish(const rt::RunSummary&) override { return rt::Status(); }
  std::vector<std::string> ids;

 private:
  const rt::Program& program_;
};

}  // namespace

std::shared_ptr<const rt::LoadedProgram> load_pack(const PackEdit& edit) {
  compiler::CompileInput input;
  for (std::size_t i = 0; i < stdrules::kFileCount; ++i) {
    std::string text = stdrules::kFiles[i].text;
    if (edit) text = edit(stdrules::kFiles[i].path, text);
    input.files.emplace_back(stdrules::kFiles[i].path, std::move(text));
  }
  compiler::CompileResult result = compiler::compile(std::move(input));
  REQUIRE(result.program.has_value());
  auto loaded = rt::LoadedProgram::load(std::move(*result.program));
  REQUIRE(loaded.ok());
  return loaded.value();
}

std::string generated_logs(int events, int accounts, int seed) {
  static std::map<std::tuple<int, int, int>, std::string> made;
  auto& dir = made[{events, accounts, seed}];
  if (!dir.empty()) return dir;
  const auto base = std::filesystem::temp_directory_path() /
                    ("sesrules_stream_" + std::to_string(getpid()) + "_" + std::to_string(events) + "_" +
                     std::to_string(accounts) + "_" + std::to_string(seed));
  std::filesystem::remove_all(base);
  const std::string command = "python3 " SESRULES_SOURCE_DIR "/tests/dist/gen_ses_stream.py --out " + base.string() +
                              " --events " + std::to_string(events) + " --accounts " + std::to_string(accounts) +
                              " --seed " + std::to_string(seed) + " --shuffled " + shuffled_logs(base.string()) +
                              " > /dev/null";
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "failed: " << command);
  dir = base.string();
  return dir;
}

GroundTruth run_eval(std::shared_ptr<const rt::LoadedProgram> program, const std::vector<std::string>& paths,
                     std::int64_t max_lateness_ms) {
  GroundTruth truth;
  rt::EvalOptions options;
  options.threads = 2;
  options.max_lateness_ms = max_lateness_ms;
  rt::EvalCallbacks callbacks;
  callbacks.on_sequence_record = [&](const rt::SequenceRecordInfo& info) {
    truth.records.push_back({std::string(info.raw_json), std::string(info.event_id),
                             std::string(info.recipient_account_id), info.time_ms});
    truth.end_ms = std::max(truth.end_ms, info.time_ms);
  };
  CollectingSink sink(program->program());
  auto summary = rt::evaluate(program, rt::collect_inputs(paths), options, sink, callbacks);
  REQUIRE(summary.ok());
  truth.alert_ids = std::move(sink.ids);
  std::sort(truth.alert_ids.begin(), truth.alert_ids.end());
  return truth;
}

std::uint32_t partition_of(const std::string& account, std::uint32_t partitions) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : account) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash % partitions;
}

std::vector<std::string> sorted_ids(const std::vector<rt::Alert>& alerts) {
  std::vector<std::string> ids;
  for (const rt::Alert& alert : alerts) ids.push_back(alert.alert_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> run_partitioned(std::shared_ptr<const rt::LoadedProgram> program,
                                         const std::vector<StreamRecord>& records, std::int64_t end_ms,
                                         std::uint32_t partitions, rt::stream::ProcessorOptions options,
                                         bool forward_watermarks) {
  std::vector<rt::stream::PartitionProcessor> processors;
  for (std::uint32_t i = 0; i < partitions; ++i) processors.emplace_back(program, options);
  std::vector<rt::Alert> alerts;
  auto take = [&](rt::stream::PartitionProcessor& p) {
    for (rt::Alert& alert : p.take_alerts()) alerts.push_back(std::move(alert));
  };
  std::int64_t max_time = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (forward_watermarks && i > 0) {
      for (auto& p : processors) p.on_watermark(max_time, false);
    }
    max_time = std::max(max_time, records[i].time_ms);
    auto& processor = processors[partition_of(records[i].account, partitions)];
    processor.on_record(records[i].json, i);
    take(processor);
  }
  for (auto& processor : processors) {
    processor.on_watermark(end_ms, true);
    take(processor);
  }
  return sorted_ids(alerts);
}

}  // namespace sesrules::stream_test
