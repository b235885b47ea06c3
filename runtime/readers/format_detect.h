// Format detection: decides from content alone (never the file name) how a
// decompressed log file is laid out and what each unit in it is.
// Tested by tests/unit/runtime/format_detect_test.cc.
//
// Layouts (after an optional UTF-8 BOM and whitespace):
//   RecordsFile   {"Records":[...]} as CloudTrail delivers to S3
//   Array         a bare JSON array of units
//   Lines         JSON Lines: one unit per line (CRLF and blank lines allowed)
//   Concatenated  several (pretty-printed) values separated by whitespace
//   Single        exactly one object
//   Empty         nothing but whitespace
//   NotJson       the first byte cannot start an object or array
// Unit kinds, from the top-level keys of the first unit:
//   CloudWatch    a Logs subscription payload ("messageType"/"logEvents"): each
//                 logEvents[].message is a record as a JSON string
//   EventBridge   an envelope with "detail-type": the record is "detail"
//   Record        anything else: the object is the record
// Lines is chosen when the first or second non-blank line is a complete object on
// its own, so a damaged first line does not turn a JSONL file into one big value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sesrules::runtime {

enum class Layout : std::uint8_t { Empty, NotJson, RecordsFile, Array, Lines, Concatenated, Single };
enum class UnitKind : std::uint8_t { Record, EventBridge, CloudWatch };

struct FormatInfo {
  Layout layout = Layout::Empty;
  UnitKind kind = UnitKind::Record;
  std::size_t body = 0;   // offset of the first value (after BOM and whitespace)
  // RecordsFile: offset of the '[' that opens Records, or npos when Records is not an array.
  std::size_t records_array = std::string_view::npos;
};

// data must be followed by nothing in particular (no padding needed).
FormatInfo detect_format(std::string_view data, std::size_t max_depth);

// Short user-facing name: "cloudtrail-records", "json-lines", "eventbridge-lines", ...
std::string format_name(const FormatInfo& info);

}  // namespace sesrules::runtime
