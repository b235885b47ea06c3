// Checkpoint writer and reader (format in snapshot.h). The reader checks the
// frame (magic, version, length, CRC) before decoding, and the decoder checks
// every count and reference against the data (bytes.h), so both accidental
// damage and a hostile payload end in a Status.
#include "runtime/stream/snapshot.h"

#include <libdeflate.h>

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "runtime/stream/engine_state.h"
#include "runtime/stream/event_codec.h"

namespace sesrules::runtime::stream {

namespace {

constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8;

void write_pending(ByteWriter& out, const PendingEvent& pending, const std::vector<std::uint32_t>& rule_slot,
                   EventTableWriter& events) {
  out.svarint(pending.time_ms);
  out.str(pending.event_id);
  out.varint(pending.seq);
  out.varint(pending.items.size());
  for (const SequenceEvent& item : pending.items) {
    out.varint(rule_slot[item.rule]);
    out.varint(item.key.size());
    for (const std::string& part : item.key) out.str(part);
    out.varint(item.step_mask);
    out.u8(item.until ? 1 : 0);
    out.u8(item.distinct_value ? 1 : 0);
    if (item.distinct_value) out.str(*item.distinct_value);
    out.varint(events.ref(item.event));
  }
}

// `rule_map[snapshot rule]` = new rule index, or -1 when that rule's state is dropped.
PendingEvent read_pending(ByteReader& in, const std::vector<int>& rule_map, const EventTable& events,
                          std::uint64_t& dropped) {
  PendingEvent pending;
  pending.time_ms = in.svarint();
  pending.event_id = in.str();
  pending.seq = in.varint();
  const std::size_t n = in.count(6);
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    SequenceEvent item;
    const std::uint64_t rule = in.varint();
    item.key.resize(in.count(1));
    for (std::string& part : item.key) part = in.str();
    item.step_mask = in.varint();
    item.until = in.u8() != 0;
    if (in.u8() != 0) item.distinct_value = in.str();
    item.event = events.lookup(in, true);
    if (rule >= rule_map.size()) in.fail("pending item of unknown rule " + std::to_string(rule));
    if (!in.ok()) break;
    if (rule_map[rule] < 0) {
      ++dropped;
      continue;
    }
    item.rule = static_cast<std::uint32_t>(rule_map[rule]);
    pending.items.push_back(std::move(item));
  }
  return pending;
}

void write_processor(ByteWriter& out, const ProcessorState& state) {
  out.varint(state.position);
  out.u8(state.has_position ? 1 : 0);
  out.u8(state.finished ? 1 : 0);
  out.varint(state.counters.size());
  for (const auto& [name, value] : state.counters) {
    out.str(name);
    out.varint(value);
  }
}

void read_processor(ByteReader& in, ProcessorState& state) {
  state.position = in.varint();
  state.has_position = in.u8() != 0;
  state.finished = in.u8() != 0;
  state.counters.clear();
  const std::size_t n = in.count(2);
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    std::string name = in.str();
    state.counters[name] = in.varint();
  }
}

// The rule sections, written before the event table is complete.
std::vector<std::uint32_t> sequence_rules(const Program& program) {
  std::vector<std::uint32_t> rules;
  for (std::uint32_t i = 0; i < program.rules.size(); ++i) {
    if (program.rules[i].kind != RuleKind::Single) rules.push_back(i);
  }
  return rules;
}

// Number of keys in a rule section (for RestoreReport::dropped_items).
std::uint64_t section_keys(std::string_view section) {
  ByteReader in(section);
  for (int i = 0; i < 7; ++i) in.varint();   // the stats (engine_state.cc, write_stats)
  const std::uint64_t keys = in.varint();
  return in.ok() ? keys : 0;
}

Status check_frame(std::string_view bytes, std::string_view& payload) {
  if (bytes.size() < kHeaderBytes) {
    return Status::error("snapshot: truncated header (" + std::to_string(bytes.size()) + " bytes)");
  }
  if (bytes.substr(0, 8) != kSnapshotMagic) return Status::error("snapshot: not a sesrules checkpoint (bad magic)");
  ByteReader header(bytes.substr(8, kHeaderBytes - 8));
  const std::uint32_t version = header.fixed32();
  const std::uint32_t crc = header.fixed32();
  const std::uint64_t length = header.fixed64();
  if (version != kSnapshotVersion) {
    return Status::error("snapshot: format version " + std::to_string(version) + ", this build reads " +
                         std::to_string(kSnapshotVersion));
  }
  if (length != bytes.size() - kHeaderBytes) {
    return Status::error("snapshot: payload of " + std::to_string(bytes.size() - kHeaderBytes) +
                         " bytes, header says " + std::to_string(length) + " (truncated?)");
  }
  payload = bytes.substr(kHeaderBytes);
  if (snapshot_checksum(payload) != crc) return Status::error("snapshot: checksum mismatch (corrupt data)");
  return Status();
}

}  // namespace

std::uint32_t snapshot_checksum(std::string_view payload) {
  return libdeflate_crc32(0, payload.data(), payload.size());
}

std::string write_snapshot(const SequencePipeline& pipeline, const ProcessorState& state) {
  const Program& program = pipeline.program();
  EventTableWriter events;
  const std::vector<std::uint32_t> rules = sequence_rules(program);
  std::vector<std::uint32_t> rule_slot(program.rules.size(), 0);
  ByteWriter sections;
  sections.varint(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    rule_slot[rules[i]] = static_cast<std::uint32_t>(i);
    const Rule& rule = program.rules[rules[i]];
    ByteWriter section;
    write_rule_state(pipeline.engine(), rules[i], events, section);
    sections.str(rule.name);
    sections.str(rule.version);
    sections.str(section.bytes());
  }
  ByteWriter tail;
  tail.svarint(engine_watermark(pipeline.engine()));
  const ReorderBuffer& reorder = pipeline.reorder();
  tail.svarint(reorder.max_time_seen());
  tail.varint(reorder.late());
  tail.varint(reorder.peak_size());
  // Release order, not heap order: the bytes then depend on the state only, so
  // snapshot(restore(s)) == s.
  std::vector<const PendingEvent*> held;
  for (const PendingEvent& pending : reorder.held()) held.push_back(&pending);
  std::sort(held.begin(), held.end(), [](const PendingEvent* a, const PendingEvent* b) {
    return std::tie(a->time_ms, a->event_id, a->seq) < std::tie(b->time_ms, b->event_id, b->seq);
  });
  tail.varint(held.size());
  for (const PendingEvent* pending : held) write_pending(tail, *pending, rule_slot, events);
  tail.varint(pipeline.dedup().duplicates());
  const auto seen = pipeline.dedup().entries();
  tail.varint(seen.size());
  for (const auto& [id, time] : seen) {
    tail.str(id);
    tail.svarint(time);
  }
  tail.varint(pipeline.next_seq());

  ByteWriter payload;
  write_processor(payload, state);
  write_field_paths(payload, field_paths(program));
  events.write(payload);
  payload.raw(sections.bytes());
  payload.raw(tail.bytes());

  ByteWriter out;
  out.raw(kSnapshotMagic);
  out.fixed32(kSnapshotVersion);
  out.fixed32(snapshot_checksum(payload.bytes()));
  out.fixed64(payload.bytes().size());
  out.raw(payload.bytes());
  return out.take();
}

namespace {

// Maps the snapshot's rule sections onto `program` and loads the unchanged ones.
std::vector<int> read_rule_sections(ByteReader& in, SequencePipeline& into, const EventTable& events,
                                    RestoreReport& report) {
  const Program& program = into.program();
  std::unordered_map<std::string, std::uint32_t> by_name;
  for (std::uint32_t i : sequence_rules(program)) by_name.emplace(program.rules[i].name, i);
  std::vector<int> rule_map;
  const std::size_t n = in.count(3);
  for (std::size_t i = 0; i < n && in.ok(); ++i) {
    const std::string name = in.str();
    const std::string version = in.str();
    const std::string_view section = in.bytes(in.count(1));
    if (!in.ok()) break;
    auto found = by_name.find(name);
    if (found == by_name.end()) {
      report.removed.push_back(name);
    } else if (program.rules[found->second].version != version) {
      report.changed.push_back(name);
      by_name.erase(found);
    } else {
      ByteReader rule_in(section);
      read_rule_state(rule_in, into.engine(), found->second, events);
      if (rule_in.ok() && rule_in.remaining() != 0) rule_in.fail("trailing bytes");
      if (!rule_in.ok()) in.fail("rule " + name + ": " + rule_in.error());
      rule_map.push_back(static_cast<int>(found->second));
      by_name.erase(found);
      continue;
    }
    report.dropped_items += section_keys(section);
    rule_map.push_back(-1);
  }
  for (std::uint32_t i : sequence_rules(program)) {   // left in by_name: not in the snapshot
    if (by_name.contains(program.rules[i].name)) report.added.push_back(program.rules[i].name);
  }
  return rule_map;
}

void read_tail(ByteReader& in, SequencePipeline& into, const std::vector<int>& rule_map, const EventTable& events,
               RestoreReport& report) {
  set_engine_watermark(into.engine(), in.svarint());
  const std::int64_t max_time_seen = in.svarint();
  const std::uint64_t late = in.varint();
  const std::uint64_t peak = in.varint();
  std::vector<PendingEvent> held(in.count(4));
  for (PendingEvent& pending : held) {
    if (in.ok()) pending = read_pending(in, rule_map, events, report.dropped_items);
  }
  into.reorder().restore(max_time_seen, late, static_cast<std::size_t>(peak), std::move(held));
  const std::uint64_t duplicates = in.varint();
  std::vector<std::pair<std::string, std::int64_t>> seen(in.count(2));
  for (auto& [id, time] : seen) {
    id = in.str();
    time = in.svarint();
  }
  into.dedup().restore(seen, duplicates);
  into.set_next_seq(in.varint());
}

}  // namespace

Status read_snapshot(std::string_view bytes, SequencePipeline& into, ProcessorState& state, RestoreReport* report) {
  std::string_view payload;
  if (Status frame = check_frame(bytes, payload); !frame.ok()) return frame;
  RestoreReport local;
  RestoreReport& out = report ? *report : local;
  out = RestoreReport{};
  ByteReader in(payload);
  read_processor(in, state);
  const auto old_fields = read_field_paths(in);
  EventTable events;
  if (in.ok()) events.read(in, old_fields, into.program());
  std::vector<int> rule_map;
  if (in.ok()) rule_map = read_rule_sections(in, into, events, out);
  if (in.ok()) read_tail(in, into, rule_map, events, out);
  if (in.ok() && in.remaining() != 0) in.fail("trailing bytes after the snapshot");
  if (!in.ok()) return Status::error("snapshot: " + in.error());
  return Status();
}

}  // namespace sesrules::runtime::stream
