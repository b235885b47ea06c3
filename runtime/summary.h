// RunSummary: what one evaluation run saw, skipped and found. Counter names are
// the ones users read in the summary (records_skipped_malformed_json, ...).
// Filled by the evaluation driver (runtime/evaluate.cc); printed by cli/ sinks.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sesrules::runtime {

struct RuleProfile {
  std::uint64_t dispatched = 0;   // records routed to the rule by the dispatch index
  std::uint64_t matched = 0;      // predicate/step held
  std::uint64_t nanoseconds = 0;  // VM time (only with profiling on)
};

struct RunSummary {
  std::uint64_t files = 0;
  std::uint64_t files_unreadable = 0;
  std::uint64_t digest_files_skipped = 0;
  std::uint64_t records = 0;
  std::uint64_t records_prefiltered = 0;     // rejected by the prefilter without a full parse
  std::uint64_t records_dispatched = 0;      // records that reached at least one rule
  std::uint64_t bytes_on_disk = 0;
  std::uint64_t bytes_decompressed = 0;
  double elapsed_seconds = 0;
  // reason -> count, e.g. records_skipped_malformed_json, files_skipped_gzip_truncated,
  // events_late (later than --max-lateness: dropped by sequence rules; single-event rules still ran),
  // events_duplicate (eventID already seen), events_without_time (sequence rules cannot place them),
  // events_without_key, sequence_keys_evicted, alerts_suppressed, alerts_out_of_order,
  // absence_pending_at_end, records_outside_time_filter, vm_budget_exhausted.
  std::map<std::string, std::uint64_t> counters;
  std::map<std::string, std::uint64_t> alerts_per_rule;
  std::map<std::string, RuleProfile> profile;  // rule name -> profile (with --profile)
  std::uint64_t alerts = 0;
  std::uint64_t input_errors = 0;             // issues that make the exit code 3
  std::size_t peak_reorder_buffer = 0;
  std::size_t peak_live_keys = 0;
  // With EvalOptions::coverage: executions of each Return instruction, indexed by
  // code offset (a Return that ran = that helper definition or body held).
  std::vector<std::uint64_t> coverage;
};

}  // namespace sesrules::runtime
