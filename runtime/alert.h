// Alert: what a detection reports, and EventRecord: one CloudTrail event kept as
// evidence after its RecordView is gone. Both are plain values; an EventRecord is
// immutable once built and shared (EventPtr) between partial matches, alerts and
// sinks, so it may be read from any thread once published.
//
// alert_id is a deterministic hash (not std::hash): the same rule version, key and
// evidence give the same id on every platform and at every thread count.
// Tested by tests/unit/runtime/sequence_test.cc ("alert ...") and the property test.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/program.h"
#include "runtime/record.h"
#include "runtime/value.h"

namespace sesrules::runtime {

struct SequenceMatch;

struct EventRecord {
  std::int64_t time_ms = 0;
  std::string event_id, event_time, event_source, event_name, aws_region, source_ip, user_arn,
      access_key_id, recipient_account;
  std::optional<std::string> error_code;
  Provenance provenance;
  std::string file;                 // path of the input file
  std::vector<OwnedValue> slots;    // every Program field slot's value, by slot index
};
using EventPtr = std::shared_ptr<const EventRecord>;

// Copies what an alert or a partial match needs out of `record` (which dies with the
// reader's buffer): the standard slots as strings (a non-string standard field
// becomes ""; errorCode stays absent unless it is a string) and every slot as an
// OwnedValue. `record.time_ms` is taken as is.
EventPtr make_event_record(const RecordView& record, std::string_view file);

// Evidence order: (time_ms, event_id). Used for alerts, unordered and threshold evidence.
bool event_before(const EventRecord& a, const EventRecord& b);

struct Alert {
  std::uint32_t rule = 0;            // index into Program::rules
  std::string rule_name, title;
  Severity severity = Severity::Medium;
  std::vector<std::string> key;      // canonical JSON text of each `by` value; empty for single-event rules
  // time = eventTime of the completing event (absence: first + within, when the window closed)
  std::int64_t time_ms = 0, first_time_ms = 0, last_time_ms = 0;
  std::vector<EventPtr> events;      // evidence, time-ordered (ties by eventID)
  std::vector<std::uint32_t> event_steps;  // step of each evidence event (kWholeRule for single-event)
  std::vector<std::pair<std::string, OwnedValue>> fields;  // output fields (filled by the driver)
  std::string alert_id;              // compute_alert_id
};

// 32 lowercase hex digits: a hash of rule name, rule version, key parts and the
// evidence eventIDs (in evidence order). Every field is length-prefixed, so
// ("ab","c") and ("a","bc") differ.
std::string compute_alert_id(const Alert& alert, std::string_view rule_version);

// Total order used for output: (time_ms, rule_name, key, first eventID), then the
// remaining eventIDs and alert_id, so equal-looking alerts still sort deterministically.
bool alert_less(const Alert& a, const Alert& b);

// An alert for a sequence match: rule metadata from `program`, key, times, evidence
// and alert_id filled; `fields` left empty for the driver.
Alert alert_from_match(const Program& program, const SequenceMatch& match);

// An alert for a single-event rule fired by `event` (step kWholeRule). `key` is
// empty unless the rule has `by` (used with `suppress`).
Alert alert_from_event(const Program& program, std::uint32_t rule, EventPtr event,
                       std::vector<std::string> key = {});

}  // namespace sesrules::runtime
