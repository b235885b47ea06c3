#include "runtime/evaluate.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "runtime/dedup.h"
#include "runtime/record_eval.h"
#include "runtime/reorder.h"

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

// Evaluates relation conditions with the VM on captured events (main thread only).
class VmRelations : public RelationEvaluator {
 public:
  VmRelations(std::shared_ptr<const LoadedProgram> program, bool coverage) : program_(program), vm_(program) {
    if (coverage) {
      coverage_.assign(program->program().code.size(), 0);
      vm_.set_coverage(&coverage_);
    }
  }
  const std::vector<std::uint64_t>& coverage() const { return coverage_; }

  bool relation_holds(std::uint32_t rule_index, std::uint32_t step, const EventRecord& candidate,
                      std::span<const EventRecord* const> matched) override {
    const Rule& rule = program_->program().rules[rule_index];
    arena_.reset();
    RecordView view = view_of(candidate, record_values_);
    fill_captures(rule, [&](std::uint32_t s) { return s < matched.size() ? matched[s] : nullptr; });
    CaptureFrame frame{capture_values_};
    return vm_.holds(rule.steps[step].relation_fn, view, arena_, &frame);
  }

  // Output fields of a sequence match: `input` is the completing event.
  void outputs(const Rule& rule, const SequenceMatch& match, Alert& alert) {
    if (rule.outputs.empty() || match.events.empty()) return;
    arena_.reset();
    RecordView view = view_of(*match.events.back(), record_values_);
    fill_captures(rule, [&](std::uint32_t s) -> const EventRecord* {
      for (std::size_t i = 0; i < match.steps.size(); ++i) {
        if (match.steps[i] == s) return match.events[i].get();
      }
      return nullptr;
    });
    CaptureFrame frame{capture_values_};
    evaluate_outputs(vm_, arena_, rule, view, &frame, alert);
  }

 private:
  static RecordView view_of(const EventRecord& event, std::vector<Value>& values) {
    values.clear();
    for (const OwnedValue& v : event.slots) values.push_back(v.get());
    RecordView view;
    view.fields = values;
    view.provenance = event.provenance;
    view.time_ms = event.time_ms;
    view.has_time = true;
    return view;
  }

  template <typename StepEvent>
  void fill_captures(const Rule& rule, StepEvent step_event) {
    capture_values_.clear();
    for (const Capture& capture : rule.captures) {
      const EventRecord* event = step_event(capture.step);
      capture_values_.push_back(event && capture.slot < event->slots.size() ? event->slots[capture.slot].get()
                                                                          : Value::undefined());
    }
  }

  std::shared_ptr<const LoadedProgram> program_;
  Vm vm_;
  Arena arena_;
  std::vector<Value> record_values_;
  std::vector<Value> capture_values_;
  std::vector<std::uint64_t> coverage_;
};

// The single-threaded half: dedup, reorder, sequence engine, alert collection.
class Merger {
 public:
  Merger(std::shared_ptr<const LoadedProgram> program, const EvalOptions& options, RunSummary& summary)
      : program_(program),
        options_(options),
        summary_(summary),
        relations_(program, options.coverage),
        engine_(program->program(), relations_, options.limits),
        reorder_(options.max_lateness_ms),
        dedup_(options.max_lateness_ms) {}

  void consume(FileResult& result) {
    for (MatchedRecord& record : result.records) consume_record(record);
    std::vector<PendingEvent> released;
    reorder_.release(released);
    feed(released);
    engine_.advance_watermark(reorder_.watermark(), matches_);
    dedup_.expire(reorder_.watermark());
    take_matches();
  }

  std::vector<Alert> finish() {
    std::vector<PendingEvent> released;
    reorder_.drain(released);
    feed(released);
    engine_.finish(matches_);
    take_matches();
    summary_.counters["events_late"] += reorder_.late();
    summary_.counters["events_duplicate"] += dedup_.duplicates();
    summary_.peak_reorder_buffer = reorder_.peak_size();
    collect_sequence_stats();
    std::sort(alerts_.begin(), alerts_.end(), [](const Alert& a, const Alert& b) { return alert_less(a, b); });
    suppress_singles();
    for (Alert& alert : alerts_) {
      const Rule& rule = program_->program().rules[alert.rule];
      if (options_.with_alert_ids) alert.alert_id = compute_alert_id(alert, rule.version);
      ++summary_.alerts_per_rule[alert.rule_name];
    }
    summary_.alerts = alerts_.size();
    const auto& hits = relations_.coverage();
    if (summary_.coverage.size() < hits.size()) summary_.coverage.resize(hits.size(), 0);
    for (std::size_t i = 0; i < hits.size(); ++i) summary_.coverage[i] += hits[i];
    return std::move(alerts_);
  }

 private:
  void consume_record(MatchedRecord& record) {
    if (!record.event_id.empty() && record.has_time && !dedup_.first_time(record.event_id, record.time_ms)) return;
    for (Alert& alert : record.singles) alerts_.push_back(std::move(alert));
    if (record.sequence_items.empty()) return;
    PendingEvent pending;
    pending.time_ms = record.time_ms;
    pending.event_id = record.event_id;
    pending.seq = seq_++;
    pending.items = std::move(record.sequence_items);
    reorder_.push(std::move(pending));  // a late event is counted by the buffer
  }

  void feed(std::vector<PendingEvent>& released) {
    for (PendingEvent& pending : released) {
      for (const SequenceEvent& item : pending.items) engine_.on_event(item, matches_);
    }
    released.clear();
  }

  void take_matches() {
    for (SequenceMatch& match : matches_) {
      Alert alert = alert_from_match(program_->program(), match);
      relations_.outputs(program_->program().rules[match.rule], match, alert);
      order_evidence(alert);
      alerts_.push_back(std::move(alert));
    }
    matches_.clear();
  }

  // Evidence in time order (ties by eventID), steps kept aligned.
  static void order_evidence(Alert& alert) {
    std::vector<std::size_t> order(alert.events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return event_before(*alert.events[a], *alert.events[b]); });
    std::vector<EventPtr> events;
    std::vector<std::uint32_t> steps;
    for (std::size_t i : order) {
      events.push_back(alert.events[i]);
      steps.push_back(i < alert.event_steps.size() ? alert.event_steps[i] : kWholeRule);
    }
    alert.events = std::move(events);
    alert.event_steps = std::move(steps);
    if (!alert.events.empty()) {
      alert.first_time_ms = alert.events.front()->time_ms;
      alert.last_time_ms = alert.events.back()->time_ms;
    }
  }

  // Single-event rules with `by` + `suppress`: one alert per key and period.
  void suppress_singles() {
    std::map<std::pair<std::uint32_t, std::vector<std::string>>, std::int64_t> last;
    std::vector<Alert> kept;
    kept.reserve(alerts_.size());
    for (Alert& alert : alerts_) {
      const Rule& rule = program_->program().rules[alert.rule];
      if (rule.kind == RuleKind::Single && rule.suppress_ms > 0 && !alert.key.empty()) {
        auto [it, inserted] = last.try_emplace({alert.rule, alert.key}, alert.time_ms);
        if (!inserted) {
          if (alert.time_ms < it->second + rule.suppress_ms) {
            ++summary_.counters["alerts_suppressed"];
            continue;
          }
          it->second = alert.time_ms;
        }
      }
      kept.push_back(std::move(alert));
    }
    alerts_ = std::move(kept);
  }

  void collect_sequence_stats() {
    const Program& program = program_->program();
    for (std::uint32_t i = 0; i < program.rules.size(); ++i) {
      if (program.rules[i].kind == RuleKind::Single) continue;
      const SequenceStats& stats = engine_.stats(i);
      summary_.counters["sequence_keys_evicted"] += stats.evicted_keys;
      summary_.counters["alerts_suppressed"] += stats.suppressed;
      summary_.counters["absence_pending_at_end"] += stats.absence_pending_at_end;
      summary_.peak_live_keys = std::max(summary_.peak_live_keys, stats.peak_live_keys);
    }
  }

  std::shared_ptr<const LoadedProgram> program_;
  const EvalOptions& options_;
  RunSummary& summary_;
  VmRelations relations_;
  SequenceEngine engine_;
  ReorderBuffer reorder_;
  EventIdDeduper dedup_;
  std::vector<SequenceMatch> matches_;
  std::vector<Alert> alerts_;
  std::uint64_t seq_ = 0;
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
         const EvalOptions& options)
      : options_(options),
        reader_(program->program(), options.reader),
        evaluator_(program, std::move(dispatch),
                   RecordEvalOptions{options.rule_enabled, options.profile, options.coverage}) {}

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

Expected<RunSummary> evaluate(std::shared_ptr<const LoadedProgram> program, const WalkResult& inputs,
                              const EvalOptions& options, AlertSink& sink, const EvalCallbacks& callbacks) {
  auto started = Clock::now();
  RunSummary summary;
  summary.digest_files_skipped = inputs.digest_files_skipped;
  auto dispatch = std::make_shared<const DispatchIndex>(program->program());
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, inputs.files.size())));
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < threads; ++i) workers.push_back(std::make_unique<Worker>(program, dispatch, options));

  Merger merger(program, options, summary);
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
  std::vector<Alert> alerts = merger.finish();
  add_profiles(summary, program->program(), workers, options.profile);
  for (const Alert& alert : alerts) {
    Status status = sink.emit(alert);
    if (!status.ok()) return status;
  }
  summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  Status status = sink.finish(summary);
  if (!status.ok()) return status;
  return summary;
}

}  // namespace sesrules::runtime
