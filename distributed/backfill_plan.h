// Backfill planning: the files of an input walk grouped into shards that backfill
// workers evaluate independently (docs/distributed.md, "Backfill").
//
// A shard is one account, all its regions, the whole requested time range: every
// sequence rule keys within one account (partitioning by recipientAccountId rests on
// the same fact), so evaluating an account's files alone gives exactly the alerts a
// single `eval` gives for that account. Accounts are never split by time: an overlap
// cut would change what sequence state (suppression, thresholds, consumed partials)
// carries over the cut. An account larger than max_shard_bytes is reported as
// oversized instead. The account comes from the CloudTrail delivery file name
// (`<account>_CloudTrail_<region>_<time>_<id>.json.gz`); other files, whose records
// may belong to any account, go to one "unattributed" shard, counted in the summary.
// With a `since`, files whose delivery time (in the name) is earlier are left out:
// CloudTrail delivers a file after every event in it.
//
// Shard ids hash the account, files, range and pack hash, so planning the same
// input twice gives the same ids (Nats-Msg-Id: re-planning queues nothing new).
// No NATS here. Tested by tests/unit/distributed/backfill_test.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/program.h"
#include "runtime/readers/input_walk.h"

namespace sesrules::distributed {

inline constexpr const char* kUnattributedAccount = "unattributed";

struct Shard {
  std::string id;       // "<account>-<16 hex>"
  std::string account;  // kUnattributedAccount for files not named like deliveries
  // What the descriptor carries: the files' parent directories (sorted, unique; a
  // CloudTrail day folder holds one account and region), the
  // number of files and a hash of their paths and sizes. A file list would outgrow
  // NATS' max_payload after about a day of one account (288 files a region a day).
  std::vector<std::string> directories;
  std::uint64_t file_count = 0;
  std::string files_hash;
  std::vector<std::string> files;  // in input-walk order; planner side only
  std::uint64_t bytes = 0;         // on disk when planned
  std::optional<std::int64_t> since_ms, until_ms;  // eventTime range [since, until)
  std::string pack_hash;           // rule pack the plan was made for (pack_hash())
};

struct PlanOptions {
  std::optional<std::int64_t> since_ms, until_ms;
  std::uint64_t max_shard_bytes = 0;  // 0: no limit; larger accounts are reported
  std::string pack_hash;
};

struct BackfillPlan {
  std::vector<Shard> shards;              // sorted by account
  std::vector<std::string> oversized;     // shard ids above max_shard_bytes
  std::uint64_t files = 0, bytes = 0;
  std::uint64_t files_unattributed = 0;
  std::uint64_t files_before_since = 0;  // delivered before --since: left out, not in `files`
};

// The account of a CloudTrail delivery file name, or "" for any other file.
std::string account_of_file(std::string_view path);

// `files` as collect_inputs returns them (sorted), with absolute paths (workers
// re-walk the directories and must find the same path strings); stdin ("-") is left
// out and counted as unattributed (it cannot be re-read by another process).
BackfillPlan plan_shards(const std::vector<runtime::InputFile>& files, const PlanOptions& options);

// 16 hex digits over every rule's name and version: a worker with different rules
// would give different alerts (and alert ids), so it must refuse the shard.
std::string pack_hash(const runtime::Program& program);

// The worker side: walks `shard.directories` again (the outermost ones: the walk
// recurses) and keeps the files directly in one of them that belong to the shard's
// account. An error (naming the first problem)
// when the walk reports an issue (missing, unreadable) or the files differ from the
// plan (count or files_hash: the archive changed since planning, re-plan).
runtime::Expected<runtime::WalkResult> walk_shard(const Shard& shard);

// The shard descriptor published to CT_BACKFILL, one JSON object:
// {"id","account","directories":[...],"file_count","files_hash","bytes","since_ms",
//  "until_ms" (null when open),"pack_hash"}. `files` is not part of it.
std::string shard_to_json(const Shard& shard);
runtime::Expected<Shard> shard_from_json(std::string_view json);

}  // namespace sesrules::distributed
