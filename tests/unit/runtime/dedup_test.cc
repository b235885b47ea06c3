// Tests for runtime/dedup.cc: repeats within the horizon count once; expiry bounds memory.
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <string>

#include "runtime/dedup.h"

namespace sesrules::runtime {
namespace {

TEST_CASE("dedup: a repeated eventID is a duplicate") {
  struct Row { const char* id; std::int64_t t; bool first; };
  const Row rows[] = {{"a", 0, true},  {"b", 5, true}, {"a", 0, false}, {"A", 0, true},
                      {"b", 7, false}, {"", 1, true},  {"", 1, false}};
  EventIdDeduper dedup(1000);
  for (const Row& row : rows) {
    CAPTURE(row.id);
    CAPTURE(row.t);
    CHECK(dedup.first_time(row.id, row.t) == row.first);
  }
  CHECK(dedup.duplicates() == 3);
  CHECK(dedup.size() == 4);
}

TEST_CASE("dedup: ids older than watermark - horizon are forgotten") {
  EventIdDeduper dedup(100);
  CHECK(dedup.first_time("old", 0));
  CHECK(dedup.first_time("new", 500));
  dedup.expire(100);   // cutoff 0: "old" (time 0) is not older than the cutoff
  CHECK(dedup.size() == 2);
  dedup.expire(101);
  CHECK(dedup.size() == 1);
  CHECK(dedup.first_time("old", 0));        // forgotten: seen as new again
  CHECK_FALSE(dedup.first_time("new", 500));
  CHECK(dedup.duplicates() == 1);
  dedup.expire(std::numeric_limits<std::int64_t>::min());   // no underflow
  CHECK(dedup.size() == 2);
}

TEST_CASE("dedup: memory stays bounded on a long stream") {
  EventIdDeduper dedup(1000);
  std::size_t peak = 0, rejected = 0;
  for (std::int64_t t = 0; t < 200000; ++t) {
    rejected += dedup.first_time("id-" + std::to_string(t), t) ? 0 : 1;
    if (t % 100 == 0) dedup.expire(t);
    peak = std::max(peak, dedup.size());
  }
  CHECK(rejected == 0);
  CHECK(peak <= 1101);
  CHECK(dedup.duplicates() == 0);
}

}  // namespace
}  // namespace sesrules::runtime
