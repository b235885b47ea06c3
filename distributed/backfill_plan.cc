// Backfill shard planning and the shard descriptor's JSON form (backfill_plan.h).
#include "distributed/backfill_plan.h"

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

std::string shard_id(const Shard& shard) {
  std::vector<std::string> parts = {shard.account, optional_text(shard.since_ms), optional_text(shard.until_ms),
                                    shard.pack_hash};
  parts.insert(parts.end(), shard.files.begin(), shard.files.end());
  return shard.account + "-" + stable_hash("backfill-shard", std::move(parts));
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
  std::map<std::string, Shard> by_account;
  for (const runtime::InputFile& file : files) {
    ++plan.files;
    plan.bytes += file.size;
    std::string account = account_of_file(file.path);
    if (account.empty()) {
      ++plan.files_unattributed;
      if (file.path == runtime::kStdinPath) continue;
      account = kUnattributedAccount;
    }
    Shard& shard = by_account[account];
    shard.account = account;
    shard.files.push_back(file.path);
    shard.bytes += file.size;
  }
  for (auto& [account, shard] : by_account) {
    shard.since_ms = options.since_ms;
    shard.until_ms = options.until_ms;
    shard.pack_hash = options.pack_hash;
    shard.id = shard_id(shard);
    if (options.max_shard_bytes > 0 && shard.bytes > options.max_shard_bytes) plan.oversized.push_back(shard.id);
    plan.shards.push_back(std::move(shard));
  }
  return plan;
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
  out += ",\"files\":[";
  for (std::size_t i = 0; i < shard.files.size(); ++i) {
    if (i > 0) out += ',';
    append_string(out, shard.files[i]);
  }
  out += fmt::format("],\"bytes\":{},\"since_ms\":{},\"until_ms\":{},\"pack_hash\":", shard.bytes,
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

runtime::Status read_files(object& json, std::vector<std::string>& out) {
  simdjson::ondemand::array files;
  if (json["files"].get_array().get(files) != simdjson::SUCCESS) {
    return runtime::Status::error("shard descriptor: `files` missing or not an array");
  }
  for (auto element : files) {
    std::string_view path;
    if (element.get_string().get(path) != simdjson::SUCCESS) {
      return runtime::Status::error("shard descriptor: `files` holds a non-string");
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
  std::uint64_t bytes = 0;
  runtime::Status s = read_string(root, "id", shard.id);
  if (s.ok()) s = read_string(root, "account", shard.account);
  if (s.ok()) s = read_files(root, shard.files);
  if (s.ok() && root["bytes"].get_uint64().get(bytes) != simdjson::SUCCESS) {
    s = runtime::Status::error("shard descriptor: `bytes` missing or not an integer");
  }
  if (s.ok()) s = read_time(root, "since_ms", shard.since_ms);
  if (s.ok()) s = read_time(root, "until_ms", shard.until_ms);
  if (s.ok()) s = read_string(root, "pack_hash", shard.pack_hash);
  if (!s.ok()) return s;
  shard.bytes = bytes;
  return shard;
}

}  // namespace sesrules::distributed
