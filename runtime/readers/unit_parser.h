// Internal to the readers: per-file reading state (FileSession) and the parser
// of one unit (UnitParser), shared by record_framing.cc (which cuts a file into
// units) and unit_parser.cc (which turns a unit into RecordViews).
// Tested through tests/unit/runtime/record_reader_test.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "runtime/readers/field_extractor.h"
#include "runtime/readers/format_detect.h"
#include "runtime/readers/event_prefilter.h"
#include "runtime/readers/prefilter.h"
#include "runtime/readers/record_reader.h"

namespace sesrules::runtime::detail {

struct FileSession;

// More of a file whose bytes do not all fit the reader's window (streamed plain
// JSON, see record_reader.h). refill() moves data[keep_from, end) to the front of
// the window and appends the next bytes of the file (growing the window when
// keep_from is 0 and it is full, for a record larger than the window); it updates
// data and base, and clears session.source once the file has been read to its end.
class WindowSource {
 public:
  virtual ~WindowSource() = default;
  virtual void refill(FileSession& session, std::size_t keep_from) = 0;
};

struct FileSession {
  std::string_view name;
  std::string_view data;        // decompressed bytes; kInputPadding readable bytes follow
  std::uint64_t base = 0;       // file offset of data[0]: nonzero once a streamed file moved on
  WindowSource* source = nullptr;  // null when data holds the rest of the file
  std::uint32_t file_index = 0;
  UnitKind kind = UnitKind::Record;
  const RecordCallback* on_record = nullptr;
  const IssueCallback* on_issue = nullptr;
  FileStats* stats = nullptr;
  std::uint64_t next_record = 0;

  // A damaged record: counts it under reason and reports it with its position.
  void record_issue(std::string_view reason, std::uint64_t record_index, std::uint64_t offset,
                    std::string_view what);
  // Damage to the file as a whole (framing, trailing bytes, gzip).
  void file_issue(std::string_view reason, std::uint64_t offset, std::string_view what);
};

// Also the PendingSlots of the RecordViews it delivers: resolving a malformed
// pending value reports records_damaged_malformed_value for the current record.
class UnitParser final : public PendingSlots {
 public:
  UnitParser(const Program& program, const ReaderOptions& options);

  // Parses data[begin, end) (one complete JSON value per json_scan) as a unit of
  // session.kind: one record, one EventBridge envelope or one CloudWatch payload.
  // plain: the framing found the unit plain (json_scan.h), so the raw walker may read it.
  void parse_unit(FileSession& session, std::size_t begin, std::size_t end, bool plain = false);
  // Before framing a file (and after each refill of a streamed one): one
  // prefilter pass over all of session.data (unless the governor has the
  // prefilter paused), so records are then decided by their byte range.
  void begin_file(const FileSession& session);
  std::size_t max_depth() const { return options_.max_depth; }
  std::size_t slot_count() const { return slots_.size(); }
  const Value& resolve(std::uint32_t slot) override;
  std::string slot_path(std::uint32_t slot) const;  // "userIdentity.arn", for messages

 private:
  // resolve()'s error reports (records_damaged_malformed_json / _value).
  [[gnu::cold, gnu::noinline]] void report_damage(std::uint32_t slot, simdjson::error_code error, bool in_value);
  struct LogEvent { std::size_t begin = 0, size = 0, byte_offset = 0; bool ok = false; };
  // The record being delivered, for resolve().
  struct Current {
    FileSession* session = nullptr;
    std::string_view raw;
    std::uint64_t index = 0, offset = 0;
  };

  // Parses one record's JSON at base[0, size) (allocated readable bytes).
  void parse_record(FileSession& s, const char* base, std::size_t size, std::size_t allocated,
                    std::uint64_t offset, bool plain = false);
  void parse_cloudwatch(FileSession& s, std::size_t begin, std::size_t end);
  simdjson::error_code collect_log_events(simdjson::ondemand::document& doc, const char* stream_begin,
                                          bool& control);
  void deliver(FileSession& s, simdjson::ondemand::object record, std::string_view raw, std::uint64_t index,
               std::uint64_t offset);
  // Hands the extracted slots to on_record as a RecordView.
  void hand_over(FileSession& s, std::string_view raw, std::uint64_t index, std::uint64_t offset);
  bool prefiltered_out(FileSession& s, std::string_view raw);

  const ReaderOptions& options_;
  EventPrefilter prefilter_;
  bool prefilter_active_;
  PrefilterGovernor governor_;
  bool file_scanned_ = false;         // hits_ holds the current file's prefilter hits
  std::vector<std::size_t> hits_;     // sorted offsets into the file's data
  std::size_t next_hit_ = 0;          // first hit not before the last record checked
  std::vector<std::vector<std::string>> paths_;   // by slot, for messages
  FieldExtractor extractor_;
  Current current_;
  bool has_time_slot_;
  EventTimeReader event_time_;
  simdjson::ondemand::parser parser_;
  Arena arena_;
  std::vector<Value> slots_;
  std::string messages_;              // CloudWatch messages, unescaped, then padding
  std::vector<LogEvent> log_events_;
};

// Reason for a simdjson error on a record.
std::string_view reason_for(simdjson::error_code error);

// Cuts session.data into units per info.layout and hands each to units.
void read_layout(FileSession& session, const FormatInfo& info, UnitParser& units);

}  // namespace sesrules::runtime::detail
