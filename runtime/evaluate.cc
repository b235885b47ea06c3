#include "runtime/evaluate.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

#include "runtime/alert_queue.h"
#include "runtime/record_eval.h"
#include "runtime/sequence_pipeline.h"

namespace sesrules::runtime {

namespace {

using Clock = std::chrono::steady_clock;

// What a worker hands to the merge for one file.
struct FileResult {
  FileStats stats;
  std::vector<ReadIssue> issues;
  std::vector<MatchedRecord> records;
  std::map<std::string, std::uint64_t> counters;
};

// The single-threaded half: dedup, reorder, sequence engine, and alerts written
// in alert_less order as soon as nothing found later can come before them.
class Merger {
 public:
  Merger(std::shared_ptr<const LoadedProgram> program, const EvalOptions& options, RunSummary& summary,
         const EvalCallbacks& callbacks, AlertSink& sink)
      : program_(program),
        options_(options),
        summary_(summary),
        callbacks_(callbacks),
        sink_(sink),
        pipeline_(program, options.max_lateness_ms, options.limits, options.coverage),
        emit_([this](Alert& alert) { emit(alert); }) {
    const std::vector<Rule>& rules = program->program().rules;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const bool enabled = options.rule_enabled.empty() || options.rule_enabled[i];
      has_sequences_ |= enabled && rules[i].kind != RuleKind::Single;
    }
  }

  void consume(FileResult& result) {
    for (MatchedRecord& record : result.records) consume_record(record);
    pipeline_.advance();
    take_sequence_alerts();
    queue_.release_before(frontier(), emit_);
  }

  // The run's first failed write, if any (nothing is written after it).
  Status finish() {
    pipeline_.finish(std::nullopt);
    take_sequence_alerts();
    queue_.release_all(emit_);
    summary_.counters["events_late"] += pipeline_.reorder().late();
    summary_.counters["events_duplicate"] += pipeline_.dedup().duplicates();
    summary_.counters["alerts_out_of_order"] += queue_.out_of_order();
    summary_.peak_reorder_buffer = pipeline_.reorder().peak_size();
    collect_sequence_stats();
    const auto& hits = pipeline_.relations().coverage();
    if (summary_.coverage.size() < hits.size()) summary_.coverage.resize(hits.size(), 0);
    for (std::size_t i = 0; i < hits.size(); ++i) summary_.coverage[i] += hits[i];
    return status_;
  }

 private:
  void consume_record(MatchedRecord& record) {
    if (callbacks_.on_sequence_record && !record.sequence_items.empty()) report_sequence_record(record);
    if (!pipeline_.admit(record)) return;
    if (record.has_time) newest_ms_ = std::max(newest_ms_, record.time_ms);
    for (Alert& alert : record.singles) queue_.push(std::move(alert));
    pipeline_.push(record);
  }

  void take_sequence_alerts() {
    pipeline_.take_alerts(sequence_alerts_);
    for (Alert& alert : sequence_alerts_) queue_.push(std::move(alert));
    sequence_alerts_.clear();
  }

  // Every alert found from now on is at or after this time, unless its record is
  // later than the lateness horizon (AlertQueue counts those): a single-event
  // alert has its record's time, and one not that late is within max_lateness of
  // the newest matched record; a sequence alert is never before the reorder
  // watermark, which only sequence events move (so with sequence rules loaded,
  // alerts wait for it).
  std::int64_t frontier() const {
    constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();
    std::int64_t frontier = newest_ms_ == kNone ? kNone : newest_ms_ - options_.max_lateness_ms;
    if (has_sequences_) frontier = std::min(frontier, pipeline_.reorder().watermark());
    return frontier;
  }

  // In alert_less order: single-event suppression, the alert id, the counts, the sink.
  void emit(Alert& alert) {
    const Rule& rule = program_->program().rules[alert.rule];
    if (suppressed(rule, alert)) return;
    // A Single rule's alert already has its id from alert_from_event, over the same
    // name, version, key and event; sequence evidence may have been reordered since.
    const bool id_current = rule.kind == RuleKind::Single && !alert.alert_id.empty();
    if (options_.with_alert_ids && !id_current) alert.alert_id = compute_alert_id(alert, rule.version);
    ++summary_.alerts_per_rule[alert.rule_name];
    ++summary_.alerts;
    if (status_.ok()) status_ = sink_.emit(alert);
  }

  // Single-event rules with `by` + `suppress`: one alert per key and period.
  bool suppressed(const Rule& rule, const Alert& alert) {
    if (rule.kind != RuleKind::Single || rule.suppress_ms <= 0 || alert.key.empty()) return false;
    auto [it, inserted] = last_single_.try_emplace({alert.rule, alert.key}, alert.time_ms);
    if (inserted) return false;
    if (alert.time_ms < it->second + rule.suppress_ms) {
      ++summary_.counters["alerts_suppressed"];
      return true;
    }
    it->second = alert.time_ms;
    return false;
  }

  // Before dedup: a consumer of these records runs the same dedup itself.
  void report_sequence_record(const MatchedRecord& record) {
    const EventRecord& event = *record.sequence_items.front().event;
    callbacks_.on_sequence_record(
        SequenceRecordInfo{record.raw_json, record.event_id, record.time_ms, event.recipient_account, event.aws_region});
  }

  void collect_sequence_stats() {
    const Program& program = program_->program();
    for (std::uint32_t i = 0; i < program.rules.size(); ++i) {
      if (program.rules[i].kind == RuleKind::Single) continue;
      const SequenceStats& stats = pipeline_.engine().stats(i);
      summary_.counters["sequence_keys_evicted"] += stats.evicted_keys;
      summary_.counters["alerts_suppressed"] += stats.suppressed;
      summary_.counters["absence_pending_at_end"] += stats.absence_pending_at_end;
      summary_.peak_live_keys = std::max(summary_.peak_live_keys, stats.peak_live_keys);
    }
  }

  std::shared_ptr<const LoadedProgram> program_;
  const EvalOptions& options_;
  RunSummary& summary_;
  const EvalCallbacks& callbacks_;
  AlertSink& sink_;
  SequencePipeline pipeline_;
  AlertQueue queue_;
  const AlertQueue::Emit emit_;
  std::vector<Alert> sequence_alerts_;
  std::map<std::pair<std::uint32_t, std::vector<std::string>>, std::int64_t> last_single_;
  std::int64_t newest_ms_ = std::numeric_limits<std::int64_t>::min();
  bool has_sequences_ = false;
  Status status_;
};

bool in_time_filter(const RecordView& record, const EvalOptions& options) {
  if (!options.since_ms && !options.until_ms) return true;
  if (!record.has_time) return false;
  if (options.since_ms && record.time_ms < *options.since_ms) return false;
  if (options.until_ms && record.time_ms >= *options.until_ms) return false;
  return true;
}

// One worker's reusable state: a reader and an evaluator.
class Worker {
 public:
  Worker(std::shared_ptr<const LoadedProgram> program, std::shared_ptr<const DispatchIndex> dispatch,
         const EvalOptions& options, bool keep_raw_json)
      : options_(options),
        reader_(program->program(), options.reader),
        evaluator_(program, std::move(dispatch),
                   RecordEvalOptions{options.rule_enabled, options.profile, options.coverage, keep_raw_json}) {}

  FileResult run(const InputFile& file, std::uint32_t index) {
    FileResult result;
    result.stats = reader_.read_file(
        file, index,
        [&](const RecordView& record) {
          if (!in_time_filter(record, options_)) {
            ++result.counters["records_outside_time_filter"];
            return;
          }
          evaluator_.evaluate(record, file.path, result.records, result.counters);
        },
        [&](const ReadIssue& issue) { result.issues.push_back(issue); });
    return result;
  }

  const RecordEvaluator& evaluator() const { return evaluator_; }

 private:
  const EvalOptions& options_;
  RecordReader reader_;
  RecordEvaluator evaluator_;
};

void add_file_stats(RunSummary& summary, const FileResult& result) {
  const FileStats& stats = result.stats;
  ++summary.files;
  summary.bytes_on_disk += stats.bytes_on_disk;
  summary.bytes_decompressed += stats.bytes_decompressed;
  summary.records += stats.records;
  summary.records_prefiltered += stats.records_prefiltered;
  if (stats.unreadable) ++summary.files_unreadable;
  for (const auto& [reason, count] : stats.skipped) summary.counters[reason] += count;
  for (const auto& [reason, count] : result.counters) summary.counters[reason] += count;
  if (stats.unreadable || !result.issues.empty()) summary.input_errors += std::max<std::size_t>(1, result.issues.size());
}

void add_profiles(RunSummary& summary, const Program& program, const std::vector<std::unique_ptr<Worker>>& workers,
                  bool profile) {
  for (const auto& worker : workers) {
    summary.records_dispatched += worker->evaluator().records_dispatched();
    summary.counters["vm_budget_exhausted"] += worker->evaluator().vm_budget_exhausted();
    const auto& hits = worker->evaluator().coverage();
    if (summary.coverage.size() < hits.size()) summary.coverage.resize(hits.size(), 0);
    for (std::size_t i = 0; i < hits.size(); ++i) summary.coverage[i] += hits[i];
    if (!profile) continue;
    const auto& rules = worker->evaluator().profile();
    for (std::size_t i = 0; i < rules.size(); ++i) {
      RuleProfile& total = summary.profile[program.rules[i].name];
      total.dispatched += rules[i].dispatched;
      total.matched += rules[i].matched;
      total.nanoseconds += rules[i].nanoseconds;
    }
  }
}

// Runs workers over the files and hands results to `consume` strictly in file order.
template <typename Consume>
void run_files(const WalkResult& inputs, std::vector<std::unique_ptr<Worker>>& workers, Consume consume) {
  const std::size_t n = inputs.files.size();
  if (workers.size() == 1) {
    for (std::size_t i = 0; i < n; ++i) {
      FileResult result = workers[0]->run(inputs.files[i], static_cast<std::uint32_t>(i));
      consume(i, result);
    }
    return;
  }
  const std::vector<FileBatch> batches = plan_batches(inputs.files);
  // Batches buffered ahead of the merge. Results hold only matched records, so a
  // deep window is cheap, and it lets a worker run on while another is descheduled
  // (shared machines) holding the batch the merge needs next.
  const std::size_t window = std::max<std::size_t>(16, 4 * workers.size());
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::unique_ptr<std::vector<FileResult>>> results(batches.size());
  std::size_t next = 0, consumed = 0;
  auto work = [&](Worker& worker) {
    for (;;) {
      std::size_t index;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return next >= batches.size() || next < consumed + window; });
        if (next >= batches.size()) return;
        index = next++;
      }
      auto result = std::make_unique<std::vector<FileResult>>();
      for (std::size_t file = batches[index].begin; file < batches[index].end; ++file) {
        result->push_back(worker.run(inputs.files[file], static_cast<std::uint32_t>(file)));
      }
      std::lock_guard lock(mutex);
      results[index] = std::move(result);
      changed.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (auto& worker : workers) threads.emplace_back(work, std::ref(*worker));
  for (std::size_t b = 0; b < batches.size(); ++b) {
    std::unique_ptr<std::vector<FileResult>> result;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return results[b] != nullptr; });
      result = std::move(results[b]);
    }
    for (std::size_t i = 0; i < result->size(); ++i) consume(batches[b].begin + i, (*result)[i]);
    std::lock_guard lock(mutex);
    consumed = b + 1;
    changed.notify_all();
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace

// Per-batch locking and wake-ups keep many small files (CloudTrail delivers
// ~5-minute files of a few KB) from serializing the threads on the queue.
std::vector<FileBatch> plan_batches(const std::vector<InputFile>& files, std::size_t max_files,
                                    std::uint64_t max_bytes) {
  std::vector<FileBatch> batches;
  FileBatch current;
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    bytes += files[i].size;
    current.end = i + 1;
    if (current.end - current.begin >= max_files || bytes >= max_bytes) {
      batches.push_back(current);
      current = FileBatch{current.end, current.end};
      bytes = 0;
    }
  }
  if (current.end > current.begin) batches.push_back(current);
  return batches;
}

unsigned effective_threads(unsigned requested) {
  return requested ? requested : std::max(1u, std::thread::hardware_concurrency());
}

Expected<RunSummary> evaluate(std::shared_ptr<const LoadedProgram> program, const WalkResult& inputs,
                              const EvalOptions& options, AlertSink& sink, const EvalCallbacks& callbacks) {
  auto started = Clock::now();
  RunSummary summary;
  summary.digest_files_skipped = inputs.digest_files_skipped;
  auto dispatch = std::make_shared<const DispatchIndex>(program->program());
  unsigned threads = effective_threads(options.threads);
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, inputs.files.size())));
  const bool keep_raw_json = static_cast<bool>(callbacks.on_sequence_record);
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < threads; ++i) workers.push_back(std::make_unique<Worker>(program, dispatch, options, keep_raw_json));

  Merger merger(program, options, summary, callbacks, sink);
  Progress progress;
  progress.files_total = inputs.files.size();
  for (const InputFile& file : inputs.files) progress.bytes_total += file.size;
  run_files(inputs, workers, [&](std::size_t index, FileResult& result) {
    add_file_stats(summary, result);
    if (callbacks.on_issue) {
      for (const ReadIssue& issue : result.issues) callbacks.on_issue(issue);
    }
    merger.consume(result);
    progress.files_done = index + 1;
    progress.bytes_done += inputs.files[index].size;
    progress.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (callbacks.on_progress) callbacks.on_progress(progress);
  });
  for (const InputIssue& issue : inputs.issues) {
    ++summary.counters[issue.reason];
    ++summary.input_errors;
  }
  Status written = merger.finish();
  if (!written.ok()) return written;
  add_profiles(summary, program->program(), workers, options.profile);
  summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  Status status = sink.finish(summary);
  if (!status.ok()) return status;
  return summary;
}

}  // namespace sesrules::runtime
