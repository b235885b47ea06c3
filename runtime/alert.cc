// EventRecord construction, alert ids and the output order of alerts.
// The id hash is written out here (FNV-1a then a splitmix64 finaliser, twice with
// different seeds) rather than std::hash, whose values differ between standard
// libraries: ids must be stable across builds. Tested by sequence_test.cc ("alert ...").
#include "runtime/alert.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "runtime/sequence.h"

namespace sesrules::runtime {

namespace {

// Enough for the slots of a typical CloudTrail record in one block; a larger
// record just takes more blocks.
constexpr std::size_t kEventArenaBlock = 2048;

std::string string_slot(const RecordView& record, std::uint32_t slot) {
  if (slot >= record.fields.size() || record.field(slot).kind != Kind::String) return {};
  return std::string(record.field(slot).str());
}

class IdHasher {
 public:
  void add(std::string_view text) {
    const auto size = static_cast<std::uint64_t>(text.size());
    for (int shift = 0; shift < 64; shift += 8) add_byte(static_cast<unsigned char>(size >> shift));
    for (char c : text) add_byte(static_cast<unsigned char>(c));
  }
  std::string hex() const { return fmt::format("{:016x}{:016x}", finalise(low_), finalise(high_)); }

 private:
  void add_byte(unsigned char byte) {
    low_ = (low_ ^ byte) * kPrime;
    high_ = (high_ ^ static_cast<unsigned char>(byte + 0x5b)) * kPrime;
  }
  static std::uint64_t finalise(std::uint64_t x) {
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  static constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  std::uint64_t low_ = 0xcbf29ce484222325ULL;
  std::uint64_t high_ = 0x84222325cbf29ce4ULL;
};

void fill_times(Alert& alert) {
  if (alert.events.empty()) return;
  alert.first_time_ms = alert.events.front()->time_ms;
  alert.last_time_ms = alert.events.back()->time_ms;
}

}  // namespace

EventPtr make_event_record(const RecordView& record, std::string_view file) {
  auto event = std::make_shared<EventRecord>();
  event->time_ms = record.time_ms;
  event->event_time = string_slot(record, kSlotEventTime);
  event->event_id = string_slot(record, kSlotEventId);
  event->event_source = string_slot(record, kSlotEventSource);
  event->event_name = string_slot(record, kSlotEventName);
  event->aws_region = string_slot(record, kSlotAwsRegion);
  event->source_ip = string_slot(record, kSlotSourceIp);
  event->user_arn = string_slot(record, kSlotUserArn);
  event->access_key_id = string_slot(record, kSlotAccessKeyId);
  event->recipient_account = string_slot(record, kSlotRecipientAccount);
  if (kSlotErrorCode < record.fields.size() && record.field(kSlotErrorCode).kind == Kind::String) {
    event->error_code = std::string(record.field(kSlotErrorCode).str());
  }
  event->provenance = record.provenance;
  event->file = std::string(file);
  event->slots.reserve(record.fields.size());
  // Evidence outlives the record: pending slots are materialized now, and every
  // slot is copied into one Arena (a block per slot cost two mallocs and frees).
  auto storage = std::make_shared<Arena>(kEventArenaBlock);
  for (std::uint32_t slot = 0; slot < record.fields.size(); ++slot) {
    event->slots.emplace_back(record.field(slot), storage);
  }
  return event;
}

bool event_before(const EventRecord& a, const EventRecord& b) {
  return std::tie(a.time_ms, a.event_id) < std::tie(b.time_ms, b.event_id);
}

std::string compute_alert_id(const Alert& alert, std::string_view rule_version) {
  IdHasher hasher;
  hasher.add(alert.rule_name);
  hasher.add(rule_version);
  hasher.add(std::to_string(alert.key.size()));
  for (const auto& part : alert.key) hasher.add(part);
  for (const auto& event : alert.events) hasher.add(event->event_id);
  return hasher.hex();
}

bool alert_less(const Alert& a, const Alert& b) {
  auto ids = [](const Alert& alert) {
    std::vector<std::string_view> out;
    for (const auto& event : alert.events) out.push_back(event->event_id);
    return out;
  };
  if (a.time_ms != b.time_ms) return a.time_ms < b.time_ms;
  if (a.rule_name != b.rule_name) return a.rule_name < b.rule_name;
  if (a.key != b.key) return a.key < b.key;
  const auto a_ids = ids(a), b_ids = ids(b);   // first eventID, then the rest
  if (a_ids != b_ids) return a_ids < b_ids;
  return a.alert_id < b.alert_id;
}

Alert alert_from_match(const Program& program, const SequenceMatch& match) {
  const Rule& rule = program.rules.at(match.rule);
  Alert alert;
  alert.rule = match.rule;
  alert.rule_name = rule.name;
  alert.title = rule.title;
  alert.severity = rule.severity;
  alert.key = match.key;
  alert.time_ms = match.time_ms;
  alert.events = match.events;
  alert.event_steps = match.steps;
  fill_times(alert);
  alert.alert_id = compute_alert_id(alert, rule.version);
  return alert;
}

Alert alert_from_event(const Program& program, std::uint32_t rule, EventPtr event, std::vector<std::string> key) {
  const Rule& spec = program.rules.at(rule);
  Alert alert;
  alert.rule = rule;
  alert.rule_name = spec.name;
  alert.title = spec.title;
  alert.severity = spec.severity;
  alert.key = std::move(key);
  alert.time_ms = event->time_ms;
  alert.events.push_back(std::move(event));
  alert.event_steps.push_back(kWholeRule);
  fill_times(alert);
  alert.alert_id = compute_alert_id(alert, spec.version);
  return alert;
}

}  // namespace sesrules::runtime
