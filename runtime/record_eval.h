// RecordEvaluator: the per-thread half of the driver. For one RecordView it
// looks up the candidate rules in the dispatch index, runs their predicates on
// the VM, and keeps what must outlive the record: single-event alerts and the
// record's contribution to each sequence rule (step mask, key, until, distinct
// value). Records that match nothing leave no trace (no allocation).
// Not thread-safe: one per worker thread. Tested through tests/e2e and tests/unit/stream.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/alert.h"
#include "runtime/dispatch.h"
#include "runtime/record.h"
#include "runtime/sequence.h"
#include "runtime/summary.h"
#include "runtime/vm.h"

namespace sesrules::runtime {

// Everything one record produced, in record order within its file.
struct MatchedRecord {
  std::string event_id;
  std::int64_t time_ms = 0;
  bool has_time = false;
  std::vector<Alert> singles;
  std::vector<SequenceEvent> sequence_items;
  std::string raw_json;               // only with RecordEvalOptions::keep_raw_json and sequence items
};

struct RecordEvalOptions {
  std::vector<bool> rule_enabled;  // empty = all
  bool profile = false;
  bool coverage = false;
  bool keep_raw_json = false;      // fill MatchedRecord::raw_json (for on_sequence_record)
};

class RecordEvaluator {
 public:
  RecordEvaluator(std::shared_ptr<const LoadedProgram> program, std::shared_ptr<const DispatchIndex> dispatch,
                  RecordEvalOptions options);

  // Appends to `out` if the record matched anything; counts into `counters`.
  void evaluate(const RecordView& record, const std::string& file_path, std::vector<MatchedRecord>& out,
                std::map<std::string, std::uint64_t>& counters);

  // Per-rule dispatch/match counts and VM time (all zero unless profiling).
  const std::vector<RuleProfile>& profile() const { return profile_; }
  std::uint64_t records_dispatched() const { return records_dispatched_; }
  std::uint64_t vm_budget_exhausted() const { return vm_.budget_exhausted(); }
  const std::vector<std::uint64_t>& coverage() const { return coverage_; }

 private:
  bool run_target(const DispatchTarget& target, const RecordView& record);
  bool run_profiled(const DispatchTarget& target, const RecordView& record);
  bool compute_key(const Rule& rule, const RecordView& record, std::vector<std::string>& key);
  void add_single(std::uint32_t rule_index, const RecordView& record, const EventPtr& event, MatchedRecord& out);
  void add_sequence(std::uint32_t rule_index, const RecordView& record, const EventPtr& event, MatchedRecord& out,
                    std::map<std::string, std::uint64_t>& counters);

  std::shared_ptr<const LoadedProgram> program_;
  std::shared_ptr<const DispatchIndex> dispatch_;
  RecordEvalOptions options_;
  Vm vm_;
  Arena arena_;
  // Scratch, reused across records: per-rule step masks and the rules touched.
  std::vector<std::uint64_t> step_mask_;
  std::vector<std::uint8_t> until_hit_;
  std::vector<std::uint8_t> single_hit_;
  std::vector<std::uint32_t> touched_;
  // Rule::predicate_fn by rule, so that dispatching a record to a Single rule
  // does not touch the (large) Rule.
  std::vector<std::uint32_t> predicate_fn_;
  // By dispatch target (parallel to DispatchIndex::all_targets()): the field test
  // of a Single rule whose predicate is exactly one. A record's candidates are
  // then read in one sequential sweep; going through the rule's function header
  // and test list cost two dependent cache misses per target with 1,000 rules.
  struct DirectTest {
    Instr test{};
    bool direct = false;
  };
  std::vector<DirectTest> direct_tests_;
  std::vector<RuleProfile> profile_;
  std::uint64_t records_dispatched_ = 0;
  std::vector<std::uint64_t> coverage_;
};

// Key part text: strings as themselves, other values as canonical JSON.
std::string key_part_text(const Value& value);

// Evaluates a rule's output fields on `record` (with captures for sequences).
void evaluate_outputs(Vm& vm, Arena& arena, const Rule& rule, const RecordView& record,
                      const CaptureFrame* captures, Alert& alert);

}  // namespace sesrules::runtime
