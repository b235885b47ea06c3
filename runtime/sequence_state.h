// Internal to the sequence engine (included only by runtime/sequence*.cc): the
// per-key state of each rule kind and the per-kind event handlers.
//
// Invariants: a KeyState lives in its rule's table (an unordered_map node, so
// KeyNode pointers stay valid until erased) and in that table's LRU list; an
// OrderedState has a timer in the engine's TimerQueue exactly while it is waiting
// on an absence step. Tested through SequenceEngine by sequence_test.cc.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/alert.h"
#include "runtime/program.h"
#include "runtime/sequence.h"

namespace sesrules::runtime::detail {

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

struct KeyState;
using KeyNode = std::pair<const std::string, KeyState>;
// Absence deadlines of all rules, earliest first: (first + within, rule) -> key.
// Equal deadlines keep insertion order, which follows event order: deterministic.
using TimerQueue = std::multimap<std::pair<std::int64_t, std::uint32_t>, KeyNode*>;

struct Partial {
  std::vector<EventPtr> events;   // events[i] matched step i (a prefix of the steps)
  std::int64_t first_ms = 0;
};

struct OrderedState {
  std::vector<std::optional<Partial>> stages;  // stages[k]: latest partial with k+1 steps matched
  std::optional<Partial> waiting;              // all positive steps matched; absence window open
  TimerQueue::iterator timer;                  // valid while `waiting`

  std::size_t units() const;
  std::int64_t expiry(std::int64_t within_ms) const;   // kNever when empty
  void clear(TimerQueue& timers);
  std::size_t bytes() const;
};

struct UnorderedState {
  std::vector<EventPtr> slots;   // latest event of each step, or null

  std::size_t units() const;
  std::int64_t expiry(std::int64_t within_ms) const;
  void clear(TimerQueue& timers);
  std::size_t bytes() const;
};

struct CountState {
  std::deque<EventPtr> events;   // time-ordered; fewer than threshold_min

  std::size_t units() const { return events.size(); }
  std::int64_t expiry(std::int64_t within_ms) const;
  void clear(TimerQueue&) { events.clear(); }
  std::size_t bytes() const;
};

struct DistinctState {
  std::vector<std::pair<std::string, EventPtr>> latest;  // value -> its latest event

  std::size_t units() const { return latest.size(); }
  std::int64_t expiry(std::int64_t within_ms) const;
  void clear(TimerQueue&) { latest.clear(); }
  std::size_t bytes() const;
};

struct KeyState {
  std::vector<std::string> key;
  std::variant<OrderedState, UnorderedState, CountState, DistinctState> state;
  std::optional<std::int64_t> last_alert_ms;     // for `suppress`
  std::int64_t expires_ms = kNever;              // after this time nothing here matters
  std::list<KeyNode*>::iterator lru;
};

// What a handler needs besides the key's state.
struct RuleContext {
  const Rule& rule;
  std::uint32_t index;
  RelationEvaluator& relations;
  SequenceStats& stats;
  TimerQueue& timers;
};

// Calls the relation of `step` if it has one (matched: events by step, may be null).
bool relation_holds(RuleContext& ctx, std::uint32_t step, const EventRecord& candidate,
                    std::span<const EventPtr> matched_by_step);
// Sorts evidence by (time, eventID), keeping steps parallel.
void sort_evidence(std::vector<EventPtr>& events, std::vector<std::uint32_t>& steps);
std::size_t event_bytes(const EventRecord& event);

// Handlers: apply one event (its key's until already handled) to the key's state.
// Return the completed match (rule/key not yet filled) or nothing.
std::optional<SequenceMatch> ordered_on_event(RuleContext& ctx, KeyNode& node, const SequenceEvent& ev);
// The absence window of `node` closed without a cancelling event: its match.
SequenceMatch ordered_absence_match(const Rule& rule, OrderedState& state);
std::optional<SequenceMatch> unordered_on_event(RuleContext& ctx, KeyState& key, const SequenceEvent& ev);
std::optional<SequenceMatch> count_on_event(RuleContext& ctx, KeyState& key, const SequenceEvent& ev);
std::optional<SequenceMatch> distinct_on_event(RuleContext& ctx, KeyState& key, const SequenceEvent& ev);

// Number of positive (non-absent) steps of an ordered rule.
std::uint32_t positive_steps(const Rule& rule);

}  // namespace sesrules::runtime::detail
