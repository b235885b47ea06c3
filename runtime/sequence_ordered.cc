// Ordered sequences: one key's partial matches, at most one per stage (number of
// steps matched), advanced in reverse stage order so that one event moves a
// partial by at most one step. A trailing absence step turns the last stage into a
// wait that a timer in the engine decides. The essay at the top of sequence.cc walks
// through examples. Tested by sequence_test.cc ("ordered ..." and "absence ...").
#include <algorithm>

#include "runtime/base/status.h"
#include "runtime/sequence_state.h"

namespace sesrules::runtime::detail {

std::uint32_t positive_steps(const Rule& rule) {
  auto steps = static_cast<std::uint32_t>(rule.steps.size());
  return steps > 0 && rule.steps.back().absent ? steps - 1 : steps;
}

std::size_t OrderedState::units() const {
  std::size_t n = waiting ? 1 : 0;
  for (const auto& stage : stages) n += stage ? 1 : 0;
  return n;
}

std::int64_t OrderedState::expiry(std::int64_t within_ms) const {
  std::int64_t latest = kNever;
  for (const auto& stage : stages) {
    if (stage) latest = std::max(latest, stage->first_ms + within_ms);
  }
  if (waiting) latest = std::max(latest, waiting->first_ms + within_ms);
  return latest;
}

void OrderedState::clear(TimerQueue& timers) {
  for (auto& stage : stages) stage.reset();
  if (waiting) {
    timers.erase(timer);
    waiting.reset();
  }
}

std::size_t OrderedState::bytes() const {
  std::size_t total = sizeof(*this) + stages.capacity() * sizeof(stages[0]);
  auto add = [&](const Partial& partial) {
    total += partial.events.capacity() * sizeof(EventPtr);
    for (const auto& event : partial.events) total += event_bytes(*event);
  };
  for (const auto& stage : stages) {
    if (stage) add(*stage);
  }
  if (waiting) add(*waiting);
  return total;
}

namespace {

bool has_step(std::uint64_t mask, std::uint32_t step) { return step < 64 && ((mask >> step) & 1u) != 0; }

SequenceMatch match_of(Partial& partial, std::int64_t time_ms) {
  SequenceMatch match;
  match.events = std::move(partial.events);
  for (std::uint32_t i = 0; i < match.events.size(); ++i) match.steps.push_back(i);
  match.time_ms = time_ms;
  return match;
}

void expire_stages(RuleContext& ctx, OrderedState& state, std::int64_t time_ms) {
  for (auto& stage : state.stages) {
    if (stage && stage->first_ms + ctx.rule.within_ms < time_ms) {
      stage.reset();
      ++ctx.stats.expired_partials;
    }
  }
}

// Every positive step matched: a match, or with an absence step a wait until the
// window closes. Like every stage, the wait keeps only the latest partial.
std::optional<SequenceMatch> complete(RuleContext& ctx, KeyNode& node, OrderedState& state,
                                      Partial partial, std::int64_t time_ms) {
  if (!ctx.rule.steps.back().absent) return match_of(partial, time_ms);
  if (state.waiting) ctx.timers.erase(state.timer);
  const std::int64_t deadline = partial.first_ms + ctx.rule.within_ms;
  state.timer = ctx.timers.emplace(std::pair{deadline, ctx.index}, &node);
  state.waiting = std::move(partial);
  return std::nullopt;
}

// An event of the absent step inside the window cancels the wait (window end inclusive).
void cancel_wait(RuleContext& ctx, OrderedState& state, const SequenceEvent& ev, std::uint32_t absent_step) {
  if (!state.waiting || !has_step(ev.step_mask, absent_step)) return;
  SES_ASSERT(ev.event->time_ms <= state.waiting->first_ms + ctx.rule.within_ms);
  if (!relation_holds(ctx, absent_step, *ev.event, state.waiting->events)) return;
  ctx.timers.erase(state.timer);
  state.waiting.reset();
}

}  // namespace

std::optional<SequenceMatch> ordered_on_event(RuleContext& ctx, KeyNode& node, const SequenceEvent& ev) {
  auto& state = std::get<OrderedState>(node.second.state);
  const std::uint32_t positive = positive_steps(ctx.rule);
  const std::int64_t time_ms = ev.event->time_ms;
  expire_stages(ctx, state, time_ms);
  if (positive < ctx.rule.steps.size()) cancel_wait(ctx, state, ev, positive);
  // Highest stage first: a partial advanced here is not looked at again for this event.
  for (std::uint32_t step = positive - 1; step >= 1; --step) {
    auto& stage = state.stages[step - 1];
    if (!stage || !has_step(ev.step_mask, step)) continue;
    if (!relation_holds(ctx, step, *ev.event, stage->events)) continue;
    Partial partial = std::move(*stage);
    stage.reset();
    partial.events.push_back(ev.event);
    if (step + 1 < positive) {
      state.stages[step] = std::move(partial);
    } else if (auto match = complete(ctx, node, state, std::move(partial), time_ms)) {
      return match;  // no overlap: the completing event starts nothing
    }
  }
  if (!has_step(ev.step_mask, 0) || !relation_holds(ctx, 0, *ev.event, {})) return std::nullopt;
  Partial partial{{ev.event}, time_ms};
  if (positive == 1) return complete(ctx, node, state, std::move(partial), time_ms);
  state.stages[0] = std::move(partial);
  return std::nullopt;
}

SequenceMatch ordered_absence_match(const Rule& rule, OrderedState& state) {
  SES_ASSERT(state.waiting.has_value());
  Partial partial = std::move(*state.waiting);
  state.waiting.reset();
  return match_of(partial, partial.first_ms + rule.within_ms);
}

}  // namespace sesrules::runtime::detail
