// Tests for runtime/sequence*.cc and runtime/alert.cc: scripted event streams
// against hand-built rules, one table row per behaviour of docs/language.md
// "Sequence semantics", plus stats, eviction, relations and alert ids.
#include <doctest/doctest.h>

#include "runtime/alert.h"
#include "runtime/sequence.h"
#include "sequence_test_util.h"

namespace sesrules::runtime {
namespace {

using namespace testing;

constexpr std::uint64_t kA = 1, kB = 2, kC = 4;

struct Op {
  std::int64_t t = 0;
  const char* id = nullptr;   // nullptr: advance_watermark(t)
  std::uint64_t mask = 0;
  const char* key = "k";
  bool until = false;
  const char* distinct = nullptr;
};

Op ev(std::int64_t t, const char* id, std::uint64_t mask, const char* key = "k") { return {t, id, mask, key}; }
Op until(std::int64_t t, const char* id, const char* key = "k") { return {t, id, 0, key, true}; }
Op value(std::int64_t t, const char* id, const char* distinct) { return {t, id, kA, "k", false, distinct}; }
Op watermark(std::int64_t t) { return {t}; }

struct Run {
  explicit Run(const RuleSpec& spec, SequenceLimits limits = {}) {
    program.rules.push_back(make_rule("r", spec));
    engine = std::make_unique<SequenceEngine>(program, relations, limits);
  }
  void apply(const Op& op) {
    if (op.id == nullptr) {
      engine->advance_watermark(op.t, out);
      return;
    }
    SequenceEvent ev;
    ev.key = {op.key};
    ev.step_mask = op.mask;
    ev.until = op.until;
    if (op.distinct) ev.distinct_value = op.distinct;
    ev.event = make_event(op.t, op.id);
    engine->on_event(ev, out);
  }
  std::vector<std::string> run(const std::vector<Op>& ops) {
    for (const Op& op : ops) apply(op);
    engine->finish(out);
    return describe_all(out);
  }
  Program program;
  AlwaysRelations relations;
  std::unique_ptr<SequenceEngine> engine;
  std::vector<SequenceMatch> out;
};

struct Case {
  const char* name;
  RuleSpec spec;
  std::vector<Op> ops;
  std::vector<std::string> expected;
};

const RuleSpec kOrdered2{RuleKind::Ordered, 2, 10 * kMinute};
const RuleSpec kOrdered3{RuleKind::Ordered, 3, 10 * kMinute};
const RuleSpec kUnordered2{RuleKind::Unordered, 2, 10 * kMinute};
const RuleSpec kAtLeast2of3{RuleKind::Unordered, 3, 10 * kMinute, false, 2};
const RuleSpec kCount3{RuleKind::Threshold, 1, kMinute, false, 0, ThresholdKind::Count, 3};
const RuleSpec kDistinct3{RuleKind::Threshold, 1, kMinute, false, 0, ThresholdKind::Distinct, 3};
const RuleSpec kAbsence{RuleKind::Ordered, 2, 30 * kMinute, true};
const RuleSpec kSuppressed{RuleKind::Ordered, 2, kMinute, false, 0, ThresholdKind::Count, 0, kMinute * 60};
constexpr std::int64_t kWindow = 10 * kMinute;

const std::vector<Case> kCases = {
    {"ordered: steps in order match", kOrdered3,
     {ev(0, "a", kA), ev(1000, "b", kB), ev(2000, "c", kC)}, {"k|a,b,c@2000"}},
    {"ordered: steps out of order do not match", kOrdered2, {ev(0, "b", kB), ev(1000, "a", kA)}, {}},
    {"ordered: window exactly at the limit matches", kOrdered2,
     {ev(0, "a", kA), ev(kWindow, "b", kB)}, {"k|a,b@600000"}},
    {"ordered: 1 ms past the window does not match", kOrdered2, {ev(0, "a", kA), ev(kWindow + 1, "b", kB)}, {}},
    {"ordered: repeated first step keeps the latest", kOrdered2,
     {ev(0, "a1", kA), ev(1000, "a2", kA), ev(2000, "b", kB)}, {"k|a2,b@2000"}},
    {"ordered: latest first step finds what the older would have missed", kOrdered2,
     {ev(0, "a1", kA), ev(5 * kMinute, "a2", kA), ev(12 * kMinute, "b", kB)}, {"k|a2,b@720000"}},
    {"ordered: no overlap after a match", kOrdered2,
     {ev(0, "a", kA), ev(1000, "b1", kB), ev(2000, "b2", kB), ev(3000, "a2", kA), ev(4000, "b3", kB)},
     {"k|a,b1@1000", "k|a2,b3@4000"}},
    {"ordered: the completing event starts nothing", kOrdered2,
     {ev(0, "a", kA), ev(1000, "ab", kA | kB), ev(2000, "b", kB)}, {"k|a,ab@1000"}},
    {"ordered: one event never fills two steps", kOrdered2,
     {ev(0, "x", kA | kB), ev(1000, "y", kA | kB)}, {"k|x,y@1000"}},
    {"ordered: one event advances one partial and starts another", kOrdered3,
     {ev(0, "x", kA | kB | kC), ev(1000, "y", kA | kB | kC), ev(2000, "z", kA | kB | kC)}, {"k|x,y,z@2000"}},
    {"ordered: equal timestamps in eventID order", kOrdered2,
     {ev(0, "e1", kA), ev(0, "e2", kB)}, {"k|e1,e2@0"}},
    {"ordered: keys are independent", kOrdered2,
     {ev(0, "a1", kA, "k1"), ev(1000, "a2", kA, "k2"), ev(2000, "b1", kB, "k1"), ev(3000, "b2", kB, "k2")},
     {"k1|a1,b1@2000", "k2|a2,b2@3000"}},
    {"ordered: key parts do not leak across keys", kOrdered2,
     {ev(0, "a", kA, "k1"), ev(1000, "b", kB, "k2")}, {}},
    {"until cancels the pending partial", kOrdered2,
     {ev(0, "a", kA), until(1000, "u"), ev(2000, "b", kB)}, {}},
    {"until never retracts an alert", kOrdered2,
     {ev(0, "a", kA), ev(1000, "b", kB), until(2000, "u")}, {"k|a,b@1000"}},
    {"until of another key does not cancel", kOrdered2,
     {ev(0, "a", kA), until(1000, "u", "other"), ev(2000, "b", kB)}, {"k|a,b@2000"}},
    {"unordered: any order matches", kUnordered2, {ev(0, "b", kB), ev(1000, "a", kA)}, {"k|b,a@1000"}},
    {"unordered: window exactly at the limit", kUnordered2,
     {ev(0, "b", kB), ev(kWindow, "a", kA)}, {"k|b,a@600000"}},
    {"unordered: 1 ms past the window", kUnordered2, {ev(0, "b", kB), ev(kWindow + 1, "a", kA)}, {}},
    {"unordered: one event fills one step", kUnordered2,
     {ev(0, "x", kA | kB), ev(1000, "y", kA | kB)}, {"k|x,y@1000"}},
    {"unordered: latest event per step", kUnordered2,
     {ev(0, "a1", kA), ev(5 * kMinute, "a2", kA), ev(12 * kMinute, "b", kB)}, {"k|a2,b@720000"}},
    {"unordered: at_least 2 of 3", kAtLeast2of3, {ev(0, "c", kC), ev(1000, "a", kA)}, {"k|c,a@1000"}},
    {"unordered: at_least 2 of 3 needs two different steps", kAtLeast2of3,
     {ev(0, "a1", kA), ev(1000, "a2", kA)}, {}},
    {"threshold count: reaches the bound within the window", kCount3,
     {ev(0, "e1", kA), ev(30000, "e2", kA), ev(60000, "e3", kA)}, {"k|e1,e2,e3@60000"}},
    {"threshold count: old events drop out", kCount3,
     {ev(0, "e1", kA), ev(30000, "e2", kA), ev(60001, "e3", kA), ev(60002, "e4", kA)}, {"k|e2,e3,e4@60002"}},
    {"threshold count: resets after firing", kCount3,
     {ev(0, "e1", kA), ev(1, "e2", kA), ev(2, "e3", kA), ev(3, "e4", kA), ev(4, "e5", kA)}, {"k|e1,e2,e3@2"}},
    {"threshold distinct: duplicates count once, latest kept", kDistinct3,
     {value(0, "e1", "us"), value(10, "e2", "us"), value(20, "e3", "eu"), value(30, "e4", "us"),
      value(40, "e5", "ap")},
     {"k|e3,e4,e5@40"}},
    {"threshold distinct: values expire", kDistinct3,
     {value(0, "e1", "us"), value(10, "e2", "eu"), value(60011, "e3", "ap"), value(60012, "e4", "sa")}, {}},
    {"absence: fires only after the watermark passes the window", kAbsence,
     {ev(0, "enable", kA), watermark(30 * kMinute)}, {}},
    {"absence: fires with time first + within", kAbsence,
     {ev(0, "enable", kA), watermark(30 * kMinute + 1)}, {"k|enable@1800000"}},
    {"absence: a later event also closes the window", kAbsence,
     {ev(0, "enable", kA), ev(40 * kMinute, "other", kA, "k2")}, {"k|enable@1800000"}},
    {"absence: cancelled by a matching event at the window end", kAbsence,
     {ev(0, "enable", kA), ev(30 * kMinute, "verify", kB), watermark(60 * kMinute)}, {}},
    {"absence: an event after the window does not cancel", kAbsence,
     {ev(0, "enable", kA), ev(30 * kMinute + 1, "verify", kB)}, {"k|enable@1800000"}},
    {"absence: newer partial replaces the waiting one", kAbsence,
     {ev(0, "e1", kA), ev(10 * kMinute, "e2", kA), watermark(31 * kMinute), watermark(41 * kMinute)},
     {"k|e2@2400000"}},
    {"absence: still open at the end is not fired", kAbsence, {ev(0, "enable", kA)}, {}},
    {"suppression drops repeats within the period", kSuppressed,
     {ev(0, "a1", kA), ev(1000, "b1", kB), ev(10000, "a2", kA), ev(11000, "b2", kB),
      ev(3600000, "a3", kA), ev(3601000, "b3", kB)},
     {"k|a1,b1@1000", "k|a3,b3@3601000"}},
};

TEST_CASE("sequence: scripted behaviours") {
  for (const Case& c : kCases) {
    CAPTURE(c.name);
    Run run(c.spec);
    CHECK(run.run(c.ops) == c.expected);
  }
}

TEST_CASE("sequence: stats count matches, suppression, until and expiry") {
  Run suppressed(kSuppressed);
  suppressed.run(kCases.back().ops);
  CHECK(suppressed.engine->stats(0).matches == 2);
  CHECK(suppressed.engine->stats(0).suppressed == 1);

  Run cancelled(kOrdered2);
  cancelled.run({ev(0, "a", kA), until(1000, "u"), until(2000, "u2")});
  CHECK(cancelled.engine->stats(0).until_cancels == 1);

  Run expired(kOrdered2);
  expired.run({ev(0, "a", kA), ev(kWindow + 1, "x", kA)});
  CHECK(expired.engine->stats(0).expired_partials == 1);
}

TEST_CASE("sequence: absence pending at finish is counted") {
  Run run(kAbsence);
  CHECK(run.run({ev(0, "e1", kA, "k1"), ev(1000, "e2", kA, "k2")}).empty());
  CHECK(run.engine->stats(0).absence_pending_at_end == 2);
  CHECK(run.engine->stats(0).matches == 0);
}

TEST_CASE("sequence: state is dropped once the watermark passes its window") {
  Run run(kOrdered2);
  run.apply(ev(0, "a1", kA, "k1"));
  run.apply(ev(1000, "a2", kA, "k2"));
  CHECK(run.engine->stats(0).live_keys == 2);
  CHECK(run.engine->live_state_bytes() > 0);
  run.apply(watermark(kWindow + 1));
  CHECK(run.engine->stats(0).live_keys == 1);
  run.apply(watermark(kWindow + 1001));
  CHECK(run.engine->stats(0).live_keys == 0);
  CHECK(run.engine->stats(0).peak_live_keys == 2);
  CHECK(run.engine->stats(0).expired_partials == 2);
}

TEST_CASE("sequence: the key cap evicts the least recently updated key") {
  SequenceLimits limits;
  limits.max_keys_per_rule = 2;
  Run run(kOrdered2, limits);
  auto matches = run.run({ev(0, "a1", kA, "k1"), ev(1, "a2", kA, "k2"), ev(2, "a1b", kA, "k1"),
                          ev(3, "a3", kA, "k3"), ev(4, "b2", kB, "k2"), ev(5, "b1", kB, "k1")});
  // k1 was refreshed at t=2, so k2 was the least recently updated when k3 arrived.
  CHECK(matches == std::vector<std::string>{"k1|a1b,b1@5"});
  CHECK(run.engine->stats(0).evicted_keys == 1);
  CHECK(run.engine->stats(0).peak_live_keys == 2);
}

TEST_CASE("sequence: the partial budget evicts other keys") {
  SequenceLimits limits;
  limits.max_partials_total = 2;
  Run run(kOrdered2, limits);
  run.run({ev(0, "a1", kA, "k1"), ev(1, "a2", kA, "k2"), ev(2, "a3", kA, "k3"), ev(3, "b1", kB, "k1")});
  CHECK(run.out.empty());
  CHECK(run.engine->stats(0).evicted_keys == 1);
}

TEST_CASE("sequence: relations are asked with the partial's events") {
  Program program;
  program.rules.push_back(make_rule("r", RuleSpec{RuleKind::Ordered, 2, kWindow, false, 0,
                                                  ThresholdKind::Count, 0, 0, {1}}));
  SameIpRelations relations;
  SequenceEngine engine(program, relations, {});
  std::vector<SequenceMatch> out;
  auto feed = [&](std::int64_t t, const char* id, std::uint64_t mask, const char* ip) {
    SequenceEvent ev;
    ev.key = {"k"};
    ev.step_mask = mask;
    ev.event = make_event(t, id, ip);
    engine.on_event(ev, out);
  };
  feed(0, "list", kA, "10.0.0.1");
  CHECK(relations.calls == 0);   // step 0 has no relation
  feed(1000, "verify-other-ip", kB, "10.0.0.2");
  CHECK(relations.calls == 1);
  CHECK(relations.last_matched_size == 2);
  CHECK(out.empty());
  feed(2000, "verify", kB, "10.0.0.1");
  CHECK(describe_all(out) == std::vector<std::string>{"k|list,verify@2000"});
}

TEST_CASE("sequence: unordered relation picks the step whose relation holds") {
  Program program;
  program.rules.push_back(make_rule("r", RuleSpec{RuleKind::Unordered, 2, kWindow, false, 0,
                                                  ThresholdKind::Count, 0, 0, {1}}));
  SameIpRelations relations;
  SequenceEngine engine(program, relations, {});
  std::vector<SequenceMatch> out;
  auto feed = [&](std::int64_t t, const char* id, std::uint64_t mask, const char* ip) {
    SequenceEvent ev;
    ev.key = {"k"};
    ev.step_mask = mask;
    ev.event = make_event(t, id, ip);
    engine.on_event(ev, out);
  };
  feed(0, "x", kA | kB, "10.0.0.1");   // fills step 0 (step 1's relation needs step 0)
  feed(1000, "y", kB, "10.0.0.9");      // relation fails: nothing filled
  CHECK(out.empty());
  feed(2000, "z", kA | kB, "10.0.0.1");  // step 1 holds now
  CHECK(describe_all(out) == std::vector<std::string>{"k|x,z@2000"});
}

TEST_CASE("alert: ids are deterministic and cover rule, version, key and evidence") {
  Program program;
  program.rules.push_back(make_rule("ses.r", kOrdered2));
  SequenceMatch match{0, {"\"AKIA1\""}, {make_event(0, "e1"), make_event(5, "e2")}, {0, 1}, 5};
  const Alert alert = alert_from_match(program, match);
  CHECK(alert.rule_name == "ses.r");
  CHECK(alert.title == "ses.r title");
  CHECK(alert.first_time_ms == 0);
  CHECK(alert.last_time_ms == 5);
  CHECK(alert.alert_id.size() == 32);
  CHECK(alert.alert_id == alert_from_match(program, match).alert_id);
  CHECK(alert.alert_id == compute_alert_id(alert, "v1"));
  CHECK(alert.alert_id != compute_alert_id(alert, "v2"));
  Alert other_key = alert;
  other_key.key = {"\"AKIA2\""};
  CHECK(compute_alert_id(other_key, "v1") != alert.alert_id);
  Alert split = alert;
  split.key = {"\"AKIA", "1\""};
  CHECK(compute_alert_id(split, "v1") != alert.alert_id);
  Alert fewer = alert;
  fewer.events.pop_back();
  CHECK(compute_alert_id(fewer, "v1") != alert.alert_id);
}

TEST_CASE("alert: output order is time, rule name, key, first eventID") {
  Program program;
  program.rules.push_back(make_rule("a.rule", kOrdered2));
  program.rules.push_back(make_rule("b.rule", kOrdered2));
  auto alert = [&](std::uint32_t rule, std::int64_t t, const char* key, const char* id) {
    return alert_from_match(program, SequenceMatch{rule, {key}, {make_event(t, id)}, {0}, t});
  };
  struct Row { Alert a, b; bool less; };
  const Row rows[] = {
      {alert(1, 1, "k", "e"), alert(0, 2, "k", "e"), true},
      {alert(0, 1, "k", "e"), alert(1, 1, "k", "e"), true},
      {alert(0, 1, "k1", "e"), alert(0, 1, "k2", "e"), true},
      {alert(0, 1, "k", "e1"), alert(0, 1, "k", "e2"), true},
      {alert(0, 1, "k", "e"), alert(0, 1, "k", "e"), false},
  };
  for (const Row& row : rows) {
    CAPTURE(row.a.rule_name);
    CAPTURE(row.b.event_steps.size());
    CHECK(alert_less(row.a, row.b) == row.less);
    CHECK_FALSE((alert_less(row.b, row.a) && row.less));
  }
}

TEST_CASE("alert: event records copy the standard slots") {
  std::vector<Value> fields(kStdSlotCount + 1);
  fields[kSlotEventId] = Value::from_string("id-1");
  fields[kSlotEventName] = Value::from_string("GetSendQuota");
  fields[kSlotAccessKeyId] = Value::from_string("AKIAEXAMPLE");
  fields[kSlotErrorCode] = Value::null();
  fields[kStdSlotCount] = Value::from_int(42);
  RecordView record;
  record.fields = fields;
  record.time_ms = 1234;
  record.provenance.record_index = 7;
  EventPtr event = make_event_record(record, "logs/a.json.gz");
  CHECK(event->event_id == "id-1");
  CHECK(event->event_name == "GetSendQuota");
  CHECK(event->access_key_id == "AKIAEXAMPLE");
  CHECK_FALSE(event->error_code.has_value());
  CHECK(event->aws_region.empty());
  CHECK(event->time_ms == 1234);
  CHECK(event->provenance.record_index == 7);
  CHECK(event->file == "logs/a.json.gz");
  REQUIRE(event->slots.size() == kStdSlotCount + 1);
  CHECK(event->slots[kSlotEventId].get().str() == "id-1");
  CHECK(event->slots[kStdSlotCount].get().integer == 42);
}

}  // namespace
}  // namespace sesrules::runtime
