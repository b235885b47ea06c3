// Helpers shared by the sequence engine tests: hand-built Programs (no compiler,
// no VM: steps are given as bitmasks), events and a scripted engine run.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/sequence.h"

namespace sesrules::runtime::testing {

inline constexpr std::int64_t kSecond = 1000;
inline constexpr std::int64_t kMinute = 60 * kSecond;

struct RuleSpec {
  RuleKind kind = RuleKind::Ordered;
  std::uint32_t steps = 2;
  std::int64_t within_ms = 10 * kMinute;
  bool last_absent = false;
  std::uint32_t min_steps = 0;
  ThresholdKind threshold_kind = ThresholdKind::Count;
  std::int64_t threshold_min = 0;
  std::int64_t suppress_ms = 0;
  std::vector<std::uint32_t> relation_steps = {};   // steps given a relation_fn
};

inline Rule make_rule(const std::string& name, const RuleSpec& spec) {
  Rule rule;
  rule.name = name;
  rule.title = name + " title";
  rule.version = "v1";
  rule.kind = spec.kind;
  rule.within_ms = spec.within_ms;
  for (std::uint32_t i = 0; i < spec.steps; ++i) {
    Step step;
    step.name = "s" + std::to_string(i);
    step.local_fn = i;
    step.absent = spec.last_absent && i + 1 == spec.steps;
    rule.steps.push_back(step);
  }
  for (std::uint32_t step : spec.relation_steps) rule.steps[step].relation_fn = 100 + step;
  rule.min_steps = spec.min_steps;
  rule.threshold_kind = spec.threshold_kind;
  rule.distinct_fn = spec.threshold_kind == ThresholdKind::Distinct ? 7 : kNoFunction;
  rule.threshold_min = spec.threshold_min;
  rule.suppress_ms = spec.suppress_ms;
  return rule;
}

inline EventPtr make_event(std::int64_t time_ms, std::string id, std::string source_ip = "") {
  auto event = std::make_shared<EventRecord>();
  event->time_ms = time_ms;
  event->event_id = std::move(id);
  event->source_ip = std::move(source_ip);
  return event;
}

// Every relation holds; counts the calls.
class AlwaysRelations : public RelationEvaluator {
 public:
  bool relation_holds(std::uint32_t, std::uint32_t, const EventRecord&, std::span<const EventRecord* const>) override {
    ++calls;
    return true;
  }
  int calls = 0;
};

// Relation: the candidate's source IP equals that of the earliest matched step
// (any filled step for unordered rules).
class SameIpRelations : public RelationEvaluator {
 public:
  bool relation_holds(std::uint32_t, std::uint32_t step, const EventRecord& candidate,
                      std::span<const EventRecord* const> matched) override {
    ++calls;
    last_matched_size = matched.size();
    for (std::size_t i = 0; i < matched.size(); ++i) {
      if (i != step && matched[i] != nullptr) return matched[i]->source_ip == candidate.source_ip;
    }
    return false;
  }
  int calls = 0;
  std::size_t last_matched_size = 0;
};

// "key|id1,id2@time_ms"
inline std::string describe(const SequenceMatch& match) {
  std::string text;
  for (std::size_t i = 0; i < match.key.size(); ++i) text += (i ? "," : "") + match.key[i];
  text += '|';
  for (std::size_t i = 0; i < match.events.size(); ++i) text += (i ? "," : "") + match.events[i]->event_id;
  return text + "@" + std::to_string(match.time_ms);
}

inline std::vector<std::string> describe_all(const std::vector<SequenceMatch>& matches) {
  std::vector<std::string> out;
  for (const auto& match : matches) out.push_back(describe(match));
  return out;
}

}  // namespace sesrules::runtime::testing
