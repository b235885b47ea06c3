// `sesrules ingest`: the stateless half of the distributed mode. Reads inputs as eval
// does, runs the single-event rules (alerts to stdout / --output like eval, and with
// --publish-alerts also to CT_ALERTS), and publishes the records that can advance a
// sequence step to CT_IN (distributed/ingest.h), then the end-of-input markers.
#include <cstdio>
#include <optional>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/dist_options.h"
#include "cli/exit_codes.h"
#include "cli/program_loading.h"
#include "cli/run_report.h"
#include "distributed/alert_publisher.h"
#include "distributed/ingest.h"
#include "distributed/topology.h"
#include "runtime/sinks/sinks.h"

namespace sesrules::cli {

namespace {

using runtime::Expected;
using runtime::Status;

struct IngestArgs {
  DistArgs dist;
  std::vector<std::string> paths;
  std::string format = "text";
  unsigned threads = 0;
  bool publish_alerts = false;
  bool quiet = false;
};

// Sequence rules run in the workers: ingest reports only single-event alerts.
class SingleEventSink : public runtime::AlertSink {
 public:
  SingleEventSink(const runtime::Program& program, runtime::AlertSink& inner, distributed::AlertPublisher* publisher)
      : program_(program), inner_(inner), publisher_(publisher) {}
  Status emit(const runtime::Alert& alert) override {
    if (program_.rules[alert.rule].kind != runtime::RuleKind::Single) return {};
    ++alerts_;
    if (publisher_ != nullptr) {
      auto published = publisher_->publish(alert);
      if (!published.ok()) return published.status();
    }
    return inner_.emit(alert);
  }
  Status finish(const runtime::RunSummary& summary) override { return inner_.finish(summary); }
  std::uint64_t alerts() const { return alerts_; }

 private:
  const runtime::Program& program_;
  runtime::AlertSink& inner_;
  distributed::AlertPublisher* publisher_;
  std::uint64_t alerts_ = 0;
};

runtime::SinkFormat sink_format(const std::string& name) {
  return name == "jsonl" ? runtime::SinkFormat::Jsonl : name == "json" ? runtime::SinkFormat::Json
       : name == "csv"   ? runtime::SinkFormat::Csv   : runtime::SinkFormat::Text;
}

int run_ingest(const IngestArgs& args) {
  auto program = load_dist_program(args.dist);
  if (!program) return kExitUsage;
  auto connection = dist_connect(args.dist, "sesrules ingest");
  Status status = connection.ok() ? Status() : connection.status();
  distributed::TopologyOptions topology;
  topology.partitions = dist_partitions(args.dist);
  if (status.ok()) status = distributed::ensure_topology(connection.value(), topology);
  auto publisher = status.ok() ? distributed::IngestPublisher::create(connection.value(), topology.partitions)
                               : Expected<std::unique_ptr<distributed::IngestPublisher>>(status);
  if (!publisher.ok()) {
    fmt::print(stderr, "sesrules ingest: error: {}\n", publisher.status().message());
    return kExitOutputError;
  }
  std::optional<distributed::AlertPublisher> alert_publisher;
  if (args.publish_alerts) alert_publisher.emplace(connection.value());

  runtime::OutputStream stream(stdout);
  runtime::SinkOptions sink_options;
  sink_options.format = sink_format(args.format);
  auto inner = runtime::make_sink(sink_options, stream);
  SingleEventSink sink(program->program(), *inner, alert_publisher ? &*alert_publisher : nullptr);
  RunReporter reporter(args.quiet, false);
  runtime::WalkResult inputs = runtime::collect_inputs(args.paths.empty() ? std::vector<std::string>{"-"} : args.paths);
  for (const runtime::InputIssue& issue : inputs.issues) reporter.input_issue(issue);
  runtime::EvalCallbacks callbacks;
  callbacks.on_issue = [&](const runtime::ReadIssue& issue) { reporter.read_issue(issue); };
  callbacks.on_sequence_record = [&](const runtime::SequenceRecordInfo& record) {
    publisher.value()->on_sequence_record(record);
  };
  runtime::EvalOptions options;
  options.threads = args.threads;
  auto result = runtime::evaluate(program, inputs, options, sink, callbacks);
  status = result.ok() ? publisher.value()->finish() : result.status();
  distributed::IngestCounts counts = publisher.value()->counts();
  fmt::print(stderr,
             "sesrules ingest: summary: read={} published={} duplicates={} failed={} markers={} single_alerts={}\n",
             result.ok() ? result.value().records : 0, counts.published, counts.duplicates, counts.failed,
             counts.markers, sink.alerts());
  if (!status.ok()) {
    fmt::print(stderr, "sesrules ingest: error: {}\n", status.message());
    return kExitOutputError;
  }
  return result.value().input_errors > 0 ? kExitInputError : kExitOk;
}

}  // namespace

Action register_ingest(CLI::App& app) {
  auto args = std::make_shared<IngestArgs>();
  app.add_option("paths", args->paths, "Log files or folders (recursive); - for stdin (default)");
  add_dist_options(app, args->dist);
  app.add_option("--format,-f", args->format, "Format of the single-event alerts on stdout")
      ->check(CLI::IsMember({"text", "jsonl", "json", "csv"}));
  app.add_option("-j,--threads", args->threads, "Reader threads (default: all cores)");
  app.add_flag("--publish-alerts", args->publish_alerts, "Also publish single-event alerts to CT_ALERTS");
  app.add_flag("--quiet,-q", args->quiet, "No input-issue messages");
  app.footer(
      "Examples:\n"
      "  sesrules ingest --nats nats://10.0.0.5:4222 --partitions 64 AWSLogs/\n"
      "  zcat file.json.gz | sesrules ingest -f jsonl -");
  return [args] { return run_ingest(*args); };
}

}  // namespace sesrules::cli
