// EventPrefilter: decides from raw bytes that no rule can match a record, using
// the Program's dispatch index. Dispatch sends a record to rules only by its
// eventName (or, for source-only entries, its eventSource), so a record can
// match only if the bytes contain `"eventName"` followed by `:` and one of the
// dispatched names as a JSON string, or `"eventSource"` with a source-only
// source. That is both more selective than searching for the names anywhere
// (a name inside a userAgent no longer counts) and faster: the scan looks for
// one key with a two-byte SIMD probe (AVX2, memmem without it) and checks the
// value of each occurrence, about one per record.
//
// Conservative: every occurrence of the key at any depth counts (the record's
// top-level one is among them), whitespace around ':' is allowed, and a record
// with a backslash-u escape anywhere, or a backslash inside a checked value,
// passes (an escape could spell the key or a name). Inactive (everything
// passes) when some rule is dispatched on every record.
// Immutable after construction; safe to share. Tested by event_prefilter_test.cc.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/program.h"

namespace sesrules::runtime {

class EventPrefilter {
 public:
  explicit EventPrefilter(const Program& program);

  // False when every record must be read (a wildcard rule, or no dispatch index).
  bool active() const { return active_; }
  bool may_match(std::string_view raw) const;
  // Appends, in increasing order, offsets in raw where a matching key occurrence
  // or a distrusted escape starts: a record passes iff one lies inside it.
  void find_hits(std::string_view raw, std::vector<std::size_t>& hits) const;

 private:
  struct Key {
    std::string quoted;                                // "\"eventName\""
    std::set<std::string, std::less<>> values;          // dispatched values
  };
  void find_key_hits(const Key& key, std::string_view raw, std::vector<std::size_t>& hits) const;
  bool value_matches(const Key& key, std::string_view raw, std::size_t after_key) const;

  bool active_ = false;
  std::vector<Key> keys_;  // eventName, and eventSource when some entry has a source only
};

// Offsets of every occurrence of needle (2+ bytes) in haystack, in order.
// Exposed for tests; needle[probe] and needle[probe + 1] are the bytes the SIMD
// pass compares first, so choose them rare.
void find_all(std::string_view haystack, std::string_view needle, std::size_t probe, std::vector<std::size_t>& out);

}  // namespace sesrules::runtime
