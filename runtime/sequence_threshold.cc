// Threshold sequences: `count >= N` keeps the key's matching events of the last
// `within`; `distinct v >= N` keeps the latest event of each distinct value. Both
// fire when the bound is reached and then start over, so state per key stays
// below N events. Tested by sequence_test.cc ("threshold ...").
#include <algorithm>

#include "runtime/sequence_state.h"

namespace sesrules::runtime::detail {

std::int64_t CountState::expiry(std::int64_t within_ms) const {
  return events.empty() ? kNever : events.back()->time_ms + within_ms;
}

std::size_t CountState::bytes() const {
  std::size_t total = sizeof(*this);
  for (const auto& event : events) total += sizeof(EventPtr) + event_bytes(*event);
  return total;
}

std::int64_t DistinctState::expiry(std::int64_t within_ms) const {
  std::int64_t end = kNever;
  for (const auto& entry : latest) end = std::max(end, entry.second->time_ms + within_ms);
  return end;
}

std::size_t DistinctState::bytes() const {
  std::size_t total = sizeof(*this) + latest.capacity() * sizeof(latest[0]);
  for (const auto& [value, event] : latest) total += value.capacity() + event_bytes(*event);
  return total;
}

namespace {

std::size_t bound(const Rule& rule) {
  return rule.threshold_min < 1 ? 1 : static_cast<std::size_t>(rule.threshold_min);
}

template <typename Events>
SequenceMatch threshold_match(Events&& events, std::int64_t time_ms) {
  SequenceMatch match;
  for (auto& event : events) match.events.push_back(std::move(event));
  match.steps.assign(match.events.size(), 0);
  sort_evidence(match.events, match.steps);
  match.time_ms = time_ms;
  return match;
}

}  // namespace

std::optional<SequenceMatch> count_on_event(RuleContext& ctx, KeyState& key, const SequenceEvent& ev) {
  auto& state = std::get<CountState>(key.state);
  if ((ev.step_mask & 1u) == 0 || !relation_holds(ctx, 0, *ev.event, {})) return std::nullopt;
  const std::int64_t time_ms = ev.event->time_ms;
  while (!state.events.empty() && state.events.front()->time_ms + ctx.rule.within_ms < time_ms) {
    state.events.pop_front();
    ++ctx.stats.expired_partials;
  }
  state.events.push_back(ev.event);
  if (state.events.size() < bound(ctx.rule)) return std::nullopt;
  SequenceMatch match = threshold_match(state.events, time_ms);
  state.events.clear();
  return match;
}

std::optional<SequenceMatch> distinct_on_event(RuleContext& ctx, KeyState& key, const SequenceEvent& ev) {
  auto& state = std::get<DistinctState>(key.state);
  if ((ev.step_mask & 1u) == 0 || !ev.distinct_value) return std::nullopt;
  if (!relation_holds(ctx, 0, *ev.event, {})) return std::nullopt;
  const std::int64_t time_ms = ev.event->time_ms;
  auto expired = [&](const auto& entry) { return entry.second->time_ms + ctx.rule.within_ms < time_ms; };
  const auto kept = std::remove_if(state.latest.begin(), state.latest.end(), expired);
  ctx.stats.expired_partials += static_cast<std::uint64_t>(state.latest.end() - kept);
  state.latest.erase(kept, state.latest.end());
  // Linear search: fewer than threshold_min values are ever kept.
  auto same = std::find_if(state.latest.begin(), state.latest.end(),
                           [&](const auto& entry) { return entry.first == *ev.distinct_value; });
  if (same != state.latest.end()) {
    same->second = ev.event;
  } else {
    state.latest.emplace_back(*ev.distinct_value, ev.event);
  }
  if (state.latest.size() < bound(ctx.rule)) return std::nullopt;
  std::vector<EventPtr> events;
  for (auto& entry : state.latest) events.push_back(std::move(entry.second));
  state.latest.clear();
  return threshold_match(events, time_ms);
}

}  // namespace sesrules::runtime::detail
