// FieldExtractor's raw path (see field_extractor.h, "Raw records"): a plain record
// walked on its bytes. Most of a CloudTrail record is members no rule reads; the
// walker reads each top-level key in place, jumps over unwanted values with the
// framing scanner (json_blocks.h, a few instructions per 64 bytes) and stops as
// early as the lazy pass allows, where simdjson would first index every byte of
// the record (stage 1). The walker checks the grammar of everything it walks and
// gives up on anything unusual, so that simdjson decides every hard case.
// Tested by tests/unit/runtime/field_extractor_test.cc (against the simdjson path).
#include "runtime/readers/field_extractor.h"
#include "runtime/readers/field_extractor_keys.h"

#include "runtime/readers/json_blocks.h"
#include "runtime/readers/json_scan.h"
#include "runtime/readers/raw_string.h"
#include "runtime/record.h"

namespace sesrules::runtime {

using simdjson::error_code;

namespace {

// Any structural byte ends a scalar token (as in simdjson's stage 1), so that
// `-{}` is a token and an object, and the grammar check after it fails.
bool ends_scalar(char c) {
  return detail::is_json_space(c) || c == ',' || c == '}' || c == ']' || c == '{' || c == '[' || c == '"' ||
         c == ':';
}

// text[pos, pos + word.size()) is word followed by the end of a scalar.
bool literal_at(std::string_view text, std::size_t pos, std::string_view word) {
  return text.substr(pos, word.size()) == word && pos + word.size() < text.size() &&
         ends_scalar(text[pos + word.size()]);
}

}  // namespace

bool FieldExtractor::extract_raw(std::string_view record, Arena& arena, std::span<Value> slots) {
  begin_record(arena, slots);
  defer_all(slots);
  raw_text_ = record;
  // simdjson checks the outer brackets match before anything else (`{...]`).
  std::size_t last = record.size();
  while (last > 0 && detail::is_json_space(record[last - 1])) --last;
  const std::size_t open = detail::skip_space(record, 0);
  if (open >= record.size() || record[open] != '{' || last == 0 || record[last - 1] != '}') return false;
  raw_mode_ = true;  // only now: a declined record leaves no raw state behind
  raw_pos_ = open + 1;
  raw_members_ = 0;
  root_open_ = true;
  eager_left_ = eager_count_;
  return raw_root(kNoNode);
}

// read_root's loop on the bytes: stops after `until`, or after the eager members.
// The position and comma flag live in locals while it runs: kept in the members,
// they would be stored and reloaded at every member (a slot store may alias them).
bool FieldExtractor::raw_root(std::uint32_t until) {
  std::size_t pos = raw_pos_;
  std::uint32_t members = raw_members_;
  for (;;) {
    std::uint32_t child = kNoNode;
    const RawStep step = raw_member(pos, members, 0, child);
    if (step == RawStep::Fail) return false;
    if (step == RawStep::End) {
      close_root();
      return true;
    }
    if (child == kNoNode) continue;
    if (child == until || (until == kNoNode && eager_node_[child] && --eager_left_ == 0)) {
      raw_pos_ = pos;
      raw_members_ = members;
      return pause_ok();
    }
  }
}

// Pausing after a member: it must be followed by the next one or the object's end,
// so that the value was checked as far as simdjson checks it (`"n":1"x"`). The
// next raw_member checks that itself when the pass does not pause.
bool FieldExtractor::pause_ok() const {
  const std::size_t next = detail::skip_space(raw_text_, raw_pos_);
  return next < raw_text_.size() && (raw_text_[next] == ',' || raw_text_[next] == '}');
}

// One member of node's object, or its closing brace. pos is just after the '{'
// (members 0) or after the previous member's value. The position lives in a
// local until the member is done (not stored through pos at every step), and
// each step tests its byte before calling skip_space: compact JSON, CloudTrail's
// own, has no whitespace between tokens. Bytes up to size() + 63 are readable
// (the padding), so a step may look up to 17 bytes past a key before its checks.
FieldExtractor::RawStep FieldExtractor::raw_member(std::size_t& pos_ref, std::uint32_t& members,
                                                   std::uint32_t node, std::uint32_t& child) {
  const std::string_view text = raw_text_;
  const char* const bytes = text.data();
  const auto next_token = [&](std::size_t at) {
    return detail::is_json_space(bytes[at]) ? detail::skip_space(text, at) : at;
  };
  std::size_t pos = next_token(pos_ref);
  if (pos >= text.size()) return RawStep::Fail;
  if (bytes[pos] == '}') {
    pos_ref = pos + 1;
    return RawStep::End;
  }
  if (members != 0) {
    if (bytes[pos] != ',') return RawStep::Fail;
    pos = next_token(pos + 1);
  }
  if (pos >= text.size() || bytes[pos] != '"') return RawStep::Fail;
  const char* const key_at = bytes + pos + 1;
  std::size_t size = 0;
  const TableEntry* entry = nullptr;
  std::uint32_t found = kNoNode;
  if (!raw_key(node, members, key_at, size, entry, found)) return RawStep::Fail;  // an escaped key
  ++members;
  pos = next_token(pos + size + 2);
  if (pos >= text.size() || bytes[pos] != ':') return RawStep::Fail;
  pos = next_token(pos + 1);
  if (pos >= text.size()) return RawStep::Fail;
  bool ok = false;
  if (found != kNoNode && seen_[found] != generation_) {
    seen_[found] = generation_;
    child = found;
    // A wanted string without escapes, raw_value's most common case, stored
    // without reading the child's Node.
    if (entry != nullptr && entry->only_slot != kNoSlot && bytes[pos] == '"' &&
        detail::raw_string_length(bytes + pos + 1, size) && pos + size + 2 <= text.size()) {
      slots_[entry->only_slot] = Value::from_string(std::string_view(bytes + pos + 1, size));
      pos += size + 2;
      ok = true;
    } else {
      ok = raw_value(pos, found);
    }
  } else if (bytes[pos] == '"' && detail::raw_string_length(bytes + pos + 1, size)) {
    pos += size + 2;  // raw_skip's common case, inline
    ok = pos <= text.size();
  } else {
    ok = raw_skip(pos);
  }
  pos_ref = pos;
  return ok ? RawStep::Member : RawStep::Fail;
}

// The key at key_at (just after its opening quote) of member `index` of node's
// object: its size, table entry (null for a node without a table) and child
// (kNoNode: not wanted). The predicted key is this one when its bytes are here
// and a quote follows them: the key has no quote or backslash, so that quote
// ends this key too. False for a key with an escape.
bool FieldExtractor::raw_key(std::uint32_t node, std::uint32_t index, const char* key_at, std::size_t& size,
                             const TableEntry*& entry, std::uint32_t& found) {
  Predicted* const predicted = index < kPredicted ? &predicted_[node * kPredicted + index] : nullptr;
  if (predicted != nullptr && predicted->size != 0 && key_at[predicted->size] == '"') {
    const KeyWords words = key_words(key_at, predicted->size);
    if (words.head == predicted->words.head && words.tail == predicted->words.tail) {
      size = predicted->size;
      found = predicted->found;
      entry = predicted->entry;
      return true;
    }
  }
  if (!detail::raw_string_length(key_at, size)) return false;
  const std::string_view key(key_at, size);
  if (nodes_[node].linear) {
    found = find_child_linear(node, key);
  } else {
    entry = find_entry(node, key);
    found = entry != nullptr ? entry->child : kNoNode;
  }
  if (predicted != nullptr && size <= 16) {
    *predicted = Predicted{key_words(key_at, size), static_cast<std::uint32_t>(size), found, entry};
  }
  return true;
}

// extract_member on the bytes: pos at the value's first byte, then after it.
bool FieldExtractor::raw_value(std::size_t& pos, std::uint32_t child) {
  const Node& node = nodes_[child];
  const char first = raw_text_[pos];
  if (first == '{' || first == '[') {
    if (!node.slots.empty()) set_pending(child, raw_text_.data() + pos);
    if (first == '{' && !node.children.empty()) return raw_object(pos, child);
    return raw_skip(pos);
  }
  if (node.slots.empty()) {  // a scalar where a path goes through: deeper slots stay Undefined
    // simdjson asks a wanted member's type, which needs a JSON value's first byte.
    const bool typed = first == '"' || first == '-' || (first >= '0' && first <= '9') || first == 't' ||
                       first == 'f' || first == 'n';
    return typed && raw_skip(pos);
  }
  Value value;
  if (!raw_scalar(pos, value)) return false;
  for (std::uint32_t slot : node.slots) slots_[slot] = value;
  return true;
}

// Every member of the object whose '{' is at pos (no pausing below the root).
bool FieldExtractor::raw_object(std::size_t& pos, std::uint32_t node) {
  std::size_t at = pos + 1;  // a local, as in raw_root
  std::uint32_t members = 0;
  for (;;) {
    std::uint32_t child = kNoNode;
    const RawStep step = raw_member(at, members, node, child);
    if (step == RawStep::Fail) return false;
    if (step == RawStep::End) {
      pos = at;
      return true;
    }
  }
}

bool FieldExtractor::raw_skip(std::size_t& pos) const {
  const std::string_view text = raw_text_;
  const char first = text[pos];
  if (first == '"') {
    std::size_t size = 0;
    const std::size_t end = detail::raw_string_length(text.data() + pos + 1, size) ? pos + size + 2
                                                                                   : detail::scan_string(text, pos);
    if (end == std::string_view::npos || end > text.size()) return false;
    pos = end;
    return true;
  }
  if (first == '{' || first == '[') {
    const detail::ScanResult scan = detail::skip_container(text, pos, max_depth_);
    if (scan.status != detail::ScanStatus::Ok) return false;
    pos = scan.end;
    return true;
  }
  if (first == '}' || first == ']' || first == ',' || first == ':') return false;
  const std::size_t start = pos;
  while (pos < text.size() && !ends_scalar(text[pos])) ++pos;
  return pos > start && pos < text.size();
}

// A scalar a slot wants. Strings without escapes are the record's bytes; escaped
// strings and numbers are decoded (and validated) by simdjson, literals here.
bool FieldExtractor::raw_scalar(std::size_t& pos, Value& out) {
  const std::string_view text = raw_text_;
  const char first = text[pos];
  if (first == '"') {
    std::size_t size = 0;
    if (detail::raw_string_length(text.data() + pos + 1, size)) {
      if (pos + size + 2 > text.size()) return false;
      out = Value::from_string(std::string_view(text.data() + pos + 1, size));
      pos += size + 2;
      return true;
    }
  } else if (first == 't' || first == 'f' || first == 'n') {
    const std::string_view word = first == 't' ? "true" : first == 'f' ? "false" : "null";
    if (!literal_at(text, pos, word)) return false;
    out = first == 'n' ? Value::null() : Value::from_bool(first == 't');
    pos += word.size();
    return true;
  } else if (first != '-' && (first < '0' || first > '9')) {
    return false;
  }
  const std::size_t start = pos;
  if (first == '"') {
    pos = detail::scan_string(text, pos);
    if (pos == std::string_view::npos || pos > text.size()) return false;
  } else {
    while (pos < text.size() && !ends_scalar(text[pos])) ++pos;
    if (pos >= text.size()) return false;
  }
  // simdjson has no value for a scalar document: decode the token as [token].
  raw_scratch_.assign(1, '[');
  raw_scratch_.append(text.substr(start, pos - start));
  raw_scratch_.push_back(']');
  raw_scratch_.append(simdjson::SIMDJSON_PADDING, ' ');
  copy_strings_ = true;  // an unescaped string lives in the decoding parser's buffer
  Value array;
  const error_code error = materialize_span(raw_scratch_, array);
  copy_strings_ = false;
  if (error || array.kind != Kind::Array || array.size != 1) return false;
  out = array.items[0];
  return true;
}

// read_on's fallback when the walker gives up: simdjson reads the record from its
// start. Every slot goes back to deferred, so that what simdjson reads (or fails
// to read) is all that counts: the walker may have read a value simdjson rejects.
error_code FieldExtractor::switch_to_ondemand() {
  raw_mode_ = false;
  ++generation_;
  defer_all(slots_);
  pending_.clear();
  simdjson::ondemand::object object;
  error_code error =
      record_parser_.iterate(raw_text_.data(), raw_text_.size(), raw_text_.size() + simdjson::SIMDJSON_PADDING)
          .get(record_doc_);
  if (!error) error = record_doc_.get_object().get(object);
  if (!error) error = object.begin().get(root_it_);
  if (!error) error = object.end().get(root_end_);
  return error;
}

}  // namespace sesrules::runtime
