// UnitParser: one unit (record, EventBridge envelope, CloudWatch payload) →
// RecordViews, and FileSession's issue reporting. Each record is parsed by
// simdjson on its own, so a bad record costs only itself.
// Tested by tests/unit/runtime/record_reader_test.cc.
#include "runtime/readers/unit_parser.h"

#include <fmt/format.h>

#include "runtime/readers/decompress.h"
#include "runtime/readers/json_scan.h"

namespace sesrules::runtime::detail {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

static_assert(kInputPadding >= simdjson::SIMDJSON_PADDING, "reader buffers must satisfy simdjson");

void FileSession::record_issue(std::string_view reason, std::uint64_t record_index, std::uint64_t offset,
                               std::string_view what) {
  ++stats->skipped[std::string(reason)];
  offset += base;
  (*on_issue)(ReadIssue{std::string(name), record_index, offset, std::string(reason),
                        fmt::format("{}: record {} (byte {}): {}", name, record_index, offset, what)});
}

void FileSession::file_issue(std::string_view reason, std::uint64_t offset, std::string_view what) {
  ++stats->skipped[std::string(reason)];
  offset += base;
  (*on_issue)(ReadIssue{std::string(name), next_record, offset, std::string(reason),
                        fmt::format("{}: byte {}: {}", name, offset, what)});
}

std::string_view reason_for(error_code error) {
  switch (error) {
    case simdjson::UTF8_ERROR: return "records_skipped_invalid_utf8";
    case simdjson::DEPTH_ERROR: return "records_skipped_too_deep";
    case simdjson::CAPACITY: return "records_skipped_too_large";
    default: return "records_skipped_malformed_json";
  }
}

namespace {

bool is_shape_error(error_code error) {
  return error == simdjson::NO_SUCH_FIELD || error == simdjson::INCORRECT_TYPE;
}

// A unit that is not an object: valid-looking JSON of another type, or not JSON.
void report_not_object(FileSession& s, std::uint64_t index, std::uint64_t offset, char first) {
  const bool json_like = first == '[' || first == '"' || first == '-' || (first >= '0' && first <= '9') ||
                         first == 't' || first == 'f' || first == 'n';
  s.record_issue(json_like ? "records_skipped_not_an_object" : "records_skipped_malformed_json", index, offset,
                 json_like ? "not a JSON object" : "not valid JSON");
}

// Lazy records (field_extractor.h): what must be read before a record is
// delivered: dispatch's pair and eventTime for ordering. Only when the std slots
// are where record.h says (they always are for compiled programs).
std::vector<std::uint32_t> eager_slots(const std::vector<std::vector<std::string>>& paths) {
  const std::vector<std::vector<std::string>> standard = standard_field_paths();
  if (paths.size() < standard.size() || !std::equal(standard.begin(), standard.end(), paths.begin())) return {};
  return {kSlotEventTime, kSlotEventSource, kSlotEventName};
}

}  // namespace

UnitParser::UnitParser(const Program& program, const ReaderOptions& options)
    : options_(options),
      prefilter_(program),
      prefilter_active_(options.use_prefilter && prefilter_.active()),
      paths_(program.fields.empty() ? standard_field_paths() : program.fields),
      extractor_(paths_, options.max_depth, options.lazy_records ? eager_slots(paths_) : std::vector<std::uint32_t>{}),
      has_time_slot_(program.fields.empty() ||
                     program.fields[kSlotEventTime] == std::vector<std::string>{"eventTime"}),
      slots_(extractor_.slot_count()) {
  // iterate() keeps this depth when it grows the parser for a larger record.
  // An allocation failure here resurfaces as MEMALLOC on the first record.
  if (parser_.allocate(64 * 1024, options.max_depth) != simdjson::SUCCESS) return;
}

void UnitParser::begin_file(const FileSession& s) {
  hits_.clear();
  next_hit_ = 0;
  file_scanned_ = prefilter_active_ && governor_.active() && s.kind != UnitKind::CloudWatch;
  if (file_scanned_) prefilter_.find_hits(s.data, hits_);
}

bool UnitParser::prefiltered_out(FileSession& s, std::string_view raw) {
  if (!prefilter_active_) return false;
  const auto at = reinterpret_cast<std::uintptr_t>(raw.data());
  const auto data = reinterpret_cast<std::uintptr_t>(s.data.data());
  bool passed = true;
  if (file_scanned_ && at >= data && at - data <= s.data.size()) {  // a record framed in the file itself
    const std::size_t begin = at - data, end = begin + raw.size();
    while (next_hit_ < hits_.size() && hits_[next_hit_] < begin) ++next_hit_;
    passed = next_hit_ < hits_.size() && hits_[next_hit_] < end;
  } else if (governor_.active()) {  // CloudWatch messages, unescaped into their own buffer
    passed = prefilter_.may_match(raw);
  }
  governor_.record(passed);
  if (passed) return false;
  ++s.stats->records;
  ++s.stats->records_prefiltered;
  return true;
}

void UnitParser::parse_unit(FileSession& s, std::size_t begin, std::size_t end, bool plain) {
  if (s.data[begin] != '{') {
    report_not_object(s, s.next_record++, begin, s.data[begin]);
    return;
  }
  if (s.kind == UnitKind::CloudWatch) {
    parse_cloudwatch(s, begin, end);
    return;
  }
  const std::size_t allocated = s.data.size() + kInputPadding - begin;
  parse_record(s, s.data.data() + begin, end - begin, allocated, begin, plain);
}

void UnitParser::parse_record(FileSession& s, const char* base, std::size_t size, std::size_t allocated,
                              std::uint64_t offset, bool plain) {
  const std::uint64_t index = s.next_record++;
  if (size > options_.max_record_bytes) {
    s.record_issue("records_skipped_too_large", index, offset,
                   fmt::format("record of {} bytes exceeds the limit of {} bytes", size, options_.max_record_bytes));
    return;
  }
  if (prefiltered_out(s, std::string_view(base, size))) return;
  std::size_t first = 0;  // CloudWatch messages are not framed by json_scan
  while (first < size && is_json_space(base[first])) ++first;
  if (first == size || base[first] != '{') {
    report_not_object(s, index, offset, first == size ? ' ' : base[first]);
    return;
  }
  if (plain && s.kind == UnitKind::Record && options_.raw_records) {
    arena_.reset();
    if (extractor_.extract_raw(std::string_view(base, size), arena_, slots_)) {
      hand_over(s, std::string_view(base, size), index, offset);
      return;
    }
  }
  ondemand::document doc;
  ondemand::object object;
  error_code error = parser_.iterate(base, size, allocated).get(doc);
  if (!error) error = doc.get_object().get(object);
  if (!error && s.kind == UnitKind::EventBridge) {
    error = object.find_field_unordered("detail").get_object().get(object);
    if (is_shape_error(error)) {
      s.record_issue("records_skipped_bad_envelope", index, offset, "EventBridge envelope without a \"detail\" object");
      return;
    }
  }
  if (error) {
    s.record_issue(reason_for(error), index, offset, simdjson::error_message(error));
    return;
  }
  deliver(s, object, std::string_view(base, size), index, offset);
}

void UnitParser::deliver(FileSession& s, ondemand::object record, std::string_view raw, std::uint64_t index,
                         std::uint64_t offset) {
  arena_.reset();
  if (error_code error = extractor_.extract(record, arena_, slots_)) {
    s.record_issue(reason_for(error), index, offset, simdjson::error_message(error));
    return;
  }
  hand_over(s, raw, index, offset);
}

void UnitParser::hand_over(FileSession& s, std::string_view raw, std::uint64_t index, std::uint64_t offset) {
  RecordView view;
  view.fields = slots_;
  if (extractor_.has_pending()) {
    view.pending = this;
    current_ = Current{&s, raw, index, offset};
  }
  view.provenance = Provenance{s.file_index, index, s.base + offset};
  view.raw = raw;
  const Value& time = slots_.empty() ? Value() : slots_[kSlotEventTime];
  if (has_time_slot_ && time.kind == Kind::String) view.has_time = event_time_.parse(time.str(), view.time_ms);
  ++s.stats->records;
  (*s.on_record)(view);
}

const Value& UnitParser::resolve(std::uint32_t slot) {
  if (extractor_.is_deferred(slot)) {
    if (const error_code error = extractor_.read_on(slot)) [[unlikely]] report_damage(slot, error, false);
  }
  // Most deferred slots hold a string or nothing once read on: no call then.
  if (!is_pending(slots_[slot])) return slots_[slot];
  const error_code error = extractor_.resolve(slot, current_.raw.data() + current_.raw.size());
  if (error) [[unlikely]] report_damage(slot, error, true);
  return slots_[slot];
}

// Out of line and cold: resolve() runs for most rule reads, its error paths hardly ever.
void UnitParser::report_damage(std::uint32_t slot, error_code error, bool in_value) {
  if (current_.session == nullptr) return;
  if (in_value) {
    current_.session->record_issue("records_damaged_malformed_value", current_.index, current_.offset,
                                   fmt::format("{} is not valid JSON ({}); rules read it as missing", slot_path(slot),
                                               simdjson::error_message(error)));
  } else {
    current_.session->record_issue("records_damaged_malformed_json", current_.index, current_.offset,
                                   fmt::format("not valid JSON after the members read so far ({}); rules read "
                                               "{} and every member not read yet as missing",
                                               simdjson::error_message(error), slot_path(slot)));
  }
}

std::string UnitParser::slot_path(std::uint32_t slot) const {
  std::string path;
  for (const std::string& key : paths_.at(slot)) path += (path.empty() ? "" : ".") + key;
  return path;
}

// CloudWatch Logs subscription payload: the messages are unescaped into messages_
// first, because each becomes its own document for the same parser.
void UnitParser::parse_cloudwatch(FileSession& s, std::size_t begin, std::size_t end) {
  ondemand::document doc;
  bool control = false;
  messages_.clear();
  log_events_.clear();
  error_code error = parser_.iterate(s.data.data() + begin, end - begin, s.data.size() + kInputPadding - begin).get(doc);
  if (!error) error = collect_log_events(doc, s.data.data(), control);
  if (error || control) {
    if (error) {
      const bool shape = is_shape_error(error);
      s.record_issue(shape ? "records_skipped_bad_envelope" : reason_for(error), s.next_record++, begin,
                     shape ? "CloudWatch Logs payload without a \"logEvents\" array" : simdjson::error_message(error));
    }
    return;
  }
  messages_.append(kInputPadding, ' ');
  for (const LogEvent& event : log_events_) {
    if (!event.ok) {
      s.record_issue("records_skipped_bad_envelope", s.next_record++, event.byte_offset,
                     "CloudWatch log event without a string \"message\"");
      continue;
    }
    parse_record(s, messages_.data() + event.begin, event.size, messages_.size() - event.begin, event.byte_offset);
  }
}

// simdjson on-demand tolerates only NO_SUCH_FIELD and INCORRECT_TYPE: after any
// other error the document is unusable, so those errors end the payload at once.
error_code UnitParser::collect_log_events(ondemand::document& doc, const char* stream_begin, bool& control) {
  ondemand::object payload;
  if (error_code error = doc.get_object().get(payload)) return error;
  std::string_view message_type;
  error_code error = payload.find_field_unordered("messageType").get_string().get(message_type);
  if (error && !is_shape_error(error)) return error;
  control = !error && message_type == "CONTROL_MESSAGE";  // CloudWatch's own keep-alive: no records
  if (control) return simdjson::SUCCESS;
  ondemand::array events;
  if ((error = payload.find_field_unordered("logEvents").get_array().get(events))) return error;
  for (auto element : events) {
    ondemand::value event;
    if ((error = element.get(event))) return error;
    LogEvent entry;
    entry.byte_offset = static_cast<std::size_t>(event.raw_json_token().data() - stream_begin);
    std::string_view message;
    ondemand::object event_object;
    error = event.get_object().get(event_object);
    if (!error) error = event_object.find_field_unordered("message").get_string().get(message);
    if (error && !is_shape_error(error)) return error;
    if (!error) {
      entry.begin = messages_.size();
      entry.size = message.size();
      entry.ok = true;
      messages_.append(message);
    }
    log_events_.push_back(entry);
  }
  return simdjson::SUCCESS;
}

}  // namespace sesrules::runtime::detail
