// Tests for runtime/reorder.cc: release order, the watermark line, late events.
#include <doctest/doctest.h>

#include <limits>
#include <string>
#include <vector>

#include "runtime/reorder.h"

namespace sesrules::runtime {
namespace {

PendingEvent pending(std::int64_t t, std::string id, std::uint64_t seq = 0) {
  PendingEvent ev;
  ev.time_ms = t;
  ev.event_id = std::move(id);
  ev.seq = seq;
  return ev;
}

std::string ids(const std::vector<PendingEvent>& events) {
  std::string out;
  for (const auto& ev : events) out += (out.empty() ? "" : ",") + ev.event_id + "#" + std::to_string(ev.seq);
  return out;
}

TEST_CASE("reorder: watermark starts at INT64_MIN and trails the max time") {
  ReorderBuffer buffer(100);
  CHECK(buffer.watermark() == std::numeric_limits<std::int64_t>::min());
  CHECK(buffer.push(pending(1000, "a")));
  CHECK(buffer.watermark() == 900);
  CHECK(buffer.push(pending(950, "b")));   // earlier than the max, within the bound
  CHECK(buffer.watermark() == 900);
  CHECK(ReorderBuffer().watermark() == std::numeric_limits<std::int64_t>::min());
}

TEST_CASE("reorder: releases in (time, eventID, arrival) order, strictly before the watermark") {
  struct Row { const char* name; std::vector<PendingEvent> pushes; std::string released; std::string drained; };
  const std::vector<Row> rows = {
      {"out of order times", {pending(30, "c"), pending(10, "a"), pending(20, "b"), pending(200, "z")},
       "a#0,b#0,c#0", "z#0"},
      {"equal times by eventID", {pending(10, "y"), pending(10, "x"), pending(200, "z")}, "x#0,y#0", "z#0"},
      {"equal ids by arrival", {pending(10, "x", 2), pending(10, "x", 1), pending(200, "z", 3)}, "x#1,x#2", "z#3"},
      {"events at the watermark are held", {pending(100, "w"), pending(200, "z")}, "", "w#0,z#0"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    ReorderBuffer buffer(100);
    for (const auto& ev : row.pushes) CHECK(buffer.push(ev));
    std::vector<PendingEvent> out;
    buffer.release(out);
    CHECK(ids(out) == row.released);
    for (const auto& ev : out) CHECK(ev.time_ms < buffer.watermark());
    out.clear();
    buffer.drain(out);
    CHECK(ids(out) == row.drained);
    CHECK(buffer.size() == 0);
  }
}

TEST_CASE("reorder: events behind the watermark are late and dropped") {
  ReorderBuffer buffer(100);
  CHECK(buffer.push(pending(1000, "a")));
  CHECK(buffer.push(pending(900, "at-the-line")));
  CHECK_FALSE(buffer.push(pending(899, "late")));
  CHECK(buffer.late() == 1);
  CHECK(buffer.size() == 2);
  CHECK(buffer.peak_size() == 2);
}

TEST_CASE("reorder: size and peak size follow releases") {
  ReorderBuffer buffer(10);
  std::vector<PendingEvent> out;
  for (int t = 0; t < 100; ++t) {
    REQUIRE(buffer.push(pending(t, "e" + std::to_string(t))));
    buffer.release(out);
  }
  CHECK(out.size() == 89);   // times 0..88 are below the watermark 99 - 10
  CHECK(buffer.size() == 11);
  CHECK(buffer.peak_size() == 12);   // measured after a push, before its release
  for (std::size_t i = 1; i < out.size(); ++i) CHECK(out[i - 1].time_ms < out[i].time_ms);
}

TEST_CASE("reorder: items travel with their event") {
  ReorderBuffer buffer(0);
  PendingEvent ev = pending(5, "a");
  ev.items.resize(3);
  ev.items[1].rule = 7;
  CHECK(buffer.push(std::move(ev)));
  std::vector<PendingEvent> out;
  buffer.drain(out);
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].items.size() == 3);
  CHECK(out[0].items[1].rule == 7);
}

}  // namespace
}  // namespace sesrules::runtime
