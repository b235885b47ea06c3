// Checkpoint encoding of EventRecords and Values (see event_codec.h).
#include "runtime/stream/event_codec.h"

#include <array>
#include <bit>
#include <map>

#include "runtime/readers/record_reader.h"

namespace sesrules::runtime::stream {

namespace {

constexpr int kMaxValueDepth = 512;   // above ReaderOptions::max_depth; a deeper value is corrupt

void write_value(ByteWriter& out, const Value& v) {
  out.u8(static_cast<std::uint8_t>(v.kind));
  switch (v.kind) {
    case Kind::Undefined:
    case Kind::Null: break;
    case Kind::Bool: out.u8(v.boolean ? 1 : 0); break;
    case Kind::Int: out.svarint(v.integer); break;
    case Kind::Float: out.fixed64(std::bit_cast<std::uint64_t>(v.number)); break;
    case Kind::String: out.str(v.str()); break;
    case Kind::Array:
      out.varint(v.size);
      for (std::uint32_t i = 0; i < v.size; ++i) write_value(out, v.items[i]);
      break;
    case Kind::Object:
      out.varint(v.size);
      for (std::uint32_t i = 0; i < v.size; ++i) {
        out.str(v.members[i].key);
        write_value(out, v.members[i].value);
      }
      break;
    case Kind::Set: out.varint(v.set_id); break;
  }
}

// Builds the value in `arena`; the caller deep-copies it into an OwnedValue.
Value read_value(ByteReader& in, Arena& arena, int depth) {
  if (depth > kMaxValueDepth) {
    in.fail("value nested deeper than " + std::to_string(kMaxValueDepth));
    return {};
  }
  const std::uint8_t kind = in.u8();
  switch (static_cast<Kind>(kind)) {
    case Kind::Undefined: return Value::undefined();
    case Kind::Null: return Value::null();
    case Kind::Bool: return Value::from_bool(in.u8() != 0);
    case Kind::Int: return Value::from_int(in.svarint());
    case Kind::Float: return Value::from_double(std::bit_cast<double>(in.fixed64()));
    case Kind::String: return Value::from_string(arena.copy_string(in.bytes(in.count(1))));
    case Kind::Array: {
      const std::size_t n = in.count(1);
      Value* items = arena.allocate_array<Value>(n);
      for (std::size_t i = 0; i < n; ++i) items[i] = read_value(in, arena, depth + 1);
      return Value::from_array(items, static_cast<std::uint32_t>(n));
    }
    case Kind::Object: {
      const std::size_t n = in.count(2);
      Member* members = arena.allocate_array<Member>(n);
      for (std::size_t i = 0; i < n; ++i) {
        members[i].key = arena.copy_string(in.bytes(in.count(1)));
        members[i].value = read_value(in, arena, depth + 1);
      }
      return Value::from_object(members, static_cast<std::uint32_t>(n));
    }
    case Kind::Set: break;   // only the compiler makes sets: never in a record's slots
  }
  in.fail("unknown value kind " + std::to_string(kind));
  return {};
}

// The standard string fields, in encoding order (const or not, for write and read).
template <typename Event>
auto standard_strings(Event& e) {
  return std::array{&e.event_id,  &e.event_time, &e.event_source,  &e.event_name,        &e.aws_region,
                    &e.source_ip, &e.user_arn,   &e.access_key_id, &e.recipient_account, &e.file};
}

void write_event(ByteWriter& out, const EventRecord& event) {
  out.svarint(event.time_ms);
  for (const std::string* s : standard_strings(event)) out.str(*s);
  out.u8(event.error_code ? 1 : 0);
  if (event.error_code) out.str(*event.error_code);
  out.varint(event.provenance.file_index);
  out.varint(event.provenance.record_index);
  out.varint(event.provenance.byte_offset);
  out.varint(event.slots.size());
  for (const OwnedValue& slot : event.slots) write_value(out, slot.get());
}

// `slot_map[old slot]` = new slot, or -1 when the new Program does not read that path.
EventPtr read_event(ByteReader& in, const std::vector<int>& slot_map, std::size_t new_slots) {
  auto event = std::make_shared<EventRecord>();
  event->time_ms = in.svarint();
  for (std::string* s : standard_strings(*event)) *s = in.str();
  if (in.u8() != 0) event->error_code = in.str();
  event->provenance.file_index = static_cast<std::uint32_t>(in.varint());
  event->provenance.record_index = in.varint();
  event->provenance.byte_offset = in.varint();
  const std::size_t n = in.count(1);
  if (n != slot_map.size()) in.fail("event with " + std::to_string(n) + " slots, expected " +
                                    std::to_string(slot_map.size()));
  event->slots.resize(new_slots);
  Arena arena(4096);
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    arena.reset();
    Value v = read_value(in, arena, 0);
    if (slot_map[i] >= 0) event->slots[static_cast<std::size_t>(slot_map[i])] = OwnedValue(v);
  }
  return event;
}

}  // namespace

std::uint64_t EventTableWriter::ref(const EventPtr& event) {
  if (!event) return 0;
  auto [it, inserted] = index_.try_emplace(event.get(), events_.size() + 1);
  if (inserted) events_.push_back(event);
  return it->second;
}

void EventTableWriter::write(ByteWriter& out) const {
  out.varint(events_.size());
  for (const EventPtr& event : events_) write_event(out, *event);
}

void EventTable::read(ByteReader& in, const std::vector<std::vector<std::string>>& old_fields,
                      const Program& program) {
  const auto new_fields = field_paths(program);
  std::map<std::vector<std::string>, int> new_slot;
  for (std::size_t i = 0; i < new_fields.size(); ++i) new_slot.emplace(new_fields[i], static_cast<int>(i));
  std::vector<int> slot_map;
  for (const auto& path : old_fields) {
    auto it = new_slot.find(path);
    slot_map.push_back(it == new_slot.end() ? -1 : it->second);
  }
  const std::size_t n = in.count(12);
  events_.clear();
  for (std::size_t i = 0; i < n && in.ok(); ++i) events_.push_back(read_event(in, slot_map, new_fields.size()));
}

EventPtr EventTable::lookup(ByteReader& in, bool required) const {
  const std::uint64_t ref = in.varint();
  if (ref == 0 && !required) return nullptr;
  if (ref == 0 || ref > events_.size()) {
    in.fail("event reference " + std::to_string(ref) + " out of range");
    return nullptr;
  }
  return events_[ref - 1];
}

std::vector<std::vector<std::string>> field_paths(const Program& program) {
  return program.fields.empty() ? standard_field_paths() : program.fields;
}

void write_field_paths(ByteWriter& out, const std::vector<std::vector<std::string>>& fields) {
  out.varint(fields.size());
  for (const auto& path : fields) {
    out.varint(path.size());
    for (const auto& part : path) out.str(part);
  }
}

std::vector<std::vector<std::string>> read_field_paths(ByteReader& in) {
  std::vector<std::vector<std::string>> fields(in.count(1));
  for (auto& path : fields) {
    path.resize(in.count(1));
    for (auto& part : path) part = in.str();
  }
  return fields;
}

}  // namespace sesrules::runtime::stream
