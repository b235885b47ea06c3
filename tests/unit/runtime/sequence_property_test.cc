// Property test for ReorderBuffer + SequenceEngine: random event sets (seeded,
// several rule kinds, a few keys) give the same matches, in the same order, with
// the same stats, whether they arrive in time order, shuffled within the lateness
// bound, or are fed to the engine directly without buffer or watermarks.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/reorder.h"
#include "runtime/sequence.h"
#include "sequence_test_util.h"

namespace sesrules::runtime {
namespace {

using namespace testing;

constexpr std::int64_t kLateness = 5 * kMinute;

// splitmix64: the same sequence on every platform (std distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

Program property_program() {
  Program program;
  program.rules.push_back(make_rule("ordered3", {RuleKind::Ordered, 3, 10 * kMinute}));
  program.rules.push_back(make_rule("absence", {RuleKind::Ordered, 2, 5 * kMinute, true}));
  Rule single;
  single.name = "single";
  program.rules.push_back(single);   // not a sequence: the engine must ignore its slot
  program.rules.push_back(make_rule("unordered", {RuleKind::Unordered, 3, 10 * kMinute, false, 2,
                                                  ThresholdKind::Count, 0, 15 * kMinute}));
  program.rules.push_back(make_rule("count", {RuleKind::Threshold, 1, 2 * kMinute, false, 0, ThresholdKind::Count, 3}));
  program.rules.push_back(make_rule("distinct", {RuleKind::Threshold, 1, 5 * kMinute, false, 0,
                                                 ThresholdKind::Distinct, 3, 10 * kMinute}));
  program.rules.push_back(make_rule("related", {RuleKind::Ordered, 2, 10 * kMinute, false, 0,
                                                ThresholdKind::Count, 0, 0, {1}}));
  return program;
}

std::vector<PendingEvent> random_events(const Program& program, std::uint64_t seed, int count) {
  Random random(seed);
  std::vector<PendingEvent> events;
  for (int i = 0; i < count; ++i) {
    PendingEvent record;
    record.time_ms = random.below(2 * 60) * kMinute + random.below(4) * kSecond * 15;  // many equal times
    record.event_id = "e" + std::to_string(random.below(1000000));          // id order != generation order
    record.event_id += "-" + std::to_string(i);
    record.seq = static_cast<std::uint64_t>(i);
    EventPtr event = make_event(record.time_ms, record.event_id, random.chance(50) ? "10.0.0.1" : "10.0.0.2");
    const std::string key = "k" + std::to_string(random.below(3));
    for (std::uint32_t rule = 0; rule < program.rules.size(); ++rule) {
      if (program.rules[rule].kind == RuleKind::Single) continue;
      SequenceEvent item;
      item.rule = rule;
      item.key = {key};
      for (std::uint32_t step = 0; step < program.rules[rule].steps.size(); ++step) {
        if (random.chance(30)) item.step_mask |= 1u << step;
      }
      item.until = rule == 0 && random.chance(3);
      item.distinct_value = "\"v" + std::to_string(random.below(4)) + "\"";
      item.event = event;
      if (item.step_mask != 0 || item.until) record.items.push_back(std::move(item));
    }
    events.push_back(std::move(record));
  }
  return events;
}

struct Outcome {
  std::vector<std::string> matches;   // "rule:key|ids@time" in emission order
  std::vector<Alert> alerts;          // in emission order
  std::vector<std::string> stats;
  std::uint64_t late = 0;
};

void record_matches(const Program& program, const std::vector<SequenceMatch>& matches, Outcome& outcome) {
  for (const auto& match : matches) {
    outcome.matches.push_back(std::to_string(match.rule) + ":" + describe(match));
    outcome.alerts.push_back(alert_from_match(program, match));
  }
}

std::string stats_text(const SequenceStats& s) {
  return std::to_string(s.matches) + " " + std::to_string(s.suppressed) + " " + std::to_string(s.evicted_keys) + " " +
         std::to_string(s.expired_partials) + " " + std::to_string(s.until_cancels) + " " +
         std::to_string(s.absence_pending_at_end) + " " + std::to_string(s.peak_live_keys);
}

void finish(const Program& program, SequenceEngine& engine, Outcome& outcome) {
  std::vector<SequenceMatch> out;
  engine.finish(out);
  record_matches(program, out, outcome);
  for (std::uint32_t rule = 0; rule < program.rules.size(); ++rule) {
    outcome.stats.push_back(stats_text(engine.stats(rule)));
  }
}

// The driver loop the lead's evaluator runs: push, release, feed, advance.
Outcome run_buffered(const Program& program, const std::vector<PendingEvent>& arrivals, SequenceLimits limits) {
  SameIpRelations relations;
  SequenceEngine engine(program, relations, limits);
  ReorderBuffer buffer(kLateness);
  Outcome outcome;
  std::vector<SequenceMatch> out;
  auto feed = [&](std::vector<PendingEvent>& released) {
    for (const auto& record : released) {
      for (const auto& item : record.items) engine.on_event(item, out);
    }
    released.clear();
  };
  std::vector<PendingEvent> released;
  for (const auto& record : arrivals) {
    buffer.push(record);
    buffer.release(released);
    feed(released);
    engine.advance_watermark(buffer.watermark(), out);
  }
  buffer.drain(released);
  feed(released);
  record_matches(program, out, outcome);
  finish(program, engine, outcome);
  outcome.late = buffer.late();
  return outcome;
}

Outcome run_direct(const Program& program, std::vector<PendingEvent> events, SequenceLimits limits) {
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return std::tie(a.time_ms, a.event_id) < std::tie(b.time_ms, b.event_id);
  });
  SameIpRelations relations;
  SequenceEngine engine(program, relations, limits);
  Outcome outcome;
  std::vector<SequenceMatch> out;
  for (const auto& record : events) {
    for (const auto& item : record.items) engine.on_event(item, out);
  }
  record_matches(program, out, outcome);
  finish(program, engine, outcome);
  return outcome;
}

// Each event arrives after events up to (lateness - 1 ms) later than itself, never more.
std::vector<PendingEvent> shuffled_within_lateness(std::vector<PendingEvent> events, std::uint64_t seed) {
  Random random(seed);
  std::vector<std::pair<std::int64_t, std::size_t>> arrival;
  for (std::size_t i = 0; i < events.size(); ++i) arrival.emplace_back(events[i].time_ms + random.below(kLateness), i);
  std::sort(arrival.begin(), arrival.end());
  std::vector<PendingEvent> out;
  for (const auto& [at, index] : arrival) out.push_back(events[index]);
  return out;
}

std::vector<PendingEvent> in_time_order(std::vector<PendingEvent> events) {
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.time_ms < b.time_ms; });
  return events;
}

TEST_CASE("sequence property: results do not depend on arrival order within the lateness bound") {
  const Program program = property_program();
  std::vector<std::size_t> matches_per_rule(program.rules.size());
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const auto events = random_events(program, seed, 500);
    for (const SequenceLimits limits : {SequenceLimits{}, SequenceLimits{2, 1000000}}) {
      CAPTURE(limits.max_keys_per_rule);
      const Outcome reference = run_direct(program, events, limits);
      const Outcome ordered = run_buffered(program, in_time_order(events), limits);
      const Outcome shuffled = run_buffered(program, shuffled_within_lateness(events, seed * 7919), limits);
      CHECK(ordered.late == 0);
      CHECK(shuffled.late == 0);
      CHECK(ordered.matches == reference.matches);
      CHECK(shuffled.matches == reference.matches);
      CHECK(ordered.stats == reference.stats);
      CHECK(shuffled.stats == reference.stats);
      for (const auto& match : reference.matches) ++matches_per_rule[std::stoul(match.substr(0, match.find(':')))];
    }
  }
  // Not vacuous: every sequence rule matched somewhere.
  for (std::uint32_t rule = 0; rule < program.rules.size(); ++rule) {
    CAPTURE(program.rules[rule].name);
    CHECK((program.rules[rule].kind == RuleKind::Single) == (matches_per_rule[rule] == 0));
  }
}

std::vector<std::string> sorted_alert_ids(std::vector<Alert> alerts) {
  std::sort(alerts.begin(), alerts.end(), alert_less);
  std::vector<std::string> ids;
  for (const auto& alert : alerts) ids.push_back(alert.alert_id);
  return ids;
}

TEST_CASE("sequence property: alert ids and output order agree across arrival orders") {
  const Program program = property_program();
  for (std::uint64_t seed = 100; seed < 110; ++seed) {
    CAPTURE(seed);
    const auto events = random_events(program, seed, 800);
    const Outcome a = run_direct(program, events, {});
    const Outcome b = run_buffered(program, shuffled_within_lateness(events, seed), {});
    const auto ids = sorted_alert_ids(a.alerts);
    CHECK(ids == sorted_alert_ids(b.alerts));
    auto unique_ids = ids;
    std::sort(unique_ids.begin(), unique_ids.end());
    CHECK(std::adjacent_find(unique_ids.begin(), unique_ids.end()) == unique_ids.end());   // distinct matches
    CHECK(ids.size() > 10);
  }
}

}  // namespace
}  // namespace sesrules::runtime
