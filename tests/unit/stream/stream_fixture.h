// Shared by the runtime/stream tests: the bundled pack (optionally edited), SES
// CloudTrail from tests/dist/gen_ses_stream.py in a temp dir, eval's ground truth
// (its sequence records and sequence alert ids), and a partitioned run.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/loaded_program.h"
#include "runtime/stream/partition_processor.h"

namespace sesrules::stream_test {

namespace rt = sesrules::runtime;

// Rewrites one pack file's text (path, text) -> text; identity when empty.
using PackEdit = std::function<std::string(const std::string&, const std::string&)>;
std::shared_ptr<const rt::LoadedProgram> load_pack(const PackEdit& edit = {});

// Generates `events` records into a fresh temp dir (once per argument set); the
// same records in random order are in shuffled_logs(dir) (a JSON Lines file).
std::string generated_logs(int events, int accounts, int seed);
inline std::string shuffled_logs(const std::string& dir) { return dir + ".shuffled.jsonl"; }

struct StreamRecord {
  std::string json, event_id, account;
  std::int64_t time_ms = 0;
};

struct GroundTruth {
  std::vector<StreamRecord> records;      // on_sequence_record, in order
  std::vector<std::string> alert_ids;     // sequence-rule alerts of eval, sorted
  std::int64_t end_ms = 0;                // last sequence-record time
};
GroundTruth run_eval(std::shared_ptr<const rt::LoadedProgram> program, const std::vector<std::string>& paths,
                     std::int64_t max_lateness_ms = rt::stream::ProcessorOptions{}.max_lateness_ms);

std::uint32_t partition_of(const std::string& account, std::uint32_t partitions);   // fnv1a-32 mod n

// Feeds each record to its partition's processor (position = index in `records`),
// then the final watermark; returns the sorted alert ids. With
// `forward_watermarks`, every partition gets the maximum record time seen so far
// before each record, as an adapter forwarding ingest's watermark would.
std::vector<std::string> run_partitioned(std::shared_ptr<const rt::LoadedProgram> program,
                                         const std::vector<StreamRecord>& records, std::int64_t end_ms,
                                         std::uint32_t partitions, rt::stream::ProcessorOptions options = {},
                                         bool forward_watermarks = false);

std::vector<std::string> sorted_ids(const std::vector<rt::Alert>& alerts);

}  // namespace sesrules::stream_test
