// `sesrules backfill work`: a backfill worker (distributed/backfill_queue.h). Prints
// one JSON line per shard event on stdout (published, acked, failed, refused,
// malformed) so that orchestration and tests can follow it, and a summary on stderr.
// Exit code 3 when any shard failed, was refused or was malformed, or held damaged
// input (skipped and counted as in eval, whose exit code is 3 then too).
#include <fmt/format.h>

#include "cli/cmd_backfill.h"
#include "cli/exit_codes.h"
#include "cli/time_options.h"
#include "distributed/backfill_queue.h"
#include "runtime/value.h"

namespace sesrules::cli {

namespace {

struct WorkArgs {
  BackfillCommonArgs common;
  double exit_when_idle_s = -1;
  double ack_wait_s = 30;
  double retry_delay_s = 10;
  unsigned threads = 0;
  std::string max_lateness = "15m";
  std::size_t max_keys = 100000;
  int pause_before_ack_ms = 0;
};

std::string outcome_json(const distributed::ShardOutcome& outcome) {
  std::string out = "{\"shard\":";
  runtime::append_json(out, runtime::Value::from_string(outcome.shard_id));
  out += ",\"account\":";
  runtime::append_json(out, runtime::Value::from_string(outcome.account));
  out += ",\"status\":";
  runtime::append_json(out, runtime::Value::from_string(outcome.status));
  out += fmt::format(",\"delivery\":{},\"alerts\":{},\"published\":{},\"duplicates\":{},\"input_errors\":{}",
                     outcome.delivery, outcome.alerts, outcome.published, outcome.duplicates, outcome.input_errors);
  if (!outcome.message.empty()) {
    out += ",\"message\":";
    runtime::append_json(out, runtime::Value::from_string(outcome.message));
  }
  out += '}';
  return out;
}

void print_outcome(const distributed::ShardOutcome& outcome) {
  fmt::print("{}\n", outcome_json(outcome));
  std::fflush(stdout);  // a test may kill -9 right after reading this line
  if (outcome.status == "failed" || outcome.status == "refused" || outcome.status == "malformed") {
    fmt::print(stderr, "sesrules backfill work: shard {} {}: {}\n", outcome.shard_id, outcome.status, outcome.message);
  } else if (outcome.status == "acked" && !outcome.message.empty()) {
    fmt::print(stderr, "sesrules backfill work: warning: shard {}: {}\n", outcome.shard_id, outcome.message);
  }
}

int milliseconds(double seconds) { return seconds < 0 ? -1 : static_cast<int>(seconds * 1000); }

int run_work(const WorkArgs& args) {
  distributed::BackfillWorkOptions options;
  std::string error;
  if (!parse_duration_ms(args.max_lateness, options.eval.max_lateness_ms, error)) {
    fmt::print(stderr, "sesrules backfill work: error: {}\n", error);
    return kExitUsage;
  }
  options.eval.threads = args.threads;
  options.eval.limits.max_keys_per_rule = args.max_keys;
  options.ack_wait_ms = std::max(milliseconds(args.ack_wait_s), 100);
  options.exit_when_idle_ms = milliseconds(args.exit_when_idle_s);
  options.retry_delay_ms = std::max(milliseconds(args.retry_delay_s), 0);
  options.pause_before_ack_ms = args.pause_before_ack_ms;
  auto program = load_backfill_program(args.common);
  if (!program) return kExitUsage;
  options.pack_hash = distributed::pack_hash(program->program());

  auto connection = connect_backfill(args.common, "work");
  if (!connection) return kExitOutputError;
  auto summary = distributed::run_backfill_worker(*connection, program, options, print_outcome);
  if (!summary.ok()) {
    const std::string& message = summary.status().message();
    fmt::print(stderr, "sesrules backfill work: error: {}{}\n", message,
               message.find("ack wait") != std::string::npos
                   ? " (--ack-wait must be the same on every worker: the shared durable consumer keeps the first one's)"
                   : "");
    return kExitOutputError;
  }
  const distributed::BackfillWorkSummary& s = summary.value();
  fmt::print(stderr,
             "sesrules backfill work: {} shards acked, {} failed, {} refused, {} malformed; {} alerts: {} published, "
             "{} duplicates suppressed; {} damaged input units skipped\n",
             s.acked, s.failed, s.refused, s.malformed, s.alerts, s.published, s.duplicates, s.input_errors);
  return s.failed + s.refused + s.malformed + s.input_errors > 0 ? kExitInputError : kExitOk;
}

}  // namespace

Action register_backfill_work(CLI::App& app) {
  auto args = std::make_shared<WorkArgs>();
  add_backfill_common_options(app, args->common);
  app.add_option("--exit-when-idle", args->exit_when_idle_s, "Exit after this many seconds without a shard to do");
  app.add_option("--ack-wait", args->ack_wait_s,
                 "Seconds without a heartbeat before a shard goes to another worker (default 30)");
  app.add_option("--retry-delay", args->retry_delay_s, "Seconds before a failed or refused shard is redelivered");
  app.add_option("-j,--threads", args->threads, "Evaluation threads per shard (default: all cores)");
  app.add_option("--max-lateness", args->max_lateness, "As in eval (default 15m): must match for identical alerts");
  app.add_option("--max-keys", args->max_keys, "As in eval: live keys kept per sequence rule");
  // Tests only: holds a published shard before its ack, so a kill -9 lands mid-shard.
  app.add_option("--test-pause-before-ack-ms", args->pause_before_ack_ms)->group("");
  return [args] { return run_work(*args); };
}

}  // namespace sesrules::cli
