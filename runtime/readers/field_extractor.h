// FieldExtractor: one forward pass over a record object that fills a Value per
// wanted field path (Program::fields, index = slot) and skips everything else.
// Tested by tests/unit/runtime/field_extractor_test.cc.
//
// Contract:
//  - Paths are object keys only ({"userIdentity","arn"}); arrays are not entered.
//  - A wanted value that is an object or array is materialized whole into the
//    Arena as a Value tree; wanted paths below it are then read from that tree.
//  - Strings (and object keys) are views into the simdjson parser's string buffer:
//    valid until the parser iterates the next document. Numbers become Int when
//    they fit in int64, else Float; a number simdjson cannot represent (1e400,
//    a 30-digit integer) becomes Float when finite, else its raw text as a String.
//  - Duplicate keys: the first occurrence wins, also for the keys of materialized
//    objects' lookups; later duplicates are skipped without being read.
//  - Wrong types are values, not errors: a path through a string or null leaves
//    the deeper slots Undefined.
//  - Returns simdjson's error when the record is malformed where the pass reads it.
// Not thread-safe (scratch buffers); one per reader.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runtime/value.h"

namespace sesrules::runtime {

class FieldExtractor {
 public:
  explicit FieldExtractor(const std::vector<std::vector<std::string>>& paths);

  std::size_t slot_count() const { return slot_count_; }

  // Sets every slot (slots.size() == slot_count()) to Undefined, then fills the found ones.
  simdjson::error_code extract(simdjson::ondemand::object record, Arena& arena, std::span<Value> slots);

  // Materializes any JSON value into arena-backed Values (used for whole documents in tests).
  simdjson::error_code materialize(simdjson::ondemand::value value, Arena& arena, Value& out);

 private:
  struct Node {
    std::string key;
    std::vector<std::uint32_t> children;   // node indices
    std::vector<std::uint32_t> slots;      // slots whose path ends here
  };
  static constexpr std::uint32_t kNoNode = 0xffffffffu;

  std::uint32_t find_child(std::uint32_t node, std::string_view key) const;
  simdjson::error_code extract_object(simdjson::ondemand::object object, std::uint32_t node);
  simdjson::error_code extract_member(simdjson::ondemand::value value, std::uint32_t child);
  simdjson::error_code materialize_object(simdjson::ondemand::object object, Value& out);
  simdjson::error_code materialize_array(simdjson::ondemand::array array, Value& out);
  simdjson::error_code materialize_number(simdjson::ondemand::value value, Value& out);
  void fill_from_value(std::uint32_t node, const Value& value);

  std::vector<Node> nodes_;                // nodes_[0] is the root (the record object)
  std::vector<std::uint64_t> seen_;        // per node: generation_ when last matched
  std::uint64_t generation_ = 0;
  std::size_t slot_count_ = 0;
  // Per-call state; scratch stacks keep steady-state extraction allocation-free.
  Arena* arena_ = nullptr;
  std::span<Value> slots_;
  std::vector<Member> member_scratch_;
  std::vector<Value> item_scratch_;
};

}  // namespace sesrules::runtime
