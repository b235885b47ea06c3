// Field extraction with simdjson on-demand (see field_extractor.h). The wanted
// paths form a trie; the pass descends only into objects that lead to a wanted
// path, so most of a record (requestParameters, responseElements) is skipped by
// simdjson's structural index without being decoded. A record has ~20 top-level
// keys and most are unwanted, so a key is matched on its raw text (no unescape
// copy) through a per-node perfect-hash table: one hash, one compare.
// Tested by tests/unit/runtime/field_extractor_test.cc.
#include "runtime/readers/field_extractor.h"
#include "runtime/readers/field_extractor_keys.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "runtime/readers/json_scan.h"
#include "runtime/readers/raw_string.h"
#include "runtime/record.h"

namespace sesrules::runtime {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

namespace {

// The JSON number grammar (RFC 8259 section 6), so that only real numbers that
// simdjson cannot represent take the fallback, never malformed tokens.
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

}  // namespace

FieldExtractor::FieldExtractor(const std::vector<std::vector<std::string>>& paths, std::size_t max_depth,
                               const std::vector<std::uint32_t>& eager_slots)
    : max_depth_(max_depth) {
  nodes_.push_back(Node{});
  for (std::uint32_t slot = 0; slot < paths.size(); ++slot) {
    std::uint32_t node = 0;
    for (const std::string& key : paths[slot]) {
      std::uint32_t child = find_child_linear(node, key);
      if (child == kNoNode) {
        child = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back().key = key;
        nodes_[node].children.push_back(child);
      }
      node = child;
    }
    if (node != 0) nodes_[node].slots.push_back(slot);
    top_of_slot_.push_back(paths[slot].empty() ? kNoNode : find_child_linear(0, paths[slot][0]));
  }
  for (std::uint32_t node = 0; node < nodes_.size(); ++node) build_table(node);
  predicted_.assign(nodes_.size() * kPredicted, Predicted{});
  seen_.assign(nodes_.size(), 0);
  slot_count_ = paths.size();
  deferred_slots_.assign(slot_count_, deferred_slot());
  eager_node_.assign(nodes_.size(), 0);
  for (std::uint32_t slot : eager_slots) {
    if (slot >= slot_count_ || top_of_slot_[slot] == kNoNode || eager_node_[top_of_slot_[slot]]) continue;
    eager_node_[top_of_slot_[slot]] = 1;
    ++eager_count_;
  }
  lazy_ = eager_count_ > 0;
  // iterate() keeps this depth when it grows the parser for a larger value.
  // An allocation failure here resurfaces as MEMALLOC on the first resolve().
  if (pending_parser_.allocate(64 * 1024, max_depth) != simdjson::SUCCESS) return;
  if (record_parser_.allocate(64 * 1024, max_depth) != simdjson::SUCCESS) return;
}

// Every node with children gets a table, even with one child (requestParameters
// for `.name`: the walker matches every key of that object). Tries table sizes
// from 2x the children upwards and a few odd multipliers per size; keys that
// agree in length and in their first and last 8 bytes never separate, and then
// the node keeps the linear scan.
void FieldExtractor::build_table(std::uint32_t node_index) {
  Node& node = nodes_[node_index];
  if (node.children.empty()) return;
  for (std::uint32_t child : node.children) {
    const std::string padded = nodes_[child].key + std::string(8, '\0');  // 8 readable bytes, as key_words needs
    nodes_[child].words = key_words(padded.data(), nodes_[child].key.size());
  }
  const auto min_bits = static_cast<std::uint32_t>(std::bit_width(node.children.size()));
  std::vector<TableEntry> table;
  for (std::uint32_t bits = min_bits; bits <= min_bits + 3; ++bits) {
    std::uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int attempt = 0; attempt < 64; ++attempt, seed = (seed * 0x5851f42d4c957f2dull + 0x14057b7ef767814full) | 1) {
      table.assign(std::size_t{1} << bits, TableEntry{});
      bool perfect = true;
      for (std::size_t i = 0; i < node.children.size() && perfect; ++i) {
        const Node& child = nodes_[node.children[i]];
        TableEntry& entry = table[key_hash(child.words, child.key.size(), seed, 64 - bits)];
        perfect = entry.child == kNoNode;
        const std::uint32_t only_slot = child.slots.size() == 1 ? child.slots[0] : kNoSlot;
        entry = TableEntry{child.words, child.key.size(), node.children[i], only_slot};
      }
      if (!perfect) continue;
      node.table_offset = static_cast<std::uint32_t>(table_.size());
      node.table_shift = 64 - bits;
      node.table_seed = seed;
      node.linear = false;
      table_.insert(table_.end(), table.begin(), table.end());
      return;
    }
  }
}

std::uint32_t FieldExtractor::find_child_linear(std::uint32_t node, std::string_view key) const {
  for (std::uint32_t child : nodes_[node].children) {
    if (nodes_[child].key == key) return child;
  }
  return kNoNode;
}

// raw: whether key is the record's text itself (so find_child may read past it).
error_code FieldExtractor::read_key(ondemand::field& field, std::string_view& key, bool& raw) {
  const char* text = field.key().raw();
  std::size_t size = 0;
  raw = detail::raw_string_length(text, size);
  if (raw) {
    key = std::string_view(text, size);   // the record's text outlives any parser buffer
    return simdjson::SUCCESS;
  }
  error_code error = field.unescaped_key().get(key);
  if (!error && copy_strings_) key = arena_->copy_string(key);
  return error;
}

void FieldExtractor::begin_record(Arena& arena, std::span<Value> slots) {
  arena_ = &arena;
  slots_ = slots;
  pending_.clear();
  copy_strings_ = false;
  ++generation_;
  raw_mode_ = false;  // extract_raw sets it once it has accepted the record
}

error_code FieldExtractor::extract(ondemand::object record, Arena& arena, std::span<Value> slots) {
  begin_record(arena, slots);
  if (!lazy_) {
    for (Value& slot : slots) slot = Value::undefined();
    root_open_ = false;
    return extract_object(record, 0);
  }
  defer_all(slots);
  error_code error = record.begin().get(root_it_);
  if (!error) error = record.end().get(root_end_);
  if (error) return error;
  root_open_ = true;
  eager_left_ = eager_count_;
  return read_root(kNoNode);
}

// A copy rather than a loop of stores: with a rule pack a record has ~40 slots.
void FieldExtractor::defer_all(std::span<Value> slots) const {
  if (slots.size() == deferred_slots_.size()) {
    std::copy(deferred_slots_.begin(), deferred_slots_.end(), slots.begin());
  } else {
    std::fill(slots.begin(), slots.end(), deferred_slot());
  }
}

error_code FieldExtractor::read_on(std::uint32_t slot) {
  if (!is_deferred(slot)) return simdjson::SUCCESS;
  const std::uint32_t until = slot < top_of_slot_.size() ? top_of_slot_[slot] : kNoNode;
  // No member holds it, the pass is over, or its member was read without it (a
  // nested path the member lacks: resolved here rather than reset on every read).
  if (until == kNoNode || !root_open_ || seen_[until] == generation_) {
    slots_[slot] = Value::undefined();
    return simdjson::SUCCESS;
  }
  copy_strings_ = false;
  if (raw_mode_) {
    if (raw_root(until)) return simdjson::SUCCESS;
    if (const error_code error = switch_to_ondemand()) {  // the walker gave up: simdjson decides
      close_root();
      return error;
    }
  }
  const error_code error = read_root(until);
  if (error) close_root();
  return error;
}

// Walks the paused root iterator exactly as extract_object's loop would, one
// member at a time, so that stopping and resuming reads each member once.
error_code FieldExtractor::read_root(std::uint32_t until) {
  while (root_it_ != root_end_) {
    auto result = *root_it_;
    if (error_code error = result.error()) return error;
    ondemand::field&& field = std::move(result).value_unsafe();
    std::uint32_t child = kNoNode;
    if (error_code error = read_root_member(field, child)) return error;
    ++root_it_;
    if (child == kNoNode) continue;
    if (child == until) return simdjson::SUCCESS;
    if (until == kNoNode && eager_node_[child] && --eager_left_ == 0) return simdjson::SUCCESS;
  }
  close_root();
  return simdjson::SUCCESS;
}

// child: the top-level node read now (kNoNode for an unwanted or duplicate key).
error_code FieldExtractor::read_root_member(ondemand::field& field, std::uint32_t& child) {
  std::string_view key;
  bool raw = false;
  if (error_code error = read_key(field, key, raw)) return error;
  const std::uint32_t found = raw ? find_child(0, key) : find_child_linear(0, key);
  if (found == kNoNode || seen_[found] == generation_) return simdjson::SUCCESS;
  seen_[found] = generation_;
  child = found;
  return extract_member(field.value(), found);
}

// The record ended (or broke off): whatever is still deferred is absent.
void FieldExtractor::close_root() {
  root_open_ = false;
  for (Value& slot : slots_) {
    if (runtime::is_deferred(slot)) slot = Value::undefined();
  }
}

error_code FieldExtractor::extract_object(ondemand::object object, std::uint32_t node) {
  for (auto result : object) {
    if (error_code error = result.error()) return error;
    ondemand::field&& field = std::move(result).value_unsafe();  // no copy of the iterator state
    std::string_view key;
    bool raw = false;
    if (error_code error = read_key(field, key, raw)) return error;
    const std::uint32_t child = raw ? find_child(node, key) : find_child_linear(node, key);
    if (child == kNoNode || seen_[child] == generation_) continue;  // unwanted or duplicate key
    seen_[child] = generation_;
    if (error_code error = extract_member(field.value(), child)) return error;
  }
  return simdjson::SUCCESS;
}

error_code FieldExtractor::extract_member(ondemand::value& value, std::uint32_t child) {
  const Node& node = nodes_[child];
  ondemand::json_type type;
  if (error_code error = value.type().get(type)) return error;
  const bool container = type == ondemand::json_type::object || type == ondemand::json_type::array;
  if (!node.slots.empty() && !container) {
    Value result;
    if (error_code error = materialize(value, *arena_, result)) return error;
    for (std::uint32_t slot : node.slots) slots_[slot] = result;
    return simdjson::SUCCESS;
  }
  if (!node.slots.empty()) set_pending(child, value.raw_json_token().data());
  if (type != ondemand::json_type::object || node.children.empty()) return simdjson::SUCCESS;  // wrong type: Undefined
  ondemand::object object;
  if (error_code error = value.get_object().get(object)) return error;
  return extract_object(object, child);
}

void FieldExtractor::set_pending(std::uint32_t child, const char* start) {
  const Value marker = pending_slot(static_cast<std::uint32_t>(pending_.size()));
  pending_.push_back(Pending{child, start});
  for (std::uint32_t slot : nodes_[child].slots) slots_[slot] = marker;
}

error_code FieldExtractor::resolve(std::uint32_t slot, const char* record_end) {
  if (slot >= slots_.size() || !is_pending(slots_[slot]) || runtime::is_deferred(slots_[slot])) {
    return simdjson::SUCCESS;
  }
  const Pending pending = pending_.at(static_cast<std::size_t>(slots_[slot].integer));
  Value result;
  copy_strings_ = true;
  const error_code error = materialize_span(std::string_view(pending.start, static_cast<std::size_t>(record_end - pending.start)), result);
  copy_strings_ = false;
  for (std::uint32_t s : nodes_[pending.node].slots) slots_[s] = error ? Value::undefined() : result;
  return error;
}

// text: the pending value and whatever follows it up to the record's end.
error_code FieldExtractor::materialize_span(std::string_view text, Value& out) {
  const detail::ScanResult scan = detail::scan_value(text, 0, max_depth_);
  if (scan.status == detail::ScanStatus::TooDeep) return simdjson::DEPTH_ERROR;
  if (scan.status != detail::ScanStatus::Ok) return simdjson::TAPE_ERROR;
  ondemand::document doc;
  ondemand::value value;
  error_code error = pending_parser_.iterate(text.data(), scan.end, scan.end + simdjson::SIMDJSON_PADDING).get(doc);
  if (!error) error = doc.get_value().get(value);
  if (!error) error = materialize(value, *arena_, out);  // scan_value ended the span at the value's end
  return error;
}

error_code FieldExtractor::materialize(ondemand::value value, Arena& arena, Value& out) {
  arena_ = &arena;
  ondemand::json_type type;
  if (error_code error = value.type().get(type)) return error;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object object;
      if (error_code error = value.get_object().get(object)) return error;
      return materialize_object(object, out);
    }
    case ondemand::json_type::array: {
      ondemand::array array;
      if (error_code error = value.get_array().get(array)) return error;
      return materialize_array(array, out);
    }
    case ondemand::json_type::string: {
      const char* raw = value.raw_json_token().data() + 1;  // after the quote; the value is not consumed
      std::size_t size = 0;
      if (detail::raw_string_length(raw, size)) {
        out = Value::from_string(std::string_view(raw, size));   // no escapes: the text is the value
        return simdjson::SUCCESS;
      }
      std::string_view text;
      if (error_code error = value.get_string().get(text)) return error;
      out = Value::from_string(copy_strings_ ? arena_->copy_string(text) : text);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::number: return materialize_number(value, out);
    case ondemand::json_type::boolean: {
      bool flag = false;
      if (error_code error = value.get_bool().get(flag)) return error;
      out = Value::from_bool(flag);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      if (error_code error = value.is_null().get(is_null)) return error;
      if (!is_null) return simdjson::N_ATOM_ERROR;
      out = Value::null();
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

error_code FieldExtractor::materialize_object(ondemand::object object, Value& out) {
  const std::size_t start = member_scratch_.size();
  for (auto result : object) {
    if (error_code error = result.error()) return error;
    ondemand::field&& field = std::move(result).value_unsafe();  // no copy of the iterator state
    std::string_view key;
    bool raw = false;
    if (error_code error = read_key(field, key, raw)) return error;
    Value child;
    if (error_code error = materialize(field.value(), *arena_, child)) return error;
    member_scratch_.push_back(Member{key, child});
  }
  const auto count = static_cast<std::uint32_t>(member_scratch_.size() - start);
  Member* members = arena_->allocate_array<Member>(count);
  std::uninitialized_copy(member_scratch_.begin() + static_cast<std::ptrdiff_t>(start), member_scratch_.end(), members);
  member_scratch_.resize(start);
  out = Value::from_object(members, count);
  return simdjson::SUCCESS;
}

error_code FieldExtractor::materialize_array(ondemand::array array, Value& out) {
  const std::size_t start = item_scratch_.size();
  for (auto element : array) {
    ondemand::value element_value;
    if (error_code error = element.get(element_value)) return error;
    Value child;
    if (error_code error = materialize(element_value, *arena_, child)) return error;
    item_scratch_.push_back(child);
  }
  const auto count = static_cast<std::uint32_t>(item_scratch_.size() - start);
  Value* items = arena_->allocate_array<Value>(count);
  std::uninitialized_copy(item_scratch_.begin() + static_cast<std::ptrdiff_t>(start), item_scratch_.end(), items);
  item_scratch_.resize(start);
  out = Value::from_array(items, count);
  return simdjson::SUCCESS;
}

error_code FieldExtractor::materialize_number(ondemand::value value, Value& out) {
  // Take the raw token first: a failed get_number() may leave the value consumed.
  std::string_view raw = value.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t')) {
    raw.remove_suffix(1);
  }
  ondemand::number number;
  if (value.get_number().get(number) == simdjson::SUCCESS) {
    switch (number.get_number_type()) {
      case ondemand::number_type::signed_integer: out = Value::from_int(number.get_int64()); break;
      case ondemand::number_type::unsigned_integer: out = Value::from_double(static_cast<double>(number.get_uint64())); break;
      case ondemand::number_type::floating_point_number: out = Value::from_double(number.get_double()); break;
    }
    return simdjson::SUCCESS;
  }
  if (!is_json_number(raw)) return simdjson::NUMBER_ERROR;
  // Out of simdjson's range: keep it as a double when finite, else as its text.
  const std::string text(raw);
  char* end = nullptr;
  const double parsed = std::strtod(text.c_str(), &end);
  if (end == text.c_str() + text.size() && !text.empty() && std::isfinite(parsed)) {
    out = Value::from_double(parsed);
  } else {
    out = Value::from_string(arena_->copy_string(raw));
  }
  return simdjson::SUCCESS;
}

}  // namespace sesrules::runtime
