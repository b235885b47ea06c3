// SequencePipeline: the single-threaded stateful half of evaluation, shared by
// evaluate() (one pipeline over all input) and the partition processor
// (runtime/stream, one per partition): eventID dedup -> reorder buffer ->
// sequence engine -> sequence alerts (VmRelations). Keeping one implementation
// is what makes "partitioned = eval" a property of the code, not of a copy.
// Not thread-safe. Tested through tests/e2e and tests/unit/stream.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/alert.h"
#include "runtime/dedup.h"
#include "runtime/loaded_program.h"
#include "runtime/record_eval.h"
#include "runtime/reorder.h"
#include "runtime/sequence.h"
#include "runtime/vm_relations.h"

namespace sesrules::runtime {

class SequencePipeline {
 public:
  SequencePipeline(std::shared_ptr<const LoadedProgram> program, std::int64_t max_lateness_ms,
                   SequenceLimits limits, bool coverage);

  // False for a repeated eventID still inside the dedup window (counted): the
  // record must then be ignored entirely, single-event alerts included.
  bool admit(const MatchedRecord& record);
  // Queues the record's sequence items (an event older than the watermark is counted late).
  void push(MatchedRecord& record);
  // An external watermark: every record before `time_ms` has been seen somewhere,
  // so the reorder buffer behaves as if it had seen an event at `time_ms`.
  void observe(std::int64_t time_ms);
  // Releases what the watermark passed into the engine and collects matches.
  void advance();
  // End of input: everything held goes to the engine. With `end_ms`, absence
  // windows that closed before it fire first (the last event time of the whole
  // input, which a partition may not have seen itself).
  void finish(std::optional<std::int64_t> end_ms);
  // Moves the sequence alerts built so far (alert_id not set) to the end of `out`.
  void take_alerts(std::vector<Alert>& out);

  const Program& program() const { return program_->program(); }
  VmRelations& relations() { return relations_; }
  SequenceEngine& engine() { return engine_; }
  const SequenceEngine& engine() const { return engine_; }
  ReorderBuffer& reorder() { return reorder_; }
  const ReorderBuffer& reorder() const { return reorder_; }
  EventIdDeduper& dedup() { return dedup_; }
  const EventIdDeduper& dedup() const { return dedup_; }
  std::uint64_t next_seq() const { return seq_; }
  void set_next_seq(std::uint64_t seq) { seq_ = seq; }

 private:
  void feed(std::vector<PendingEvent>& released);
  void take_matches();

  std::shared_ptr<const LoadedProgram> program_;
  VmRelations relations_;
  SequenceEngine engine_;
  ReorderBuffer reorder_;
  EventIdDeduper dedup_;
  std::vector<SequenceMatch> matches_;
  std::vector<Alert> alerts_;
  std::uint64_t seq_ = 0;
};

}  // namespace sesrules::runtime
