// PartitionProcessor: the engine-agnostic core of a distributed worker. One per
// partition (a hash range of recipientAccountId); an adapter (NATS JetStream,
// Kafka) feeds it the partition's records with their stream positions, external
// watermarks, and stores its snapshot() as the partition checkpoint.
//
// It runs the pack's sequence rules only (single-event rules run in ingest)
// through the same SequencePipeline as evaluate(): dedup by eventID, reorder
// buffer, sequence engine, VmRelations. Given the records `eval` would feed its
// pipeline for these accounts, in the same relative order, plus the final
// watermark (the input's last sequence-record time), it emits exactly eval's
// sequence alerts for these accounts, with the same alert_ids; the argument is
// in docs/distributed_core.md. Not thread-safe. Tested by tests/unit/stream.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/alert.h"
#include "runtime/base/status.h"
#include "runtime/dispatch.h"
#include "runtime/loaded_program.h"
#include "runtime/readers/record_reader.h"
#include "runtime/record_eval.h"
#include "runtime/sequence_pipeline.h"
#include "runtime/stream/snapshot.h"

namespace sesrules::runtime::stream {

struct ProcessorOptions {
  std::int64_t max_lateness_ms = 15 * 60 * 1000;
  SequenceLimits limits;
  ReaderOptions reader;
};

class PartitionProcessor {
 public:
  PartitionProcessor(std::shared_ptr<const LoadedProgram> program, ProcessorOptions options);
  PartitionProcessor(PartitionProcessor&&) noexcept;
  PartitionProcessor& operator=(PartitionProcessor&&) noexcept;
  ~PartitionProcessor();

  // One CloudTrail record (JSON object text) at stream position `position`.
  // Unreadable records are counted (records_unreadable), never fatal; a record
  // already seen (same eventID, within the dedup window) is counted and ignored.
  void on_record(std::string_view json, std::uint64_t position);
  // External watermark: every input record before `t_ms` has been published.
  // `final` is the end of input: everything held is flushed and absence windows
  // that closed before `t_ms` fire, as eval does at its end; later records are
  // counted (records_after_final) and ignored.
  void on_watermark(std::int64_t t_ms, bool final);
  // The sequence alerts produced since the last call, alert_id set, in emission order.
  std::vector<Alert> take_alerts();

  std::uint64_t position() const { return state_.position; }
  bool has_position() const { return state_.has_position; }
  bool finished() const { return state_.finished; }  // a final watermark was applied
  std::map<std::string, std::uint64_t> counters() const;

  std::string snapshot() const;
  static Expected<PartitionProcessor> restore(std::shared_ptr<const LoadedProgram> program, ProcessorOptions options,
                                              std::string_view bytes, RestoreReport* report);

 private:
  void consume(MatchedRecord& record);

  std::shared_ptr<const LoadedProgram> program_;
  ProcessorOptions options_;
  // Heap-held: the engine refers to the pipeline's VmRelations, and the reader
  // and evaluator to the Program, so none of them may move.
  std::unique_ptr<SequencePipeline> pipeline_;
  std::unique_ptr<RecordReader> reader_;
  std::unique_ptr<RecordEvaluator> evaluator_;
  std::vector<MatchedRecord> matched_;
  ProcessorState state_;
};

}  // namespace sesrules::runtime::stream
