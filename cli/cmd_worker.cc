// `sesrules worker`: the stateful half of the distributed mode (distributed/worker.h,
// docs/distributed.md). Logs to stderr; the last line is a key=value summary.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/dist_options.h"
#include "cli/exit_codes.h"
#include "cli/time_options.h"
#include "distributed/worker.h"

namespace sesrules::cli {

namespace {

using runtime::Expected;
using runtime::Status;

struct WorkerArgs {
  DistArgs dist;
  std::string id;
  std::uint64_t checkpoint_every = 5000;
  double lease_ttl_s = 15;
  std::string max_lateness = "15m";
  double exit_when_idle_s = -1;
  bool omit_msg_id = false;
  std::uint64_t kill_after_alerts = 0;
  bool kill_before_final_checkpoint = false;
};

std::chrono::milliseconds seconds_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

int run_worker(const WorkerArgs& args) {
  distributed::WorkerOptions options;
  options.id = args.id;
  options.partitions = dist_partitions(args.dist);
  options.checkpoint_every = args.checkpoint_every;
  options.lease_ttl = seconds_ms(args.lease_ttl_s);
  if (args.exit_when_idle_s >= 0) options.exit_when_idle = seconds_ms(args.exit_when_idle_s);
  options.omit_alert_msg_id = args.omit_msg_id;
  options.kill = distributed::KillPoints{args.kill_after_alerts, args.kill_before_final_checkpoint};
  std::string error;
  // The id is part of a KV key (member-<id>): only the characters NATS allows there.
  if (args.id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=") !=
      std::string::npos) {
    error = "--id `" + args.id + "`: use letters, digits, '-', '_' or '='";
  }
  if (!error.empty() || !parse_duration_ms(args.max_lateness, options.processor.max_lateness_ms, error)) {
    fmt::print(stderr, "sesrules worker: error: {}\n", error);
    return kExitUsage;
  }
  auto program = load_dist_program(args.dist);
  if (!program) return kExitUsage;
  auto connection = dist_connect(args.dist, "sesrules worker " + args.id);
  if (!connection.ok()) {
    fmt::print(stderr, "sesrules worker {}: error: {}\n", args.id, connection.status().message());
    return kExitOutputError;
  }
  distributed::WorkerCounters c;
  std::uint64_t published = 0, duplicates = 0;
  Status status = distributed::run_worker(connection.value(), program, options, c, published, duplicates);
  fmt::print(stderr,
             "sesrules worker {}: summary: records={} alerts={} published={} duplicates={} checkpoints={} "
             "fenced={} lost={} acquired={} restores={} checkpoints_unreadable={} markers={} markers_bad={} "
             "events_late={} events_duplicate={}\n",
             args.id, c.records, c.alerts, published, duplicates, c.checkpoints, c.fenced, c.lost, c.acquired,
             c.restores, c.checkpoints_unreadable, c.markers, c.markers_bad, c.events_late, c.events_duplicate);
  if (!status.ok()) {
    fmt::print(stderr, "sesrules worker {}: error: {}\n", args.id, status.message());
    return kExitOutputError;
  }
  return kExitOk;
}

}  // namespace

Action register_worker(CLI::App& app) {
  auto args = std::make_shared<WorkerArgs>();
  add_dist_options(app, args->dist);
  app.add_option("--id", args->id, "This worker's name (unique among live workers)")->required();
  app.add_option("--checkpoint-every", args->checkpoint_every, "Checkpoint a partition every this many records")
      ->check(CLI::PositiveNumber);
  app.add_option("--lease-ttl", args->lease_ttl_s, "Lease length in seconds (renewed every third of it)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-lateness", args->max_lateness, "How late an event may arrive (default 15m, as eval)");
  app.add_option("--exit-when-idle", args->exit_when_idle_s,
                 "Exit once every partition saw its end marker and nothing arrived for this many seconds");
  // Test hooks, hidden from --help: the negative control and kill points.
  app.add_flag("--test-omit-alert-msg-id", args->omit_msg_id)->group("");
  app.add_option("--test-kill-after-alerts", args->kill_after_alerts)->group("");
  app.add_flag("--test-kill-before-final-checkpoint", args->kill_before_final_checkpoint)->group("");
  app.footer(
      "Examples:\n"
      "  sesrules worker --nats nats://10.0.0.5:4222 --partitions 64 --id $(hostname)\n"
      "  sesrules worker --id w1 --lease-ttl 5 --checkpoint-every 1000 --exit-when-idle 2");
  return [args] { return run_worker(*args); };
}

}  // namespace sesrules::cli
