#include "runtime/record_eval.h"

#include <chrono>

namespace sesrules::runtime {

namespace {

std::string event_id_of(const RecordView& record) {
  const Value& v = record.field(kSlotEventId);
  return v.kind == Kind::String ? std::string(v.str()) : std::string();
}


}  // namespace

std::string key_part_text(const Value& value) {
  if (value.kind == Kind::String) return std::string(value.str());
  std::string out;
  append_json(out, value);
  return out;
}

void evaluate_outputs(Vm& vm, Arena& arena, const Rule& rule, const RecordView& record,
                      const CaptureFrame* captures, Alert& alert) {
  for (const OutputField& output : rule.outputs) {
    Value v = vm.call(output.fn, record, arena, captures);
    if (v.is_defined()) alert.fields.emplace_back(output.name, OwnedValue(v));
  }
}

RecordEvaluator::RecordEvaluator(std::shared_ptr<const LoadedProgram> program,
                                 std::shared_ptr<const DispatchIndex> dispatch, RecordEvalOptions options)
    : program_(std::move(program)), dispatch_(std::move(dispatch)), options_(std::move(options)), vm_(program_) {
  std::size_t rules = program_->program().rules.size();
  step_mask_.assign(rules, 0);
  until_hit_.assign(rules, 0);
  single_hit_.assign(rules, 0);
  profile_.assign(rules, RuleProfile{});
  for (const Rule& rule : program_->program().rules) predicate_fn_.push_back(rule.predicate_fn);
  for (const DispatchTarget& target : dispatch_->all_targets()) {
    DirectTest& direct = direct_tests_.emplace_back();
    const std::uint32_t fn = target.step == kWholeRule ? predicate_fn_[target.rule] : kNoFunction;
    if (fn == kNoFunction || fn >= program_->function_count()) continue;
    const FunctionHeader& header = program_->function(fn);
    if (header.field_tests != 1) continue;
    direct = DirectTest{program_->field_tests(header)[0], true};
  }
  if (options_.coverage) {
    coverage_.assign(program_->program().code.size(), 0);
    vm_.set_coverage(&coverage_);
  }
}

bool RecordEvaluator::run_target(const DispatchTarget& target, const RecordView& record) {
  if (target.step == kWholeRule) {
    std::uint32_t fn = predicate_fn_[target.rule];
    return fn != kNoFunction && vm_.holds(fn, record, arena_);
  }
  const Rule& rule = program_->program().rules[target.rule];
  std::uint32_t fn = kNoFunction;
  if (target.step == kUntilStep) {
    fn = rule.until_fn;
  } else if (target.step < rule.steps.size()) {
    fn = rule.steps[target.step].local_fn;
  }
  if (fn == kNoFunction) return false;
  return vm_.holds(fn, record, arena_);
}

// Profiling only: the per-rule counters are writes scattered over all rules.
bool RecordEvaluator::run_profiled(const DispatchTarget& target, const RecordView& record) {
  RuleProfile& prof = profile_[target.rule];
  ++prof.dispatched;
  auto start = std::chrono::steady_clock::now();
  bool held = run_target(target, record);
  prof.nanoseconds += static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
  prof.matched += held;
  return held;
}

void RecordEvaluator::evaluate(const RecordView& record, const std::string& file_path,
                               std::vector<MatchedRecord>& out, std::map<std::string, std::uint64_t>& counters) {
  const Program& program = program_->program();
  std::string_view source, name;
  if (record.field(kSlotEventSource).kind == Kind::String) source = record.field(kSlotEventSource).str();
  if (record.field(kSlotEventName).kind == Kind::String) name = record.field(kSlotEventName).str();
  std::span<const DispatchTarget> targets = dispatch_->candidates(source, name);
  if (targets.empty()) return;
  ++records_dispatched_;
  arena_.reset();
  touched_.clear();
  // Most targets are Single rule predicates in a plain run: those skip the option
  // checks and run_target's call (about a third of the per-target cost, callgrind).
  const bool plain = options_.rule_enabled.empty() && !options_.profile;
  const DirectTest* direct = direct_tests_.data() + (targets.data() - dispatch_->all_targets().data());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const DispatchTarget& target = targets[i];
    bool held;
    if (plain && direct[i].direct) [[likely]] {
      held = vm_.test_holds(direct[i].test, record);
    } else if (plain && target.step == kWholeRule) {
      const std::uint32_t fn = predicate_fn_[target.rule];
      held = fn != kNoFunction && vm_.holds(fn, record, arena_);
    } else {
      if (!options_.rule_enabled.empty() && !options_.rule_enabled[target.rule]) continue;
      held = options_.profile ? run_profiled(target, record) : run_target(target, record);
    }
    if (!held) continue;
    if (!single_hit_[target.rule] && !until_hit_[target.rule] && step_mask_[target.rule] == 0) {
      touched_.push_back(target.rule);
    }
    if (target.step == kWholeRule) {
      single_hit_[target.rule] = 1;
    } else if (target.step == kUntilStep) {
      until_hit_[target.rule] = 1;
    } else {
      step_mask_[target.rule] |= std::uint64_t{1} << target.step;
    }
  }
  if (touched_.empty()) return;

  MatchedRecord matched;
  matched.event_id = event_id_of(record);
  matched.time_ms = record.time_ms;
  matched.has_time = record.has_time;
  EventPtr event = make_event_record(record, file_path);
  for (std::uint32_t rule_index : touched_) {
    if (program.rules[rule_index].kind == RuleKind::Single) {
      add_single(rule_index, record, event, matched);
    } else {
      add_sequence(rule_index, record, event, matched, counters);
    }
    single_hit_[rule_index] = 0;
    until_hit_[rule_index] = 0;
    step_mask_[rule_index] = 0;
  }
  if (options_.keep_raw_json && !matched.sequence_items.empty()) matched.raw_json = record.raw;
  if (!matched.singles.empty() || !matched.sequence_items.empty()) out.push_back(std::move(matched));
}

bool RecordEvaluator::compute_key(const Rule& rule, const RecordView& record, std::vector<std::string>& key) {
  key.clear();
  for (std::uint32_t fn : rule.key_fns) {
    Value v = vm_.call(fn, record, arena_);
    if (!v.is_defined() || v.kind == Kind::Null) return false;
    key.push_back(key_part_text(v));
  }
  return true;
}

void RecordEvaluator::add_single(std::uint32_t rule_index, const RecordView& record, const EventPtr& event,
                                 MatchedRecord& out) {
  const Rule& rule = program_->program().rules[rule_index];
  std::vector<std::string> key;
  if (!rule.key_fns.empty() && !compute_key(rule, record, key)) key.clear();
  Alert alert = alert_from_event(program_->program(), rule_index, event, std::move(key));
  evaluate_outputs(vm_, arena_, rule, record, nullptr, alert);
  out.singles.push_back(std::move(alert));
}

void RecordEvaluator::add_sequence(std::uint32_t rule_index, const RecordView& record, const EventPtr& event,
                                   MatchedRecord& out, std::map<std::string, std::uint64_t>& counters) {
  const Rule& rule = program_->program().rules[rule_index];
  if (!record.has_time) {
    ++counters["events_without_time"];
    return;
  }
  SequenceEvent item;
  item.rule = rule_index;
  if (!compute_key(rule, record, item.key)) {
    ++counters["events_without_key"];
    return;
  }
  item.step_mask = step_mask_[rule_index];
  item.until = until_hit_[rule_index] != 0;
  if (rule.kind == RuleKind::Threshold && rule.threshold_kind == ThresholdKind::Distinct && item.step_mask != 0) {
    Value v = vm_.call(rule.distinct_fn, record, arena_);
    if (!v.is_defined()) {
      item.step_mask = 0;  // nothing to count
      if (!item.until) return;
    } else {
      std::string text;
      append_json(text, v);
      item.distinct_value = std::move(text);
    }
  }
  item.event = event;
  out.sequence_items.push_back(std::move(item));
}

}  // namespace sesrules::runtime
