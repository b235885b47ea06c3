// Backfill shard planning and the shard descriptor's JSON form (backfill_plan.h).
#include "distributed/backfill_plan.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>
#include <simdjson.h>

#include "runtime/alert.h"
#include "runtime/value.h"

namespace sesrules::distributed {
namespace {

// The alert-id hash (stable across platforms, length-prefixed parts) over `parts`;
// the same trick as suppression_key, so there is one hash function to trust.
std::string stable_hash(std::string_view domain, std::vector<std::string> parts) {
  runtime::Alert identity;
  identity.rule_name = std::string(domain);
  identity.key = std::move(parts);
  return runtime::compute_alert_id(identity, "backfill").substr(0, 16);
}

std::string optional_text(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string("null");
}

std::string parent_directory(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string_view::npos) return ".";
  return slash == 0 ? "/" : std::string(path.substr(0, slash));
}

// Sorted and unique.
std::vector<std::string> unique_sorted(std::vector<std::string> directories) {
  std::sort(directories.begin(), directories.end());
  directories.erase(std::unique(directories.begin(), directories.end()), directories.end());
  return directories;
}

// The directories to walk: those without an ancestor in the (sorted) list, since the
// walker recurses and would meet a nested one twice and report a loop.
std::vector<std::string> outermost(const std::vector<std::string>& directories) {
  std::vector<std::string> out;
  for (const std::string& directory : directories) {
    bool nested = false;
    for (std::string up = directory; !nested && up != "/" && up != ".";) {
      up = parent_directory(up);
      nested = std::binary_search(directories.begin(), directories.end(), up);
    }
    if (!nested) out.push_back(directory);
  }
  return out;
}

// The delivery time in a CloudTrail file name (minute precision), if it has one.
std::optional<std::int64_t> delivery_time_ms(std::string_view path) {
  const std::string key = runtime::input_sort_key(path);
  if (key.front() != '0') return std::nullopt;  // "0" + YYYYMMDDTHHMMZ for deliveries
  auto number = [&](std::size_t at, std::size_t length) { return std::stoi(key.substr(at, length)); };
  const std::chrono::year_month_day day{std::chrono::year(number(1, 4)), std::chrono::month(number(5, 2)),
                                        std::chrono::day(number(7, 2))};
  const auto minutes = std::chrono::sys_days(day).time_since_epoch() + std::chrono::hours(number(10, 2)) +
                       std::chrono::minutes(number(12, 2));
  return std::chrono::duration_cast<std::chrono::milliseconds>(minutes).count();
}

// CloudTrail names a file by when it was delivered, after every event in it: a file
// delivered before `since` holds nothing the shard keeps. (Late deliveries make no
// such bound for `until`.)
bool delivered_before(const runtime::InputFile& file, const std::optional<std::int64_t>& since_ms) {
  if (!since_ms) return false;
  const std::optional<std::int64_t> delivered = delivery_time_ms(file.path);
  return delivered && *delivered < *since_ms;
}

std::string files_hash(const std::vector<runtime::InputFile>& files) {
  std::vector<std::string> parts;
  for (const runtime::InputFile& file : files) {
    parts.push_back(file.path);
    parts.push_back(std::to_string(file.size));
  }
  return stable_hash("backfill-files", std::move(parts));
}

std::string shard_id(const Shard& shard) {
  return shard.account + "-" + stable_hash("backfill-shard", {shard.account, optional_text(shard.since_ms),
                                                              optional_text(shard.until_ms), shard.pack_hash,
                                                              std::to_string(shard.file_count), shard.files_hash});
}

// The shard each file belongs to ("" for none: stdin).
std::string shard_account(const runtime::InputFile& file) {
  if (file.path == runtime::kStdinPath) return {};
  std::string account = account_of_file(file.path);
  return account.empty() ? std::string(kUnattributedAccount) : account;
}

void append_string(std::string& out, std::string_view text) {
  runtime::append_json(out, runtime::Value::from_string(text));
}

}  // namespace

std::string account_of_file(std::string_view path) {
  // input_sort_key starts with '0' exactly for CloudTrail delivery names.
  if (runtime::input_sort_key(path).front() != '0') return {};
  const std::size_t slash = path.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return std::string(name.substr(0, name.find("_CloudTrail_")));
}

BackfillPlan plan_shards(const std::vector<runtime::InputFile>& files, const PlanOptions& options) {
  BackfillPlan plan;
  std::map<std::string, std::vector<runtime::InputFile>> by_account;
  for (const runtime::InputFile& file : files) {
    if (delivered_before(file, options.since_ms)) {
      ++plan.files_before_since;
      continue;
    }
    ++plan.files;
    plan.bytes += file.size;
    if (account_of_file(file.path).empty()) ++plan.files_unattributed;
    const std::string account = shard_account(file);
    if (!account.empty()) by_account[account].push_back(file);
  }
  for (auto& [account, shard_files] : by_account) {
    Shard shard;
    shard.account = account;
    std::vector<std::string> parents;
    for (const runtime::InputFile& file : shard_files) {
      shard.files.push_back(file.path);
      shard.bytes += file.size;
      parents.push_back(parent_directory(file.path));
    }
    shard.directories = unique_sorted(std::move(parents));
    shard.file_count = shard_files.size();
    shard.files_hash = files_hash(shard_files);
    shard.since_ms = options.since_ms;
    shard.until_ms = options.until_ms;
    shard.pack_hash = options.pack_hash;
    shard.id = shard_id(shard);
    if (options.max_shard_bytes > 0 && shard.bytes > options.max_shard_bytes) plan.oversized.push_back(shard.id);
    plan.shards.push_back(std::move(shard));
  }
  return plan;
}

runtime::Expected<runtime::WalkResult> walk_shard(const Shard& shard) {
  const std::vector<std::string> listed = unique_sorted(shard.directories);
  runtime::WalkResult walk = runtime::collect_inputs(outermost(listed));
  if (!walk.issues.empty()) {
    return runtime::Status::error(
        fmt::format("{} input problems, first: {}", walk.issues.size(), walk.issues.front().message));
  }
  // The walk recursed: keep what the plan kept (parent directory listed, same account).
  std::erase_if(walk.files, [&](const runtime::InputFile& file) {
    const std::string parent = parent_directory(file.path);
    bool in_listed = std::binary_search(listed.begin(), listed.end(), parent);
    return !in_listed || shard_account(file) != shard.account || delivered_before(file, shard.since_ms);
  });
  if (walk.files.size() != shard.file_count || files_hash(walk.files) != shard.files_hash) {
    return runtime::Status::error(fmt::format(
        "the files under the shard's {} directories changed since planning ({} files now, {} planned): re-plan",
        shard.directories.size(), walk.files.size(), shard.file_count));
  }
  return walk;
}

std::string pack_hash(const runtime::Program& program) {
  std::vector<std::string> parts;
  for (const runtime::Rule& rule : program.rules) {
    parts.push_back(rule.name);
    parts.push_back(rule.version);
  }
  return stable_hash("rule-pack", std::move(parts));
}

std::string shard_to_json(const Shard& shard) {
  std::string out = "{\"id\":";
  append_string(out, shard.id);
  out += ",\"account\":";
  append_string(out, shard.account);
  out += ",\"directories\":[";
  for (std::size_t i = 0; i < shard.directories.size(); ++i) {
    if (i > 0) out += ',';
    append_string(out, shard.directories[i]);
  }
  out += fmt::format("],\"file_count\":{},\"files_hash\":", shard.file_count);
  append_string(out, shard.files_hash);
  out += fmt::format(",\"bytes\":{},\"since_ms\":{},\"until_ms\":{},\"pack_hash\":", shard.bytes,
                     optional_text(shard.since_ms), optional_text(shard.until_ms));
  append_string(out, shard.pack_hash);
  out += '}';
  return out;
}

namespace {

using simdjson::ondemand::object;

runtime::Status read_string(object& json, const char* field, std::string& out) {
  std::string_view text;
  if (json[field].get_string().get(text) != simdjson::SUCCESS) {
    return runtime::Status::error(fmt::format("shard descriptor: `{}` missing or not a string", field));
  }
  out = std::string(text);
  return {};
}

runtime::Status read_count(object& json, const char* field, std::uint64_t& out) {
  if (json[field].get_uint64().get(out) != simdjson::SUCCESS) {
    return runtime::Status::error(fmt::format("shard descriptor: `{}` missing or not an integer", field));
  }
  return {};
}

runtime::Status read_time(object& json, const char* field, std::optional<std::int64_t>& out) {
  auto value = json[field];
  bool is_null = false;
  if (value.is_null().get(is_null) == simdjson::SUCCESS && is_null) return {};
  std::int64_t ms = 0;
  if (value.get_int64().get(ms) != simdjson::SUCCESS) {
    return runtime::Status::error(fmt::format("shard descriptor: `{}` must be an integer or null", field));
  }
  out = ms;
  return {};
}

runtime::Status read_directories(object& json, std::vector<std::string>& out) {
  simdjson::ondemand::array directories;
  if (json["directories"].get_array().get(directories) != simdjson::SUCCESS) {
    return runtime::Status::error("shard descriptor: `directories` missing or not an array");
  }
  for (auto element : directories) {
    std::string_view path;
    if (element.get_string().get(path) != simdjson::SUCCESS) {
      return runtime::Status::error("shard descriptor: `directories` holds a non-string");
    }
    out.emplace_back(path);
  }
  return {};
}

}  // namespace

runtime::Expected<Shard> shard_from_json(std::string_view json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document document;
  object root;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS || document.get_object().get(root) != simdjson::SUCCESS) {
    return runtime::Status::error("shard descriptor: not a JSON object");
  }
  // Fields are read in the order shard_to_json writes them (on-demand reads forward).
  Shard shard;
  runtime::Status s = read_string(root, "id", shard.id);
  if (s.ok()) s = read_string(root, "account", shard.account);
  if (s.ok()) s = read_directories(root, shard.directories);
  if (s.ok()) s = read_count(root, "file_count", shard.file_count);
  if (s.ok()) s = read_string(root, "files_hash", shard.files_hash);
  if (s.ok()) s = read_count(root, "bytes", shard.bytes);
  if (s.ok()) s = read_time(root, "since_ms", shard.since_ms);
  if (s.ok()) s = read_time(root, "until_ms", shard.until_ms);
  if (s.ok()) s = read_string(root, "pack_hash", shard.pack_hash);
  if (!s.ok()) return s;
  return shard;
}

}  // namespace sesrules::distributed
