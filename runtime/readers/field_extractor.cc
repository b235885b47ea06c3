// Field extraction with simdjson on-demand (see field_extractor.h). The wanted
// paths form a trie; the pass descends only into objects that lead to a wanted
// path, so most of a record (requestParameters, responseElements) is skipped by
// simdjson's structural index without being decoded.
// Tested by tests/unit/runtime/field_extractor_test.cc.
#include "runtime/readers/field_extractor.h"

#include <cmath>
#include <cstdlib>
#include <memory>

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

FieldExtractor::FieldExtractor(const std::vector<std::vector<std::string>>& paths) {
  nodes_.push_back(Node{});
  for (std::uint32_t slot = 0; slot < paths.size(); ++slot) {
    std::uint32_t node = 0;
    for (const std::string& key : paths[slot]) {
      std::uint32_t child = find_child(node, key);
      if (child == kNoNode) {
        child = static_cast<std::uint32_t>(nodes_.size());
        nodes_.push_back(Node{key, {}, {}});
        nodes_[node].children.push_back(child);
      }
      node = child;
    }
    if (node != 0) nodes_[node].slots.push_back(slot);
  }
  seen_.assign(nodes_.size(), 0);
  slot_count_ = paths.size();
}

std::uint32_t FieldExtractor::find_child(std::uint32_t node, std::string_view key) const {
  for (std::uint32_t child : nodes_[node].children) {
    if (nodes_[child].key == key) return child;
  }
  return kNoNode;
}

error_code FieldExtractor::extract(ondemand::object record, Arena& arena, std::span<Value> slots) {
  for (Value& slot : slots) slot = Value::undefined();
  arena_ = &arena;
  slots_ = slots;
  ++generation_;
  return extract_object(record, 0);
}

error_code FieldExtractor::extract_object(ondemand::object object, std::uint32_t node) {
  for (auto field : object) {
    std::string_view key;
    if (error_code error = field.unescaped_key().get(key)) return error;
    const std::uint32_t child = find_child(node, key);
    if (child == kNoNode || seen_[child] == generation_) continue;  // unwanted or duplicate key
    seen_[child] = generation_;
    if (error_code error = extract_member(field.value(), child)) return error;
  }
  return simdjson::SUCCESS;
}

error_code FieldExtractor::extract_member(ondemand::value value, std::uint32_t child) {
  const Node& node = nodes_[child];
  if (!node.slots.empty()) {
    Value result;
    if (error_code error = materialize(value, *arena_, result)) return error;
    for (std::uint32_t slot : node.slots) slots_[slot] = result;
    if (!node.children.empty()) fill_from_value(child, result);
    return simdjson::SUCCESS;
  }
  ondemand::json_type type;
  if (error_code error = value.type().get(type)) return error;
  if (type != ondemand::json_type::object) return simdjson::SUCCESS;  // wrong type: leave Undefined
  ondemand::object object;
  if (error_code error = value.get_object().get(object)) return error;
  return extract_object(object, child);
}

void FieldExtractor::fill_from_value(std::uint32_t node, const Value& value) {
  if (value.kind != Kind::Object) return;
  for (std::uint32_t child : nodes_[node].children) {
    const Node& child_node = nodes_[child];
    for (std::uint32_t i = 0; i < value.size; ++i) {
      if (value.members[i].key != child_node.key) continue;
      for (std::uint32_t slot : child_node.slots) slots_[slot] = value.members[i].value;
      fill_from_value(child, value.members[i].value);
      break;  // first occurrence wins
    }
  }
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
      std::string_view text;
      if (error_code error = value.get_string().get(text)) return error;
      out = Value::from_string(text);
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
  for (auto field : object) {
    std::string_view key;
    if (error_code error = field.unescaped_key().get(key)) return error;
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
