// PartitionProcessor (see partition_processor.h): a RecordReader over one record's
// bytes, a RecordEvaluator limited to sequence rules, and a SequencePipeline.
#include "runtime/stream/partition_processor.h"

namespace sesrules::runtime::stream {

namespace {

const std::string kStreamFile = "<stream>";   // EventRecord::file of streamed evidence

std::vector<bool> sequence_rules_only(const Program& program) {
  std::vector<bool> enabled;
  for (const Rule& rule : program.rules) enabled.push_back(rule.kind != RuleKind::Single);
  return enabled;
}

}  // namespace

PartitionProcessor::PartitionProcessor(std::shared_ptr<const LoadedProgram> program, ProcessorOptions options)
    : program_(program),
      options_(options),
      pipeline_(std::make_unique<SequencePipeline>(program, options.max_lateness_ms, options.limits, false)),
      reader_(std::make_unique<RecordReader>(program->program(), options.reader)),
      evaluator_(std::make_unique<RecordEvaluator>(
          program, std::make_shared<const DispatchIndex>(program->program()),
          RecordEvalOptions{sequence_rules_only(program->program()), false, false, false})) {}

PartitionProcessor::PartitionProcessor(PartitionProcessor&&) noexcept = default;
PartitionProcessor& PartitionProcessor::operator=(PartitionProcessor&&) noexcept = default;
PartitionProcessor::~PartitionProcessor() = default;

void PartitionProcessor::on_record(std::string_view json, std::uint64_t position) {
  state_.position = position;
  state_.has_position = true;
  ++state_.counters["records"];
  if (state_.finished) {
    ++state_.counters["records_after_final"];
    return;
  }
  std::uint64_t delivered = 0;
  matched_.clear();
  const FileStats stats = reader_->read_buffer(
      kStreamFile, json, 0,
      [&](const RecordView& record) {
        ++delivered;
        evaluator_->evaluate(record, kStreamFile, matched_, state_.counters);
      },
      [&](const ReadIssue& issue) { ++state_.counters[issue.reason]; });
  // The prefilter skips, unparsed, records that no rule can match.
  if (matched_.empty()) ++state_.counters[delivered + stats.records_prefiltered > 0 ? "records_no_sequence_step"
                                                                                 : "records_unreadable"];
  if (delivered + stats.records_prefiltered > 1) ++state_.counters["records_multiple_in_one"];
  for (MatchedRecord& record : matched_) consume(record);
  pipeline_->advance();
}

void PartitionProcessor::consume(MatchedRecord& record) {
  if (record.sequence_items.empty()) return;   // single-event rules are disabled here
  if (!pipeline_->admit(record)) return;   // counted by the deduper
  pipeline_->push(record);
}

void PartitionProcessor::on_watermark(std::int64_t t_ms, bool final) {
  if (state_.finished) return;
  pipeline_->observe(t_ms);
  if (!final) {
    pipeline_->advance();
    return;
  }
  pipeline_->finish(t_ms);
  state_.finished = true;
}

std::vector<Alert> PartitionProcessor::take_alerts() {
  std::vector<Alert> alerts;
  pipeline_->take_alerts(alerts);
  const Program& program = program_->program();
  for (Alert& alert : alerts) alert.alert_id = compute_alert_id(alert, program.rules[alert.rule].version);
  state_.counters["alerts"] += alerts.size();
  return alerts;
}

std::map<std::string, std::uint64_t> PartitionProcessor::counters() const {
  std::map<std::string, std::uint64_t> out = state_.counters;
  out["events_late"] = pipeline_->reorder().late();
  out["events_duplicate"] = pipeline_->dedup().duplicates();
  out["reorder_held"] = pipeline_->reorder().size();
  out["dedup_remembered"] = pipeline_->dedup().size();
  const Program& program = program_->program();
  for (std::uint32_t i = 0; i < program.rules.size(); ++i) {
    if (program.rules[i].kind == RuleKind::Single) continue;
    const SequenceStats& stats = pipeline_->engine().stats(i);
    out["alerts_suppressed"] += stats.suppressed;
    out["sequence_keys_evicted"] += stats.evicted_keys;
    out["sequence_live_keys"] += stats.live_keys;
    out["absence_pending_at_end"] += stats.absence_pending_at_end;
  }
  return out;
}

std::string PartitionProcessor::snapshot() const { return write_snapshot(*pipeline_, state_); }

Expected<PartitionProcessor> PartitionProcessor::restore(std::shared_ptr<const LoadedProgram> program,
                                                         ProcessorOptions options, std::string_view bytes,
                                                         RestoreReport* report) {
  PartitionProcessor processor(std::move(program), options);
  Status status = read_snapshot(bytes, *processor.pipeline_, processor.state_, report);
  if (!status.ok()) return status;
  return processor;
}

}  // namespace sesrules::runtime::stream
