// Checkpoint encoding of the sequence engine's per-rule state (see engine_state.h).
// Reading validates every structural invariant the engine relies on (state kind
// per rule kind, stage counts, a timer exactly for each waiting partial), so a
// corrupt section is an error here, never an assertion or a crash later.
#include "runtime/stream/engine_state.h"

#include <string>
#include <unordered_map>

#include "runtime/sequence_impl.h"

namespace sesrules::runtime::stream {

namespace {

using detail::KeyNode;
using detail::KeyState;

enum StateTag : std::uint8_t { kOrdered = 1, kUnordered, kCount, kDistinct };

void write_opt_time(ByteWriter& out, const std::optional<std::int64_t>& t) {
  out.u8(t ? 1 : 0);
  if (t) out.svarint(*t);
}

std::optional<std::int64_t> read_opt_time(ByteReader& in) {
  if (in.u8() == 0) return std::nullopt;
  return in.svarint();
}

void write_partial(ByteWriter& out, const std::optional<detail::Partial>& partial, EventTableWriter& events) {
  out.u8(partial ? 1 : 0);
  if (!partial) return;
  out.svarint(partial->first_ms);
  out.varint(partial->events.size());
  for (const EventPtr& e : partial->events) out.varint(events.ref(e));
}

// A partial of stage k has exactly k+1 events (the handlers index them by step).
std::optional<detail::Partial> read_partial(ByteReader& in, const EventTable& events, std::size_t steps) {
  if (in.u8() == 0) return std::nullopt;
  detail::Partial partial;
  partial.first_ms = in.svarint();
  const std::size_t n = in.count(1);
  if (n != steps) in.fail("partial match with " + std::to_string(n) + " events, expected " + std::to_string(steps));
  for (std::size_t i = 0; i < n && in.ok(); ++i) partial.events.push_back(events.lookup(in, true));
  return partial;
}

struct StateWriter {
  ByteWriter& out;
  EventTableWriter& events;
  void operator()(const detail::OrderedState& s) {
    out.u8(kOrdered);
    out.varint(s.stages.size());
    for (const auto& stage : s.stages) write_partial(out, stage, events);
    write_partial(out, s.waiting, events);
  }
  void operator()(const detail::UnorderedState& s) {
    out.u8(kUnordered);
    out.varint(s.slots.size());
    for (const EventPtr& e : s.slots) out.varint(events.ref(e));
  }
  void operator()(const detail::CountState& s) {
    out.u8(kCount);
    out.varint(s.events.size());
    for (const EventPtr& e : s.events) out.varint(events.ref(e));
  }
  void operator()(const detail::DistinctState& s) {
    out.u8(kDistinct);
    out.varint(s.latest.size());
    for (const auto& [value, e] : s.latest) {
      out.str(value);
      out.varint(events.ref(e));
    }
  }
};

StateTag tag_for(const Rule& rule) {
  switch (rule.kind) {
    case RuleKind::Ordered: return kOrdered;
    case RuleKind::Unordered: return kUnordered;
    default: return rule.threshold_kind == ThresholdKind::Distinct ? kDistinct : kCount;
  }
}

void read_state(ByteReader& in, const Rule& rule, const EventTable& events, KeyState& key) {
  const std::uint8_t tag = in.u8();
  if (tag != tag_for(rule)) {
    in.fail("key state of kind " + std::to_string(tag) + " for rule " + rule.name);
    return;
  }
  if (tag == kOrdered) {
    detail::OrderedState s;
    const std::size_t positive = detail::positive_steps(rule);
    if (in.count(1) != positive - 1) in.fail("wrong stage count for rule " + rule.name);
    s.stages.resize(positive - 1);
    for (std::size_t i = 0; i < s.stages.size(); ++i) s.stages[i] = read_partial(in, events, i + 1);
    s.waiting = read_partial(in, events, positive);
    key.state = std::move(s);
  } else if (tag == kUnordered) {
    detail::UnorderedState s;
    if (in.count(1) != rule.steps.size()) in.fail("wrong step count for rule " + rule.name);
    s.slots.resize(rule.steps.size());
    for (EventPtr& e : s.slots) e = in.ok() ? events.lookup(in, false) : nullptr;
    key.state = std::move(s);
  } else if (tag == kCount) {
    detail::CountState s;
    const std::size_t n = in.count(1);
    for (std::size_t i = 0; i < n && in.ok(); ++i) s.events.push_back(events.lookup(in, true));
    key.state = std::move(s);
  } else {
    detail::DistinctState s;
    const std::size_t n = in.count(2);
    for (std::size_t i = 0; i < n && in.ok(); ++i) {
      std::string value = in.str();
      s.latest.emplace_back(std::move(value), events.lookup(in, true));
    }
    key.state = std::move(s);
  }
}

void write_stats(ByteWriter& out, const SequenceStats& s) {
  for (std::uint64_t v : {s.matches, s.suppressed, s.evicted_keys, s.expired_partials, s.until_cancels,
                          s.absence_pending_at_end, std::uint64_t{s.peak_live_keys}}) {
    out.varint(v);
  }
}

void read_stats(ByteReader& in, SequenceStats& s) {
  for (std::uint64_t* v : {&s.matches, &s.suppressed, &s.evicted_keys, &s.expired_partials, &s.until_cancels,
                           &s.absence_pending_at_end}) {
    *v = in.varint();
  }
  s.peak_live_keys = static_cast<std::size_t>(in.varint());
}

// Reinserts the rule's timers in saved order; each must point at a waiting key without one.
void read_timers(ByteReader& in, SequenceEngine::Impl& impl, std::uint32_t rule, const std::vector<KeyNode*>& keys) {
  std::unordered_map<KeyNode*, bool> has_timer;
  const std::size_t n = in.count(2);
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    const std::int64_t deadline = in.svarint();
    const std::uint64_t index = in.varint();
    if (!in.ok()) break;
    KeyNode* node = index < keys.size() ? keys[index] : nullptr;
    auto* state = node ? std::get_if<detail::OrderedState>(&node->second.state) : nullptr;
    if (!state || !state->waiting || has_timer[node]) {
      in.fail("absence timer for key " + std::to_string(index) + " without a waiting partial");
      return;
    }
    has_timer[node] = true;
    state->timer = impl.timers.emplace(std::pair{deadline, rule}, node);
  }
  for (KeyNode* node : keys) {
    auto* state = std::get_if<detail::OrderedState>(&node->second.state);
    if (in.ok() && state && state->waiting && !has_timer[node]) in.fail("waiting partial without a timer");
  }
}

}  // namespace

void write_rule_state(const SequenceEngine& engine, std::uint32_t rule, EventTableWriter& events, ByteWriter& out) {
  const SequenceEngine::Impl& impl = engine.internals();
  const detail::RuleTable& table = impl.tables[rule];
  write_stats(out, impl.stats[rule]);
  out.varint(table.lru.size());
  std::unordered_map<const KeyNode*, std::uint64_t> index;
  for (const KeyNode* node : table.lru) {
    index.emplace(node, index.size());
    const KeyState& key = node->second;
    out.varint(key.key.size());
    for (const std::string& part : key.key) out.str(part);
    write_opt_time(out, key.last_alert_ms);
    out.svarint(key.expires_ms);
    std::visit(StateWriter{out, events}, key.state);
  }
  std::uint64_t timers = 0;
  for (const auto& [when, node] : impl.timers) timers += when.second == rule ? 1 : 0;
  out.varint(timers);
  for (const auto& [when, node] : impl.timers) {
    if (when.second != rule) continue;
    out.svarint(when.first);
    out.varint(index.at(node));
  }
}

void read_rule_state(ByteReader& in, SequenceEngine& engine, std::uint32_t rule, const EventTable& events) {
  SequenceEngine::Impl& impl = engine.internals();
  detail::RuleTable& table = impl.tables[rule];
  const Rule& spec = impl.program.rules[rule];
  read_stats(in, impl.stats[rule]);
  const std::size_t n = in.count(4);
  std::vector<KeyNode*> keys;
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    KeyState key;
    key.key.resize(in.count(1));
    for (std::string& part : key.key) part = in.str();
    key.last_alert_ms = read_opt_time(in);
    key.expires_ms = in.svarint();
    read_state(in, spec, events, key);
    if (!in.ok()) break;
    auto [it, inserted] = table.keys.emplace(detail::key_id(key.key), std::move(key));
    if (!inserted) {
      in.fail("key listed twice for rule " + spec.name);
      break;
    }
    it->second.lru = table.lru.insert(table.lru.end(), &*it);
    impl.units_total += detail::units(it->second);
    keys.push_back(&*it);
  }
  // After a failure the engine is only destroyed (the restore fails as a whole),
  // which never touches timers, so half-read state needs no repair.
  if (in.ok()) read_timers(in, impl, rule, keys);
  impl.stats[rule].live_keys = table.keys.size();
}

std::int64_t engine_watermark(const SequenceEngine& engine) { return engine.internals().watermark; }

void set_engine_watermark(SequenceEngine& engine, std::int64_t watermark) { engine.internals().watermark = watermark; }

}  // namespace sesrules::runtime::stream
