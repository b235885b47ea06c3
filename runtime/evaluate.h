// The evaluation driver: input files -> readers (N threads) -> dispatch -> VM
// -> (single-event alerts | sequence events) -> in-order merge -> dedup ->
// reorder buffer -> sequence engine -> alerts, handed to an AlertSink.
//
// Determinism: files are numbered in the order collect_inputs() gives; worker
// threads evaluate files in any order, but the merge consumes their results
// strictly by file number, and alerts are emitted in alert_less() order as the
// merge goes (alert_queue.h; only alerts of records later than the lateness
// horizon come out of order, counted as alerts_out_of_order). The output is
// therefore byte-identical at any thread count.
// Memory: at most max(16, 4 * threads) batches (up to 64 files or 4 MiB each) of file
// results are buffered; only records that matched something are kept past their
// callback, and alerts only until nothing found later can precede them. Tested end to end by tests/e2e (byte-identical output at -j 1/2, damaged input),
// tests/unit/stream (partitioned = eval) and evaluate_batches_test.cc (batching).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/alert.h"
#include "runtime/base/status.h"
#include "runtime/readers/input_walk.h"
#include "runtime/readers/record_reader.h"
#include "runtime/sequence.h"
#include "runtime/summary.h"
#include "runtime/vm.h"

namespace sesrules::runtime {

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Called once per alert, in output order. A failed write (disk full) is returned,
  // and the run stops emitting.
  virtual Status emit(const Alert& alert) = 0;
  virtual Status finish(const RunSummary& summary) = 0;
};

struct EvalOptions {
  unsigned threads = 0;                          // 0 = all cores
  std::int64_t max_lateness_ms = 15 * 60 * 1000;
  SequenceLimits limits;
  ReaderOptions reader;
  std::optional<std::int64_t> since_ms;          // keep records with eventTime >= since
  std::optional<std::int64_t> until_ms;          // keep records with eventTime < until
  std::vector<bool> rule_enabled;                // per Program rule; empty = all
  bool profile = false;
  bool coverage = false;                         // fill RunSummary::coverage
  bool with_alert_ids = true;
};

// Progress, called from the merging thread after each file.
struct Progress {
  std::uint64_t files_done = 0, files_total = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0;
  double elapsed_seconds = 0;
};

// A record that can advance some sequence step (its local predicate, or `until`,
// held for a sequence rule, with a defined key). Valid during the callback only.
struct SequenceRecordInfo {
  std::string_view raw_json;          // the record's text as read (one CloudTrail record)
  std::string_view event_id;
  std::int64_t time_ms = 0;
  std::string_view recipient_account_id;
  std::string_view aws_region;
};

struct EvalCallbacks {
  std::function<void(const ReadIssue&)> on_issue;       // damaged input units (already counted)
  std::function<void(const Progress&)> on_progress;
  // Every sequence record, in input order (deterministic at any thread count),
  // duplicates included: `sesrules ingest` publishes exactly these.
  std::function<void(const SequenceRecordInfo&)> on_sequence_record;
};

// Work unit of the worker threads: files [begin, end) of a WalkResult. A batch
// closes once it holds max_files files or max_bytes bytes on disk, so small files
// travel in groups and a big file alone. Exposed for tests.
struct FileBatch {
  std::size_t begin = 0, end = 0;
};
std::vector<FileBatch> plan_batches(const std::vector<InputFile>& files, std::size_t max_files = 64,
                                    std::uint64_t max_bytes = 4u << 20);

// Runs `program` over `inputs`. Alerts go to `sink` in deterministic order.
// Returns the summary; a sink write failure comes back as an error Status.
// EvalOptions::threads resolved: the requested count, or all cores for 0.
unsigned effective_threads(unsigned requested);

Expected<RunSummary> evaluate(std::shared_ptr<const LoadedProgram> program, const WalkResult& inputs,
                              const EvalOptions& options, AlertSink& sink, const EvalCallbacks& callbacks);

}  // namespace sesrules::runtime
