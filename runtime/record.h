// RecordView: one CloudTrail record as the VM sees it: the values of the field
// paths the compiled Program reads (Program::fields, indexed by slot), plus the
// record's provenance. Values point into the reader's buffer and the per-record
// Arena: a RecordView is valid until the reader moves to the next record.
//
// Pending slots: the reader leaves a whole object or array (`input.requestParameters`)
// unmaterialized until something reads it, because most records are never
// dispatched to the rule that does; likewise it reads a record's members only
// as far as dispatch and the rules need (deferred slots). Read slots through field(), which materializes
// a pending slot on first access; a direct read of `fields` may see the pending
// marker (an Undefined Value, see is_pending) instead of the value. A pending value
// that turns out malformed reads as Undefined and is reported by the reader
// (records_damaged_malformed_value).
//
// Slots 0..kStdSlotCount-1 are always extracted (alert evidence, ordering, keys);
// the compiler appends rule-specific field paths after them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/value.h"

namespace sesrules::runtime {

enum StdSlot : std::uint32_t {
  kSlotEventTime = 0,
  kSlotEventId,
  kSlotEventSource,
  kSlotEventName,
  kSlotAwsRegion,
  kSlotSourceIp,
  kSlotUserArn,          // userIdentity.arn
  kSlotAccessKeyId,      // userIdentity.accessKeyId
  kSlotErrorCode,
  kSlotRecipientAccount, // recipientAccountId
  kStdSlotCount
};

// Dotted paths of the standard slots, in slot order ("userIdentity.arn").
inline constexpr std::string_view kStdSlotPaths[kStdSlotCount] = {
    "eventTime", "eventID", "eventSource", "eventName", "awsRegion",
    "sourceIPAddress", "userIdentity.arn", "userIdentity.accessKeyId", "errorCode",
    "recipientAccountId"};

// The reader's side of pending slots: materializes slot `slot` (every slot of the
// same path) in place and returns it; Undefined when the value is malformed.
class PendingSlots {
 public:
  virtual const Value& resolve(std::uint32_t slot) = 0;

 protected:
  ~PendingSlots() = default;
};

// The pending marker: Undefined with a size no other Value has (Undefined has 0).
inline constexpr std::uint32_t kPendingSize = 0xffffffffu;
inline Value pending_slot(std::uint32_t index) {
  Value v;
  v.size = kPendingSize;
  v.integer = index;
  return v;
}
inline bool is_pending(const Value& v) { return v.kind == Kind::Undefined && v.size == kPendingSize; }
// A pending marker for a slot whose member the reader has not reached yet (lazy
// records, see field_extractor.h); field() resolves it the same way.
inline constexpr std::uint32_t kDeferredIndex = 0xffffffffu;
inline Value deferred_slot() { return pending_slot(kDeferredIndex); }
inline bool is_deferred(const Value& v) { return is_pending(v) && v.integer == kDeferredIndex; }

// Where a record came from: enough to point a person at it.
struct Provenance {
  std::uint32_t file_index = 0;     // index into the run's file list (stable order)
  std::uint64_t record_index = 0;   // 0-based record number within the file
  std::uint64_t byte_offset = 0;    // offset of the record in the decompressed stream
};

struct RecordView {
  std::span<const Value> fields;    // one per Program field slot; may hold pending markers
  PendingSlots* pending = nullptr;  // resolves them; null when there are none
  Provenance provenance;
  std::int64_t time_ms = 0;         // eventTime parsed; valid when has_time
  bool has_time = false;
  std::string_view raw;             // the record's JSON text (EventBridge: the envelope)

  const Value& field(std::uint32_t slot) const {
    const Value& value = fields[slot];
    if (is_pending(value)) [[unlikely]] return resolve(slot);
    return value;
  }

 private:
  const Value& resolve(std::uint32_t slot) const;
};

// Parses CloudTrail's eventTime ("2024-07-31T13:06:24Z", optional fractional
// seconds, or an offset) into milliseconds since the Unix epoch. False if malformed.
bool parse_event_time(std::string_view text, std::int64_t& out_ms);
namespace detail {
// parse_event_time without its fast path for CloudTrail's own form (for tests).
bool parse_event_time_general(std::string_view text, std::int64_t& out_ms);
}  // namespace detail
// parse_event_time with a memory of the last day it read: a file's records mostly
// share their date, and then CloudTrail's own form costs only its time of day.
class EventTimeReader {
 public:
  bool parse(std::string_view text, std::int64_t& out_ms);

 private:
  char day_[10] = {};        // "YYYY-MM-DD" of the last CloudTrail-form time read
  std::int64_t day_ms_ = 0;  // its midnight
  bool has_day_ = false;
};
// Formats milliseconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (".mmmZ" when needed).
std::string format_event_time(std::int64_t ms);

}  // namespace sesrules::runtime
