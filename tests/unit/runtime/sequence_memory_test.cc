// Memory test for the streaming path (dedup -> reorder -> sequence engine): a long
// generated stream with a drifting population of keys, duplicates and bounded
// disorder. Live keys, live state bytes, the reorder buffer and the dedup set must
// stay under bounds that do not grow with stream length (200k vs 2M events when optimised).
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <queue>
#include <string>
#include <tuple>
#include <vector>

#include "runtime/dedup.h"
#include "runtime/reorder.h"
#include "runtime/sequence.h"
#include "sequence_test_util.h"

namespace sesrules::runtime {
namespace {

using namespace testing;

constexpr std::int64_t kLateness = 5 * kMinute;
constexpr std::int64_t kSpacingMs = 200;   // 5 events per second
// 2M events take about a minute unoptimised (Debug, sanitizers) on a shared machine,
// so those builds compare 50k with 500k; both still span hours of event time, well
// past every window, suppression period and the lateness bound.
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
constexpr std::uint64_t kLongStream = 2000000;
#else
constexpr std::uint64_t kLongStream = 500000;
#endif

Program memory_program() {
  Program program;
  program.rules.push_back(make_rule("ordered", {RuleKind::Ordered, 3, 10 * kMinute}));
  program.rules.push_back(make_rule("absence", {RuleKind::Ordered, 2, 10 * kMinute, true}));
  program.rules.push_back(make_rule("unordered", {RuleKind::Unordered, 2, 10 * kMinute, false, 0,
                                                  ThresholdKind::Count, 0, 30 * kMinute}));
  program.rules.push_back(make_rule("count", {RuleKind::Threshold, 1, 5 * kMinute, false, 0,
                                              ThresholdKind::Count, 50}));
  program.rules.push_back(make_rule("distinct", {RuleKind::Threshold, 1, 5 * kMinute, false, 0,
                                                 ThresholdKind::Distinct, 6}));
  return program;
}

struct Peaks {
  std::size_t live_keys = 0;       // sum over rules of peak_live_keys
  std::size_t state_bytes = 0;
  std::size_t reorder = 0;
  std::size_t dedup = 0;
  std::uint64_t matches = 0;
  std::uint64_t duplicates = 0;
};

// Arrival = time + jitter < time + lateness, emitted through a heap so the stream
// is generated with bounded memory too.
struct Arrival {
  std::int64_t at;
  std::uint64_t seq;
  std::unique_ptr<PendingEvent> record;   // a pointer, so the heap's const top can be moved from
  bool operator>(const Arrival& other) const { return std::tie(at, seq) > std::tie(other.at, other.seq); }
};

PendingEvent generate(const Program& program, std::uint64_t i, std::uint64_t& rng) {
  auto next = [&rng](std::uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  PendingEvent record;
  record.time_ms = static_cast<std::int64_t>(i) * kSpacingMs;
  record.event_id = "id-" + std::to_string(i);
  record.seq = i;
  // A drifting population: each key is used for about 2000 events (400 s), ~100 at a time.
  const std::string key = "AKIA" + std::to_string(i / 20 + next(100));
  EventPtr event = make_event(record.time_ms, record.event_id);
  for (std::uint32_t rule = 0; rule < program.rules.size(); ++rule) {
    SequenceEvent item;
    item.rule = rule;
    item.key = {key};
    item.step_mask = next(1u << program.rules[rule].steps.size());
    item.until = rule == 0 && next(50) == 0;
    item.distinct_value = "\"r" + std::to_string(next(8)) + "\"";
    item.event = event;
    if (item.step_mask != 0 || item.until) record.items.push_back(std::move(item));
  }
  return record;
}

Peaks run_stream(std::uint64_t count) {
  const Program program = memory_program();
  AlwaysRelations relations;
  SequenceEngine engine(program, relations, {});
  ReorderBuffer buffer(kLateness);
  EventIdDeduper dedup(2 * kLateness);
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> in_flight;
  std::vector<PendingEvent> released;
  std::vector<SequenceMatch> out;
  Peaks peaks;
  std::uint64_t rng = 42, arrivals = 0;
  auto deliver = [&](PendingEvent record) {
    if (!dedup.first_time(record.event_id, record.time_ms)) return;
    if (!buffer.push(std::move(record))) return;   // counted in late(), checked below
    buffer.release(released);
    for (const auto& r : released) {
      for (const auto& item : r.items) engine.on_event(item, out);
    }
    released.clear();
    engine.advance_watermark(buffer.watermark(), out);
    dedup.expire(buffer.watermark());
    peaks.matches += out.size();
    out.clear();
    if (++arrivals % 5000 == 0) peaks.state_bytes = std::max(peaks.state_bytes, engine.live_state_bytes());
    peaks.dedup = std::max(peaks.dedup, dedup.size());
  };
  for (std::uint64_t i = 0; i < count; ++i) {
    PendingEvent record = generate(program, i, rng);
    const std::int64_t now = record.time_ms;
    const auto jitter = static_cast<std::int64_t>((rng >> 20) % static_cast<std::uint64_t>(kLateness));
    if ((rng >> 40) % 100 == 0) {   // a duplicate delivery
      in_flight.push({now + jitter / 2, count + i, std::make_unique<PendingEvent>(record)});
    }
    in_flight.push({now + jitter, i, std::make_unique<PendingEvent>(std::move(record))});
    while (!in_flight.empty() && in_flight.top().at <= now) {
      deliver(std::move(*in_flight.top().record));
      in_flight.pop();
    }
  }
  while (!in_flight.empty()) {
    deliver(std::move(*in_flight.top().record));
    in_flight.pop();
  }
  buffer.drain(released);
  for (const auto& r : released) {
    for (const auto& item : r.items) engine.on_event(item, out);
  }
  engine.finish(out);
  peaks.matches += out.size();
  for (std::uint32_t rule = 0; rule < program.rules.size(); ++rule) {
    peaks.live_keys += engine.stats(rule).peak_live_keys;
  }
  peaks.reorder = buffer.peak_size();
  peaks.duplicates = dedup.duplicates();
  CHECK(buffer.late() == 0);
  return peaks;
}

TEST_CASE("sequence memory: peak state does not grow with stream length") {
  const Peaks small = run_stream(kLongStream / 10);
  const Peaks large = run_stream(kLongStream);
  CAPTURE(small.live_keys);
  CAPTURE(large.live_keys);
  CAPTURE(small.state_bytes);
  CAPTURE(large.state_bytes);
  CAPTURE(small.reorder);
  CAPTURE(large.reorder);
  CAPTURE(small.dedup);
  CAPTURE(large.dedup);
  CHECK(large.matches > 5 * small.matches);         // the long stream really did work
  CHECK(large.duplicates > 5 * small.duplicates);
  // Steady state is reached in both; 10% slack for random variation.
  CHECK(large.live_keys <= small.live_keys + small.live_keys / 10);
  CHECK(large.state_bytes <= small.state_bytes + small.state_bytes / 10);
  CHECK(large.reorder <= small.reorder + small.reorder / 10);
  CHECK(large.dedup <= small.dedup + small.dedup / 10);
  // Absolute bounds from the rates: a new key every 4 s, each live for its 400 s of use
  // plus a 10 min window (plus 30 min suppression for one rule): under 1000 keys per rule.
  CHECK(large.live_keys < 5 * 1000);
  CHECK(large.reorder <= static_cast<std::size_t>(kLateness / kSpacingMs + 50));
}

}  // namespace
}  // namespace sesrules::runtime
