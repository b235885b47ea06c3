// SequenceEngine: per-(rule, key) state, absence timers, expiry and eviction.
// The per-kind handlers live in sequence_{ordered,unordered,threshold}.cc.
// Tested by sequence_test.cc, sequence_property_test.cc, sequence_memory_test.cc.
//
// How sequences are matched
// =========================
//
// The engine sees, for each sequence rule, the events whose key is defined, in
// (eventTime, eventID) order, each with a bitmask of the steps whose local
// predicate held. It never looks back: every decision uses the state kept so far
// and the current event, so the state is what must be bounded.
//
// Ordered. Take `ordered { step a  step b  step c } within 10m` and one key. The
// state has one slot per stage: the latest partial that matched `a`, the latest that
// matched `a b`. Events (minutes): a@0 a@2 b@3 c@5 b@6 c@9.
//
//   a@0   stage1 = [a0]
//   a@2   stage1 = [a2]          a newer first step replaces the older one: it has
//                                more window left, so (relations aside) it finds
//                                every match [a0] would
//   b@3   stage2 = [a2 b3]       the partial moves up one stage; stage1 is empty
//   c@5   match [a2 b3 c5]       the key resets (no overlap): c5 starts nothing
//   b@6   nothing                no partial waits for b
//   c@9   nothing
//
// One event may satisfy several steps (a mask with a and b set). Stages are visited
// from the highest down, so when an event moves stage1 to stage2 it is not then
// offered to stage2 as a `c`: an event advances a partial by at most one step and
// never fills two steps of one match. It may still start a new partial at stage1 in
// the same call. A partial whose first event is more than `within` before the
// current event is dropped (expired_partials); `last - first <= within` is inclusive.
// Relations (`input.x == a.x`) are asked through RelationEvaluator only for a
// candidate partial, with the partial's events by step.
//
// Absence. `ordered { step enable  step no_verify absent }` within 30m: once the
// positive steps matched ([enable@0]), the partial waits; a timer is set for
// first + within = 30. A no_verify event at or before 30 cancels the wait. When
// every event before 30m+1ms has been seen (a watermark, or simply an event later than
// 30m: events arrive in order, so its time is a watermark), the match fires with
// time = 30m. A newer complete partial replaces the waiting one (latest per stage).
// At the end of input, waits whose window has not closed are counted as pending.
//
// Unordered keeps the latest event of each step. An event fills the first unfilled
// step (declaration order) that it matches, or else refreshes the first filled one:
// with steps {x, y} and an event matching both, the first event fills x, the next
// fills y and completes. Events older than t - within drop out first.
//
// Thresholds keep the key's events of the last `within` (count) or the latest event
// of each distinct value (distinct) and fire when the bound is reached. With
// `distinct region >= 3 within 10m`: us@0 us@1 eu@2 us@4 ap@5 keeps us->us@4,
// eu->eu@2 and fires at 5 with evidence [eu@2 us@4 ap@5].
//
// Every match resets the key's state for the rule; `until` cancels it (and the
// until event does nothing else for that rule). `suppress` drops matches of a key
// earlier than last emitted alert + period, counting them.
//
// Memory. Each rule has a hash table of keys plus a list in least-recently-updated
// order. Since events arrive in time order, the list is (nearly) ordered by last
// update, so expiring keys whose window and suppression period have both passed is a
// pop from the front; at the key cap the front is evicted (evicted_keys). Live state
// is therefore bounded by the keys active within one window, not by input length.
// Expiry pops the front up to a time, and popping up to W then up to t >= W removes
// exactly what popping up to t does; every event first advances the watermark to
// its own time. So watermarks between events never change which keys exist when an
// event arrives (hence evictions) nor the output: sequence_property_test checks it.
#include "runtime/sequence.h"

#include <algorithm>
#include <array>

#include "runtime/base/status.h"
#include "runtime/sequence_impl.h"

namespace sesrules::runtime {

namespace detail {

bool relation_holds(RuleContext& ctx, std::uint32_t step, const EventRecord& candidate,
                    std::span<const EventPtr> matched_by_step) {
  if (ctx.rule.steps[step].relation_fn == kNoFunction) return true;
  std::array<const EventRecord*, 64> matched{};
  const std::size_t steps = std::min<std::size_t>(ctx.rule.steps.size(), matched.size());
  for (std::size_t i = 0; i < matched_by_step.size() && i < steps; ++i) matched[i] = matched_by_step[i].get();
  return ctx.relations.relation_holds(ctx.index, step, candidate, std::span(matched.data(), steps));
}

void sort_evidence(std::vector<EventPtr>& events, std::vector<std::uint32_t>& steps) {
  std::vector<std::pair<EventPtr, std::uint32_t>> pairs;
  for (std::size_t i = 0; i < events.size(); ++i) pairs.emplace_back(std::move(events[i]), steps[i]);
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return event_before(*a.first, *b.first); });
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    events[i] = std::move(pairs[i].first);
    steps[i] = pairs[i].second;
  }
}

std::size_t event_bytes(const EventRecord& event) {
  std::size_t total = sizeof(EventRecord) + event.slots.capacity() * sizeof(OwnedValue);
  for (const std::string* s : {&event.event_id, &event.event_time, &event.event_source, &event.event_name,
                               &event.aws_region, &event.source_ip, &event.user_arn, &event.access_key_id,
                               &event.recipient_account, &event.file}) {
    total += s->capacity();
  }
  for (const OwnedValue& slot : event.slots) {
    const Kind kind = slot.get().kind;
    // Charged as when each slot had its own 256-byte arena block (make_event_record
    // now shares one), so the state cap evicts exactly as before.
    if (kind == Kind::String || kind == Kind::Array || kind == Kind::Object) total += 256;
  }
  return total;
}

}  // namespace detail

using detail::key_id;
using detail::KeyNode;
using detail::KeyState;
using detail::kNever;
using detail::RuleTable;
using detail::units;

void SequenceEngine::Impl::check_order([[maybe_unused]] const EventRecord& event) {
#if defined(SES_ENABLE_ASSERTS)
  SES_ASSERT(event.time_ms > last_time || (event.time_ms == last_time && event.event_id >= last_id));
  last_time = event.time_ms;
  last_id = event.event_id;
#endif
}

void SequenceEngine::Impl::on_event(const SequenceEvent& ev, std::vector<SequenceMatch>& out) {
  SES_ASSERT(ev.event != nullptr && ev.rule < tables.size());
  const Rule& rule = program.rules[ev.rule];
  SES_ASSERT(rule.kind != RuleKind::Single && !rule.steps.empty());
  check_order(*ev.event);
  // Events arrive in order, so everything before this event's time has been seen.
  advance(ev.event->time_ms, out);
  RuleTable& table = tables[ev.rule];
  std::string id = key_id(ev.key);
  auto found = table.keys.find(id);
  if (ev.until) {
    if (found != table.keys.end()) cancel_until(ev.rule, *found);
    return;
  }
  if (ev.step_mask == 0) return;
  if (found == table.keys.end() && !can_start(rule, ev)) return;
  KeyNode& node = found != table.keys.end() ? *found : create_key(ev.rule, std::move(id), ev.key);
  const std::size_t before = units(node.second);
  if (auto match = dispatch(ev.rule, node, ev)) emit(ev.rule, node, std::move(*match), out);
  units_total = units_total + units(node.second) - before;
  enforce_budget(ev.rule, node);
  settle(ev.rule, node);
}

std::optional<SequenceMatch> SequenceEngine::Impl::dispatch(std::uint32_t rule, KeyNode& node,
                                                            const SequenceEvent& ev) {
  detail::RuleContext ctx = context(rule);
  switch (ctx.rule.kind) {
    case RuleKind::Ordered: return detail::ordered_on_event(ctx, node, ev);
    case RuleKind::Unordered: return detail::unordered_on_event(ctx, node.second, ev);
    case RuleKind::Threshold:
      if (ctx.rule.threshold_kind == ThresholdKind::Distinct) return detail::distinct_on_event(ctx, node.second, ev);
      return detail::count_on_event(ctx, node.second, ev);
    case RuleKind::Single: break;
  }
  return std::nullopt;
}

// Whether an event can create state for a key that has none (avoids needless evictions).
bool SequenceEngine::Impl::can_start(const Rule& rule, const SequenceEvent& ev) const {
  switch (rule.kind) {
    case RuleKind::Ordered: return (ev.step_mask & 1u) != 0;
    case RuleKind::Threshold:
      return (ev.step_mask & 1u) != 0 &&
             (rule.threshold_kind == ThresholdKind::Count || ev.distinct_value.has_value());
    default: return true;
  }
}

KeyNode& SequenceEngine::Impl::create_key(std::uint32_t rule, std::string id, const std::vector<std::string>& key) {
  RuleTable& table = tables[rule];
  if (limits.max_keys_per_rule > 0 && table.keys.size() >= limits.max_keys_per_rule) {
    ++stats[rule].evicted_keys;
    erase_key(rule, *table.lru.front());
  }
  const Rule& spec = program.rules[rule];
  KeyState state;
  state.key = key;
  if (spec.kind == RuleKind::Ordered) {
    detail::OrderedState ordered;
    ordered.stages.resize(detail::positive_steps(spec) - 1);
    state.state = std::move(ordered);
  } else if (spec.kind == RuleKind::Unordered) {
    state.state = detail::UnorderedState{std::vector<EventPtr>(spec.steps.size())};
  } else if (spec.threshold_kind == ThresholdKind::Distinct) {
    state.state = detail::DistinctState{};
  } else {
    state.state = detail::CountState{};
  }
  KeyNode& node = *table.keys.emplace(std::move(id), std::move(state)).first;
  node.second.lru = table.lru.insert(table.lru.end(), &node);
  note_live_keys(rule);
  return node;
}

void SequenceEngine::Impl::cancel_until(std::uint32_t rule, KeyNode& node) {
  const std::size_t pending = units(node.second);
  if (pending == 0) return;
  units_total -= pending;
  std::visit([&](auto& state) { state.clear(timers); }, node.second.state);
  ++stats[rule].until_cancels;
  settle(rule, node);
}

// A completed match: reset the key (no overlap), then emit unless suppressed.
void SequenceEngine::Impl::emit(std::uint32_t rule, KeyNode& node, SequenceMatch match,
                                std::vector<SequenceMatch>& out) {
  KeyState& key = node.second;
  std::visit([&](auto& state) { state.clear(timers); }, key.state);
  const std::int64_t suppress_ms = program.rules[rule].suppress_ms;
  if (suppress_ms > 0 && key.last_alert_ms && match.time_ms < *key.last_alert_ms + suppress_ms) {
    ++stats[rule].suppressed;
    return;
  }
  if (suppress_ms > 0) key.last_alert_ms = match.time_ms;
  match.rule = rule;
  match.key = key.key;
  ++stats[rule].matches;
  out.push_back(std::move(match));
}

// After an update: recompute when the key stops mattering, then drop it or mark it
// most recently updated.
void SequenceEngine::Impl::settle(std::uint32_t rule, KeyNode& node) {
  KeyState& key = node.second;
  const Rule& spec = program.rules[rule];
  key.expires_ms = std::visit([&](const auto& state) { return state.expiry(spec.within_ms); }, key.state);
  if (key.last_alert_ms) key.expires_ms = std::max(key.expires_ms, *key.last_alert_ms + spec.suppress_ms - 1);
  if (key.expires_ms == kNever) {
    erase_key(rule, node);
    return;
  }
  RuleTable& table = tables[rule];
  table.lru.splice(table.lru.end(), table.lru, key.lru);
}

void SequenceEngine::Impl::erase_key(std::uint32_t rule, KeyNode& node) {
  RuleTable& table = tables[rule];
  units_total -= units(node.second);
  std::visit([&](auto& state) { state.clear(timers); }, node.second.state);
  table.lru.erase(node.second.lru);
  table.keys.erase(table.keys.find(node.first));
  note_live_keys(rule);
}

// Over the global budget: evict this rule's least recently updated other keys.
void SequenceEngine::Impl::enforce_budget(std::uint32_t rule, const KeyNode& current) {
  RuleTable& table = tables[rule];
  while (units_total > limits.max_partials_total && table.lru.front() != &current) {
    ++stats[rule].evicted_keys;
    erase_key(rule, *table.lru.front());
  }
}

void SequenceEngine::Impl::advance(std::int64_t watermark_ms, std::vector<SequenceMatch>& out) {
  if (watermark_ms <= watermark) return;
  fire_timers_before(watermark_ms, out);   // before expiry: a waiting key must fire, not vanish
  for (std::uint32_t rule : sequence_rules) expire_keys(rule, watermark_ms);
  watermark = watermark_ms;
}

void SequenceEngine::Impl::fire_timers_before(std::int64_t watermark_ms, std::vector<SequenceMatch>& out) {
  while (!timers.empty() && timers.begin()->first.first < watermark_ms) {
    const std::uint32_t rule = timers.begin()->first.second;
    KeyNode& node = *timers.begin()->second;
    timers.erase(timers.begin());
    auto& state = std::get<detail::OrderedState>(node.second.state);
    const std::size_t before = units(node.second);
    SequenceMatch match = detail::ordered_absence_match(program.rules[rule], state);
    emit(rule, node, std::move(match), out);
    units_total = units_total + units(node.second) - before;
    settle(rule, node);
  }
}

void SequenceEngine::Impl::expire_keys(std::uint32_t rule, std::int64_t watermark_ms) {
  RuleTable& table = tables[rule];
  while (!table.lru.empty() && table.lru.front()->second.expires_ms < watermark_ms) {
    stats[rule].expired_partials += units(table.lru.front()->second);
    erase_key(rule, *table.lru.front());
  }
}

void SequenceEngine::Impl::note_live_keys(std::uint32_t rule) {
  SequenceStats& s = stats[rule];
  s.live_keys = tables[rule].keys.size();
  s.peak_live_keys = std::max(s.peak_live_keys, s.live_keys);
}

SequenceEngine::SequenceEngine(const Program& program, RelationEvaluator& relations, SequenceLimits limits)
    : impl_(std::make_unique<Impl>(program, relations, limits)) {
  for (const Rule& rule : program.rules) {
    if (rule.kind == RuleKind::Single) continue;
    SES_ASSERT(!rule.steps.empty() && rule.steps.size() <= 64);
    SES_ASSERT(detail::positive_steps(rule) >= 1);
    for (std::size_t i = 0; i + 1 < rule.steps.size(); ++i) SES_ASSERT(!rule.steps[i].absent);
    SES_ASSERT(rule.kind == RuleKind::Ordered || !rule.steps.back().absent);
  }
}

SequenceEngine::~SequenceEngine() = default;

void SequenceEngine::on_event(const SequenceEvent& ev, std::vector<SequenceMatch>& out) { impl_->on_event(ev, out); }

void SequenceEngine::advance_watermark(std::int64_t watermark_ms, std::vector<SequenceMatch>& out) {
  impl_->advance(watermark_ms, out);
}

void SequenceEngine::finish(std::vector<SequenceMatch>&) {
  // Windows that ended before the last event already fired in on_event; the rest are open.
  for (const auto& timer : impl_->timers) ++impl_->stats[timer.first.second].absence_pending_at_end;
  for (std::uint32_t rule = 0; rule < impl_->tables.size(); ++rule) {
    RuleTable& table = impl_->tables[rule];
    while (!table.lru.empty()) impl_->erase_key(rule, *table.lru.front());
  }
}

const SequenceStats& SequenceEngine::stats(std::uint32_t rule) const {
  SES_ASSERT(rule < impl_->stats.size());
  return impl_->stats[rule];
}

std::size_t SequenceEngine::live_state_bytes() const {
  constexpr std::size_t kNodeOverhead = 4 * sizeof(void*);   // hash node and LRU links
  std::size_t total = impl_->timers.size() * (sizeof(detail::TimerQueue::value_type) + kNodeOverhead);
  for (const RuleTable& table : impl_->tables) {
    total += table.keys.bucket_count() * sizeof(void*);
    for (const auto& [id, key] : table.keys) {
      total += sizeof(KeyNode) + kNodeOverhead + id.capacity();
      for (const auto& part : key.key) total += sizeof(part) + part.capacity();
      total += std::visit([](const auto& state) { return state.bytes(); }, key.state);
    }
  }
  return total;
}

}  // namespace sesrules::runtime
