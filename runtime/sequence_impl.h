// Internal to the sequence engine and its checkpoint code (runtime/sequence*.cc,
// runtime/stream/engine_state.cc): the engine's tables and the Impl behind
// SequenceEngine. Everything else uses sequence.h.
//
// Invariants (besides those of sequence_state.h): every KeyState of tables[r] is
// in tables[r].lru exactly once; units_total is the sum of units() over all keys.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "runtime/sequence.h"
#include "runtime/sequence_state.h"

namespace sesrules::runtime {

namespace detail {

struct RuleTable {
  std::unordered_map<std::string, KeyState> keys;
  std::list<KeyNode*> lru;   // least recently updated first
};

// Length-prefixed so that ("a,b") and ("a", "b") are different keys.
inline std::string key_id(const std::vector<std::string>& parts) {
  std::string id;
  for (const auto& part : parts) {
    id += std::to_string(part.size());
    id += ':';
    id += part;
  }
  return id;
}

inline std::size_t units(const KeyState& key) {
  return std::visit([](const auto& state) { return state.units(); }, key.state);
}

}  // namespace detail

struct SequenceEngine::Impl {
  Impl(const Program& p, RelationEvaluator& r, SequenceLimits l)
      : program(p), relations(r), limits(l), tables(p.rules.size()), stats(p.rules.size()) {
    for (std::uint32_t rule = 0; rule < p.rules.size(); ++rule) {
      if (p.rules[rule].kind != RuleKind::Single) sequence_rules.push_back(rule);
    }
  }

  const Program& program;
  RelationEvaluator& relations;
  SequenceLimits limits;
  std::vector<detail::RuleTable> tables;
  std::vector<SequenceStats> stats;
  // The rules that can have keys: advance() expires only these (a loop over
  // every rule cost ~1,000 steps per watermark advance with 1,000 single-event rules).
  std::vector<std::uint32_t> sequence_rules;
  detail::TimerQueue timers;
  std::int64_t watermark = detail::kNever;   // every event before it has been delivered
  std::size_t units_total = 0;
#if defined(SES_ENABLE_ASSERTS)
  std::int64_t last_time = detail::kNever;
  std::string last_id;
#endif

  detail::RuleContext context(std::uint32_t rule) {
    return {program.rules[rule], rule, relations, stats[rule], timers};
  }

  void check_order(const EventRecord& event);
  void on_event(const SequenceEvent& ev, std::vector<SequenceMatch>& out);
  std::optional<SequenceMatch> dispatch(std::uint32_t rule, detail::KeyNode& node, const SequenceEvent& ev);
  bool can_start(const Rule& rule, const SequenceEvent& ev) const;
  detail::KeyNode& create_key(std::uint32_t rule, std::string id, const std::vector<std::string>& key);
  void cancel_until(std::uint32_t rule, detail::KeyNode& node);
  void emit(std::uint32_t rule, detail::KeyNode& node, SequenceMatch match, std::vector<SequenceMatch>& out);
  void settle(std::uint32_t rule, detail::KeyNode& node);
  void erase_key(std::uint32_t rule, detail::KeyNode& node);
  void enforce_budget(std::uint32_t rule, const detail::KeyNode& current);
  void advance(std::int64_t watermark_ms, std::vector<SequenceMatch>& out);
  void fire_timers_before(std::int64_t watermark_ms, std::vector<SequenceMatch>& out);
  void expire_keys(std::uint32_t rule, std::int64_t watermark_ms);
  void note_live_keys(std::uint32_t rule);
};

}  // namespace sesrules::runtime
