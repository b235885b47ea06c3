// Unordered sequences: one key keeps the latest event of each step. An event fills
// the first unfilled step (declaration order) whose predicate and relation hold,
// else refreshes the first such filled step; it never fills two steps. Events
// older than t - within drop out, so a match's span never exceeds the window.
// Tested by sequence_test.cc ("unordered ...").
#include <algorithm>

#include "runtime/sequence_state.h"

namespace sesrules::runtime::detail {

std::size_t UnorderedState::units() const {
  auto filled = std::count_if(slots.begin(), slots.end(), [](const EventPtr& e) { return e != nullptr; });
  return static_cast<std::size_t>(filled);
}

std::int64_t UnorderedState::expiry(std::int64_t within_ms) const {
  std::int64_t latest = kNever;
  for (const auto& slot : slots) {
    if (slot) latest = std::max(latest, slot->time_ms + within_ms);
  }
  return latest;
}

void UnorderedState::clear(TimerQueue&) {
  for (auto& slot : slots) slot.reset();
}

std::size_t UnorderedState::bytes() const {
  std::size_t total = sizeof(*this) + slots.capacity() * sizeof(EventPtr);
  for (const auto& slot : slots) total += slot ? event_bytes(*slot) : 0;
  return total;
}

namespace {

bool has_step(std::uint64_t mask, std::uint32_t step) { return step < 64 && ((mask >> step) & 1u) != 0; }

// The step this event fills: first unfilled match, else first filled match; -1 if none.
int choose_step(RuleContext& ctx, const UnorderedState& state, const SequenceEvent& ev) {
  for (bool filled : {false, true}) {
    for (std::uint32_t step = 0; step < state.slots.size(); ++step) {
      if (!has_step(ev.step_mask, step) || (state.slots[step] != nullptr) != filled) continue;
      if (relation_holds(ctx, step, *ev.event, state.slots)) return static_cast<int>(step);
    }
  }
  return -1;
}

}  // namespace

std::optional<SequenceMatch> unordered_on_event(RuleContext& ctx, KeyState& key, const SequenceEvent& ev) {
  auto& state = std::get<UnorderedState>(key.state);
  const std::int64_t time_ms = ev.event->time_ms;
  for (auto& slot : state.slots) {
    if (slot && slot->time_ms + ctx.rule.within_ms < time_ms) {
      slot.reset();
      ++ctx.stats.expired_partials;
    }
  }
  const int chosen = choose_step(ctx, state, ev);
  if (chosen < 0) return std::nullopt;
  state.slots[static_cast<std::size_t>(chosen)] = ev.event;
  const std::size_t steps = state.slots.size();
  const std::size_t required = ctx.rule.min_steps == 0 ? steps : std::min<std::size_t>(ctx.rule.min_steps, steps);
  if (state.units() < required) return std::nullopt;
  SequenceMatch match;
  for (std::uint32_t step = 0; step < steps; ++step) {
    if (!state.slots[step]) continue;
    match.events.push_back(std::move(state.slots[step]));
    match.steps.push_back(step);
  }
  sort_evidence(match.events, match.steps);
  match.time_ms = time_ms;
  return match;
}

}  // namespace sesrules::runtime::detail
