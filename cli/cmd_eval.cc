// `sesrules eval`: run rules over logs. Options map onto runtime::EvalOptions;
// progress and the run summary go to stderr, alerts to stdout or --output.
#include <cstdio>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/program_loading.h"
#include "cli/run_report.h"
#include "cli/time_options.h"
#include "runtime/evaluate.h"
#include "runtime/sinks/sinks.h"

namespace sesrules::cli {

namespace {

// Alerts are written while the run goes on (runtime/alert_queue.h): a progress
// line on the terminal is cleared first, so that an alert never shares its line.
class ProgressClearingSink final : public runtime::AlertSink {
 public:
  ProgressClearingSink(runtime::AlertSink& inner, RunReporter& reporter) : inner_(inner), reporter_(reporter) {}
  runtime::Status emit(const runtime::Alert& alert) override {
    reporter_.clear_progress();
    return inner_.emit(alert);
  }
  runtime::Status finish(const runtime::RunSummary& summary) override { return inner_.finish(summary); }

 private:
  runtime::AlertSink& inner_;
  RunReporter& reporter_;
};

struct EvalArgs {
  std::vector<std::string> paths;
  std::vector<std::string> rules;
  std::vector<std::string> select;
  std::string compiled;
  bool no_builtin = false;
  std::string format = "text";
  std::string output;
  std::string since, until;
  unsigned threads = 0;
  std::string max_lateness = "15m";
  std::size_t max_keys = 100000;
  std::uint64_t max_decompressed = 4ull << 30;
  bool quiet = false;
  bool fail_on_alert = false;
  bool profile = false;
  bool alert_ids = false;
  bool no_optimize = false;
  std::string color = "auto";
};

runtime::SinkFormat parse_format(const std::string& name) {
  if (name == "jsonl") return runtime::SinkFormat::Jsonl;
  if (name == "json") return runtime::SinkFormat::Json;
  if (name == "csv") return runtime::SinkFormat::Csv;
  return runtime::SinkFormat::Text;
}

int run_eval(const EvalArgs& args) {
  ProgramRequest request;
  request.sources.paths = args.rules;
  request.sources.builtin = !args.no_builtin;
  request.compiled_path = args.compiled;
  request.optimize = !args.no_optimize;
  request.use_precompiled_pack = true;
  request.color = stderr_is_terminal();
  auto program = load_program(request);
  if (!program) return kExitUsage;

  runtime::EvalOptions options;
  options.threads = args.threads;
  options.limits.max_keys_per_rule = args.max_keys;
  options.reader.max_decompressed_bytes = args.max_decompressed;
  options.profile = args.profile;
  std::string error;
  if (!parse_duration_ms(args.max_lateness, options.max_lateness_ms, error) ||
      !parse_time_option(args.since, options.since_ms, error) ||
      !parse_time_option(args.until, options.until_ms, error) ||
      !select_rules(program->program(), args.select, options.rule_enabled, error)) {
    fmt::print(stderr, "sesrules eval: error: {}\n", error);
    return kExitUsage;
  }

  std::vector<std::string> paths = args.paths.empty() ? std::vector<std::string>{"-"} : args.paths;
  runtime::WalkResult inputs = runtime::collect_inputs(paths, runtime::effective_threads(args.threads));

  std::FILE* out_file = stdout;
  if (!args.output.empty() && args.output != "-") {
    out_file = std::fopen(args.output.c_str(), "wb");
    if (!out_file) {
      fmt::print(stderr, "sesrules eval: error: cannot open --output {}: {}\n", args.output, std::strerror(errno));
      return kExitOutputError;
    }
  }
  runtime::OutputStream stream(out_file);
  runtime::SinkOptions sink_options;
  sink_options.format = parse_format(args.format);
  sink_options.color = args.color == "always" || (args.color == "auto" && out_file == stdout && stdout_is_terminal());
  sink_options.alert_ids = args.alert_ids;
  auto sink = runtime::make_sink(sink_options, stream);

  RunReporter reporter(args.quiet, stderr_is_terminal());
  for (const runtime::InputIssue& issue : inputs.issues) reporter.input_issue(issue);
  runtime::EvalCallbacks callbacks;
  callbacks.on_issue = [&](const runtime::ReadIssue& issue) { reporter.read_issue(issue); };
  callbacks.on_progress = [&](const runtime::Progress& progress) { reporter.progress(progress); };
  ProgressClearingSink alerts(*sink, reporter);
  auto result = runtime::evaluate(program, inputs, options, alerts, callbacks);
  int close_failed = (out_file != stdout && std::fclose(out_file) != 0);
  if (!result.ok()) {
    reporter.clear_progress();
    if (result.status().message() == "EPIPE") return kExitOk;  // reader went away: stop quietly
    fmt::print(stderr, "sesrules eval: error: {}\n", result.status().message());
    return kExitOutputError;
  }
  if (close_failed) {
    fmt::print(stderr, "sesrules eval: error: cannot write --output {}\n", args.output);
    return kExitOutputError;
  }
  reporter.summary(result.value(), program->program(), args.profile);
  if (result.value().input_errors > 0) return kExitInputError;
  if (args.fail_on_alert && result.value().alerts > 0) return kExitFindings;
  return kExitOk;
}

}  // namespace

Action register_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  app.add_option("paths", args->paths, "Log files or folders (recursive); - for stdin (default)");
  app.add_option("--rules,-r", args->rules, "Rule file or folder to add (repeatable)")->allow_extra_args(false);
  app.add_flag("--no-builtin", args->no_builtin, "Leave the embedded SES pack out");
  app.add_option("--select,-s", args->select, "Run only rules whose name matches this glob (repeatable)")->allow_extra_args(false);
  app.add_option("--compiled", args->compiled, "Run a program written by `sesrules compile`");
  app.add_option("--format,-f", args->format, "Output format")
      ->check(CLI::IsMember({"text", "jsonl", "json", "csv"}));
  app.add_option("--output,-o", args->output, "Write alerts to this file instead of stdout");
  app.add_option("--since", args->since, "Only records with eventTime >= this (RFC 3339 or YYYY-MM-DD)");
  app.add_option("--until", args->until, "Only records with eventTime < this");
  app.add_option("-j,--threads", args->threads, "Worker threads (default: all cores)");
  app.add_option("--max-lateness", args->max_lateness, "How late an event may arrive for sequence rules (default 15m)");
  app.add_option("--max-keys", args->max_keys, "Live keys kept per sequence rule before evicting the oldest");
  app.add_option("--max-decompressed-bytes", args->max_decompressed, "Cap on decompressed bytes per file");
  app.add_flag("--quiet,-q", args->quiet, "No progress bar and no summary");
  app.add_flag("--fail-on-alert", args->fail_on_alert, "Exit 1 when alerts were found (for CI)");
  app.add_flag("--profile", args->profile, "Per-rule time, dispatch and match counts in the summary");
  app.add_flag("--alert-ids", args->alert_ids, "Show alert ids in text output (always present in jsonl)");
  app.add_flag("--no-optimize", args->no_optimize, "Compile without the optimizer (for debugging rules)");
  app.add_option("--color", args->color, "Colour: auto, always, never")->check(CLI::IsMember({"auto", "always", "never"}));
  app.footer(
      "Examples:\n"
      "  sesrules eval examples/logs\n"
      "  sesrules eval -f jsonl -o alerts.jsonl AWSLogs/\n"
      "  zcat file.json.gz | sesrules eval -\n"
      "  sesrules eval --rules my-rules/ --select 'acme.*' --since 2024-01-01 logs/");
  return [args] { return run_eval(*args); };
}

}  // namespace sesrules::cli
