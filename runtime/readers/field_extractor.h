// FieldExtractor: one forward pass over a record object that fills a Value per
// wanted field path (Program::fields, index = slot) and skips everything else.
// Tested by tests/unit/runtime/field_extractor_test.cc.
//
// Contract:
//  - Paths are object keys only ({"userIdentity","arn"}); arrays are not entered.
//  - A wanted value that is an object or array is left PENDING: its slots hold a
//    pending marker (Value::pending(), see record.h) and only its start in the
//    record's text is remembered. resolve() materializes it into the Arena as a
//    Value tree on first access (RecordView::field does that), so records no rule
//    reads it for pay nothing. Wanted paths below it are still extracted eagerly.
//  - A pending value is validated only when resolved: resolve() returns simdjson's
//    error for a malformed one and leaves its slots Undefined (the reader reports
//    it as records_damaged_malformed_value). Eagerly read values are validated in
//    extract(), whose error skips the whole record, as before.
//  - Strings (and object keys) are views into the record's text (keys without
//    escapes) or the simdjson parser's string buffer: valid until the parser
//    iterates the next document. Resolved values copy their strings into the Arena.
//    Numbers become Int when they fit in int64, else Float; a number simdjson
//    cannot represent (1e400, a 30-digit integer) becomes Float when finite, else
//    its raw text as a String.
//  - Keys are matched by their unescaped text: "event\u004eame" is eventName.
//  - Duplicate keys: the first occurrence wins, also for the keys of materialized
//    objects' lookups; later duplicates are skipped without being read.
//  - Wrong types are values, not errors: a path through a string or null leaves
//    the deeper slots Undefined.
//  - Returns simdjson's error when the record is malformed where the pass reads it.
//  - Lazy records (eager_slots given): extract() reads the record's top-level
//    members only until the members of the eager slots (eventSource, eventName,
//    eventTime: what dispatch and ordering need) have been read, then pauses. The
//    other slots not read yet hold a DEFERRED marker (a pending marker, see
//    is_deferred); read_on() resumes the same pass up to the member a slot lives
//    in. Most records are dispatched to no rule or to rules that read a few early
//    members, so their tail (requestParameters, responseElements, resources) is
//    never walked. The record's parser and document must stay alive and unused
//    by anything else until the record is done. A part of a record that nothing
//    reads is not validated (as unwanted nested values never were); damage met
//    while resuming is read_on()'s error and leaves the unread slots Undefined.
//  - Raw records (extract_raw, field_extractor_raw.cc): a record the framing found
//    plain (json_scan.h: ASCII, no raw control bytes in strings) is walked on its
//    bytes without simdjson's stage 1: keys and strings without escapes are read
//    in place, skipped values are jumped over by the framing scanner, escaped
//    strings and numbers are decoded by simdjson one value at a time. Whatever
//    the walker does not handle (an escaped key, a grammar error) hands the record
//    to simdjson: extract_raw returns false before delivery, and read_on re-reads
//    the record with simdjson from its start after it, so results and errors are
//    the same as simdjson's.
// Not thread-safe (scratch buffers, the parser for pending values); one per reader.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runtime/record.h"
#include "runtime/value.h"

namespace sesrules::runtime {

class FieldExtractor {
 public:
  // max_depth bounds the nesting of a pending value when it is resolved.
  // eager_slots: the slots read before extract() returns (empty: every slot, no
  // deferred markers).
  explicit FieldExtractor(const std::vector<std::vector<std::string>>& paths, std::size_t max_depth = 1024,
                          const std::vector<std::uint32_t>& eager_slots = {});

  std::size_t slot_count() const { return slot_count_; }

  // Sets every slot (slots.size() == slot_count()) to Undefined, then fills the found
  // ones; whole objects/arrays are left pending. The record's text must be followed
  // by simdjson::SIMDJSON_PADDING readable bytes (resolve() parses pieces of it).
  simdjson::error_code extract(simdjson::ondemand::object record, Arena& arena, std::span<Value> slots);
  // The same for a record's text (a plain object, followed by simdjson::SIMDJSON_PADDING
  // readable bytes); false when simdjson must read it (call extract then).
  bool extract_raw(std::string_view record, Arena& arena, std::span<Value> slots);

  // Materializes the pending value behind slots[slot] (a Value::pending() marker from
  // the last extract(), whose slots and Arena must still be alive) into every slot of
  // its path. record_end: one past the last byte of the record's text. On error the
  // slots become Undefined and stay so.
  simdjson::error_code resolve(std::uint32_t slot, const char* record_end);
  // Resumes the paused pass of the last extract() until slots[slot] is no longer
  // deferred (its member was read, or the record ended: Undefined). On error every
  // slot still deferred becomes Undefined and the pass ends.
  simdjson::error_code read_on(std::uint32_t slot);
  bool is_deferred(std::uint32_t slot) const {
    return slot < slots_.size() && runtime::is_deferred(slots_[slot]);
  }
  bool has_pending() const { return !pending_.empty() || root_open_; }

  // Materializes any JSON value into arena-backed Values (used for whole documents in tests).
  simdjson::error_code materialize(simdjson::ondemand::value value, Arena& arena, Value& out);

 private:
  static constexpr std::uint32_t kNoNode = 0xffffffffu;
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;
  struct KeyWords {
    std::uint64_t head = 0, tail = 0;      // a key's first and last 8 bytes (see key_words)
  };
  struct Node {
    std::string key;
    KeyWords words;
    std::vector<std::uint32_t> children;   // node indices
    std::vector<std::uint32_t> slots;      // slots whose path ends here
    // Perfect-hash table over the children's keys (see key_hash); linear scan when
    // no collision-free table was found.
    std::uint32_t table_offset = 0;        // into table_
    std::uint32_t table_shift = 0;
    std::uint64_t table_seed = 0;
    bool linear = true;
  };
  struct TableEntry {                      // a child's key and index; empty: kNoNode, matching no key
    KeyWords words;
    std::size_t size = ~std::size_t{0};
    std::uint32_t child = kNoNode;
    // The child's slot when it has exactly one: the walker stores a string value
    // there without reading the child's Node (raw_member).
    std::uint32_t only_slot = kNoSlot;
  };
  struct Pending {
    std::uint32_t node;
    const char* start;                     // the value's first byte in the record's text
  };

  static KeyWords key_words(const char* p, std::size_t size);
  static std::uint32_t key_hash(KeyWords words, std::size_t size, std::uint64_t seed, std::uint32_t shift);
  std::uint32_t find_child_linear(std::uint32_t node, std::string_view key) const;
  // Inlined into the per-key loops: called for every key of a record.
  [[gnu::always_inline]] inline std::uint32_t find_child(std::uint32_t node, std::string_view key) const;
  // The same through the node's table: its entry, or null (no such child, or a
  // node without a table: call find_child_linear).
  [[gnu::always_inline]] inline const TableEntry* find_entry(std::uint32_t node, std::string_view key) const;
  void build_table(std::uint32_t node);
  void begin_record(Arena& arena, std::span<Value> slots);
  void defer_all(std::span<Value> slots) const;
  simdjson::error_code extract_object(simdjson::ondemand::object object, std::uint32_t node);
  // The root object's members from root_it_ on, until `until` (a top-level node)
  // has been read, or the eager members when until is kNoNode; to the end if absent.
  simdjson::error_code read_root(std::uint32_t until);
  simdjson::error_code read_root_member(simdjson::ondemand::field& field, std::uint32_t& child);
  void close_root();
  // The raw walker (field_extractor_raw.cc); positions index raw_text_.
  enum class RawStep { Member, End, Fail };
  bool raw_root(std::uint32_t until);
  bool pause_ok() const;
  // Inlined into its two loops (raw_root, raw_object): it runs once per member.
  // members: how many members of the object came before (the next needs a comma).
  [[gnu::always_inline]] inline RawStep raw_member(std::size_t& pos, std::uint32_t& members, std::uint32_t node,
                                                   std::uint32_t& child);
  [[gnu::always_inline]] inline bool raw_key(std::uint32_t node, std::uint32_t index, const char* key_at,
                                             std::size_t& size, const TableEntry*& entry, std::uint32_t& found);
  bool raw_value(std::size_t& pos, std::uint32_t child);
  bool raw_object(std::size_t& pos, std::uint32_t node);
  bool raw_skip(std::size_t& pos) const;
  bool raw_scalar(std::size_t& pos, Value& out);
  simdjson::error_code switch_to_ondemand();
  simdjson::error_code extract_member(simdjson::ondemand::value& value, std::uint32_t child);
  void set_pending(std::uint32_t child, const char* start);
  simdjson::error_code materialize_span(std::string_view text, Value& out);
  simdjson::error_code materialize_object(simdjson::ondemand::object object, Value& out);
  simdjson::error_code materialize_array(simdjson::ondemand::array array, Value& out);
  simdjson::error_code materialize_number(simdjson::ondemand::value value, Value& out);
  [[gnu::always_inline]] inline simdjson::error_code read_key(simdjson::ondemand::field& field, std::string_view& key,
                                                             bool& raw);

  std::vector<Node> nodes_;                // nodes_[0] is the root (the record object)
  std::vector<TableEntry> table_;          // the nodes' key tables
  std::vector<std::uint64_t> seen_;        // per node: generation_ when last matched
  // Lazy records: per slot its top-level node.
  std::vector<std::uint32_t> top_of_slot_;
  std::vector<std::uint8_t> eager_node_;   // by node: a top-level node extract() must read
  std::vector<Value> deferred_slots_;      // slot_count_ deferred markers, copied in one go per record
  std::uint32_t eager_count_ = 0;
  bool lazy_ = false;
  // The paused pass over the current record's root object: raw (raw_pos_ in
  // raw_text_) or simdjson's (root_it_; record_doc_ when it took over from raw).
  simdjson::ondemand::object_iterator root_it_, root_end_;
  bool root_open_ = false;
  bool raw_mode_ = false;
  std::uint32_t eager_left_ = 0;
  std::string_view raw_text_;
  std::size_t raw_pos_ = 0;
  std::uint32_t raw_members_ = 0;          // of the root object, read so far
  // The key each member index of a node had when last read: CloudTrail writes
  // members in one order, so the walker checks that key's bytes first and is
  // spared the key scan and the table probe (raw_member). Only keys of up to 16
  // bytes, which KeyWords hold whole.
  struct Predicted {
    KeyWords words;
    std::uint32_t size = 0;                // 0: nothing predicted
    std::uint32_t found = kNoNode;
    const TableEntry* entry = nullptr;
  };
  static constexpr std::uint32_t kPredicted = 32;  // member indexes per node
  std::vector<Predicted> predicted_;       // kPredicted per node
  simdjson::ondemand::parser record_parser_;
  simdjson::ondemand::document record_doc_;
  std::string raw_scratch_;                // a scalar token being decoded by simdjson
  std::uint64_t generation_ = 0;
  std::size_t slot_count_ = 0;
  std::size_t max_depth_;
  // Per-call state; scratch stacks keep steady-state extraction allocation-free.
  Arena* arena_ = nullptr;
  std::span<Value> slots_;
  std::vector<Pending> pending_;           // this record's pending values
  bool copy_strings_ = false;              // resolving: strings must outlive pending_parser_'s buffer
  simdjson::ondemand::parser pending_parser_;  // not the record's: its strings are still in use
  std::vector<Member> member_scratch_;
  std::vector<Value> item_scratch_;
};

}  // namespace sesrules::runtime
