// VmRelations: relation conditions and sequence alerts on the VM (see vm_relations.h).
#include "runtime/vm_relations.h"

#include <algorithm>

#include "runtime/record_eval.h"

namespace sesrules::runtime {

namespace {

RecordView view_of(const EventRecord& event, std::vector<Value>& values) {
  values.clear();
  for (const OwnedValue& v : event.slots) values.push_back(v.get());
  RecordView view;
  view.fields = values;
  view.provenance = event.provenance;
  view.time_ms = event.time_ms;
  view.has_time = true;
  return view;
}

// Evidence in time order (ties by eventID), steps kept aligned.
void order_evidence(Alert& alert) {
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

}  // namespace

VmRelations::VmRelations(std::shared_ptr<const LoadedProgram> program, bool coverage)
    : program_(program), vm_(program) {
  if (coverage) {
    coverage_.assign(program->program().code.size(), 0);
    vm_.set_coverage(&coverage_);
  }
}

bool VmRelations::relation_holds(std::uint32_t rule_index, std::uint32_t step, const EventRecord& candidate,
                                 std::span<const EventRecord* const> matched) {
  const Rule& rule = program_->program().rules[rule_index];
  arena_.reset();
  RecordView view = view_of(candidate, record_values_);
  fill_captures(rule, [&](std::uint32_t s) { return s < matched.size() ? matched[s] : nullptr; });
  CaptureFrame frame{capture_values_};
  return vm_.holds(rule.steps[step].relation_fn, view, arena_, &frame);
}

Alert VmRelations::sequence_alert(const SequenceMatch& match) {
  Alert alert = alert_from_match(program_->program(), match);
  outputs(program_->program().rules[match.rule], match, alert);
  order_evidence(alert);
  return alert;
}

void VmRelations::outputs(const Rule& rule, const SequenceMatch& match, Alert& alert) {
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

template <typename StepEvent>
void VmRelations::fill_captures(const Rule& rule, StepEvent step_event) {
  capture_values_.clear();
  for (const Capture& capture : rule.captures) {
    const EventRecord* event = step_event(capture.step);
    capture_values_.push_back(event && capture.slot < event->slots.size() ? event->slots[capture.slot].get()
                                                                        : Value::undefined());
  }
}

}  // namespace sesrules::runtime
