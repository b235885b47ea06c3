// `sesrules backfill plan`: walk the inputs like eval, group the files into
// per-account shards (distributed/backfill_plan.h) and queue them on CT_BACKFILL.
// Prints the plan summary on stdout; warnings (unattributed files, oversized
// shards, input issues) on stderr.
#include "cli/cmd_backfill.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/program_loading.h"
#include "cli/time_options.h"
#include "distributed/backfill_queue.h"
#include "distributed/topology.h"
#include "runtime/evaluate.h"

namespace sesrules::cli {

namespace {

struct PlanArgs {
  BackfillCommonArgs common;
  std::vector<std::string> paths;
  std::string shard_by = "account";
  std::string since, until;
  std::uint64_t max_shard_bytes = 0;
  bool dry_run = false;
};

std::string megabytes(std::uint64_t bytes) { return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6); }

void print_plan(const distributed::BackfillPlan& plan) {
  fmt::print("backfill plan: {} shards, {} files, {}", plan.shards.size(), plan.files, megabytes(plan.bytes));
  if (plan.files_before_since > 0) fmt::print(" ({} files delivered before --since left out)", plan.files_before_since);
  fmt::print("\n");
  for (const distributed::Shard& shard : plan.shards) {
    fmt::print("  {}  account {}  {} files  {}\n", shard.id, shard.account, shard.files.size(), megabytes(shard.bytes));
  }
}

void warn_about(const distributed::BackfillPlan& plan, std::uint64_t max_shard_bytes) {
  if (plan.files_unattributed > 0) {
    fmt::print(stderr,
               "sesrules backfill plan: warning: {} files are not named like CloudTrail deliveries "
               "(<account>_CloudTrail_<region>_...): they form the `{}` shard, and sequences that span them "
               "and another account's shard are not joined\n",
               plan.files_unattributed, distributed::kUnattributedAccount);
  }
  for (const std::string& id : plan.oversized) {
    fmt::print(stderr,
               "sesrules backfill plan: warning: shard {} exceeds --max-shard-bytes {}: accounts are never "
               "split (see docs/distributed.md); narrow --since/--until to plan it in parts\n",
               id, max_shard_bytes);
  }
}

// Workers walk the shards' directories again, maybe from another working directory.
std::vector<std::string> absolute_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(path, error).lexically_normal();
    std::string text = error || path == runtime::kStdinPath ? path : absolute.string();
    while (text.size() > 1 && text.ends_with('/')) text.pop_back();
    out.push_back(std::move(text));
  }
  return out;
}

int run_plan(const PlanArgs& args) {
  distributed::PlanOptions options;
  std::string error;
  if (!parse_time_option(args.since, options.since_ms, error) || !parse_time_option(args.until, options.until_ms, error)) {
    fmt::print(stderr, "sesrules backfill plan: error: {}\n", error);
    return kExitUsage;
  }
  if (std::find(args.paths.begin(), args.paths.end(), runtime::kStdinPath) != args.paths.end()) {
    fmt::print(stderr, "sesrules backfill plan: error: stdin (-) cannot be planned: workers read files\n");
    return kExitUsage;
  }
  auto program = load_backfill_program(args.common);
  if (!program) return kExitUsage;
  options.pack_hash = distributed::pack_hash(program->program());
  options.max_shard_bytes = args.max_shard_bytes;

  runtime::WalkResult inputs = runtime::collect_inputs(absolute_paths(args.paths), runtime::effective_threads(0));
  for (const runtime::InputIssue& issue : inputs.issues) {
    fmt::print(stderr, "sesrules backfill plan: warning: {}\n", issue.message);
  }
  distributed::BackfillPlan plan = distributed::plan_shards(inputs.files, options);
  print_plan(plan);
  warn_about(plan, args.max_shard_bytes);
  if (args.dry_run) return inputs.issues.empty() ? kExitOk : kExitInputError;

  auto connection = connect_backfill(args.common, "plan");
  if (!connection) return kExitOutputError;
  auto queued = distributed::queue_plan(*connection, plan);
  if (!queued.ok()) {
    fmt::print(stderr, "sesrules backfill plan: error: {}\n", queued.status().message());
    return kExitOutputError;
  }
  fmt::print("queued {} new shards on {} ({} already queued), rule pack {}\n", queued.value().queued,
             distributed::kBackfillStream, queued.value().already_queued, options.pack_hash);
  return inputs.issues.empty() ? kExitOk : kExitInputError;
}

Action register_backfill_plan(CLI::App& app) {
  auto args = std::make_shared<PlanArgs>();
  app.add_option("paths", args->paths, "Log files or folders (recursive), walked like eval")->required();
  add_backfill_common_options(app, args->common);
  app.add_option("--shard-by", args->shard_by, "Shard key (only `account`: sequence rules never cross accounts)")
      ->check(CLI::IsMember({"account"}));
  app.add_option("--since", args->since, "Only records with eventTime >= this (RFC 3339 or YYYY-MM-DD)");
  app.add_option("--until", args->until, "Only records with eventTime < this");
  app.add_option("--max-shard-bytes", args->max_shard_bytes, "Warn about shards above this size (e.g. 2GB)")
      ->transform(CLI::AsSizeValue(false));
  app.add_flag("--dry-run", args->dry_run, "Print the plan without queuing it");
  return [args] { return run_plan(*args); };
}

}  // namespace

void add_backfill_common_options(CLI::App& app, BackfillCommonArgs& args) {
  const char* env_url = std::getenv("SESRULES_NATS_URL");
  args.nats_url = env_url != nullptr ? env_url : "nats://127.0.0.1:4222";
  app.add_option("--nats", args.nats_url, "NATS server URL (default $SESRULES_NATS_URL or nats://127.0.0.1:4222)");
  app.add_option("--rules,-r", args.rules, "Rule file or folder to add (repeatable; same on plan and work)")
      ->allow_extra_args(false);
  app.add_flag("--no-builtin", args.no_builtin, "Leave the embedded SES pack out");
}

std::shared_ptr<const runtime::LoadedProgram> load_backfill_program(const BackfillCommonArgs& args) {
  ProgramRequest request;
  request.sources.paths = args.rules;
  request.sources.builtin = !args.no_builtin;
  request.use_precompiled_pack = true;
  request.color = stderr_is_terminal();
  return load_program(request);
}

std::unique_ptr<distributed::NatsConnection> connect_backfill(const BackfillCommonArgs& args, const char* verb) {
  distributed::ConnectOptions options;
  options.url = args.nats_url;
  options.name = std::string("sesrules-backfill-") + verb;
  auto connection = distributed::NatsConnection::connect(options);
  if (!connection.ok()) {
    fmt::print(stderr, "sesrules backfill {}: error: {}\n", verb, connection.status().message());
    return nullptr;
  }
  auto owned = std::make_unique<distributed::NatsConnection>(std::move(connection.value()));
  runtime::Status s = distributed::ensure_topology(*owned, distributed::TopologyOptions{});
  if (!s.ok()) {
    fmt::print(stderr, "sesrules backfill {}: error: {}\n", verb, s.message());
    return nullptr;
  }
  return owned;
}

Action register_backfill(CLI::App& app) {
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, Action>> verbs;
  CLI::App* plan = app.add_subcommand("plan", "Group log files into per-account shards and queue them on CT_BACKFILL");
  verbs.emplace_back(plan, register_backfill_plan(*plan));
  CLI::App* work = app.add_subcommand("work", "Evaluate queued shards and publish their alerts to CT_ALERTS");
  verbs.emplace_back(work, register_backfill_work(*work));
  app.footer(
      "Examples:\n"
      "  sesrules backfill plan --nats nats://nats:4222 /mnt/cloudtrail/AWSLogs\n"
      "  sesrules backfill work --nats nats://nats:4222 --exit-when-idle 60");
  return [verbs] {
    for (const auto& [sub, action] : verbs) {
      if (sub->parsed()) return action();
    }
    return static_cast<int>(kExitUsage);
  };
}

}  // namespace sesrules::cli
