// VmRelations: the VM half of sequence matching that runs on the single thread
// owning a SequenceEngine: relation conditions between steps, and the alert of a
// sequence match (output fields with captures, evidence in time order).
// Shared by evaluate() and the partition processor (runtime/stream) so that both
// give byte-identical alerts. Not thread-safe. Tested through tests/e2e
// and tests/unit/stream.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "runtime/alert.h"
#include "runtime/loaded_program.h"
#include "runtime/sequence.h"
#include "runtime/vm.h"

namespace sesrules::runtime {

class VmRelations : public RelationEvaluator {
 public:
  VmRelations(std::shared_ptr<const LoadedProgram> program, bool coverage);
  const std::vector<std::uint64_t>& coverage() const { return coverage_; }

  bool relation_holds(std::uint32_t rule_index, std::uint32_t step, const EventRecord& candidate,
                      std::span<const EventRecord* const> matched) override;

  // The alert of `match`: metadata, key, output fields (the completing event as
  // `input`), evidence ordered by (time, eventID). alert_id is left to the caller.
  Alert sequence_alert(const SequenceMatch& match);

 private:
  void outputs(const Rule& rule, const SequenceMatch& match, Alert& alert);
  template <typename StepEvent>
  void fill_captures(const Rule& rule, StepEvent step_event);

  std::shared_ptr<const LoadedProgram> program_;
  Vm vm_;
  Arena arena_;
  std::vector<Value> record_values_;
  std::vector<Value> capture_values_;
  std::vector<std::uint64_t> coverage_;
};

}  // namespace sesrules::runtime
