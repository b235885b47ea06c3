// Framing: cuts a decompressed file into units by layout (see format_detect.h)
// using json_scan, so that damage is contained: a bad line costs one line, a bad
// array element one element, and a file cut off mid-record still yields every
// complete record before the cut.
// Tested by tests/unit/runtime/record_reader_test.cc and the corpus in tests/corpus/logs/.
#include <fmt/format.h>

#include "runtime/readers/json_scan.h"
#include "runtime/readers/unit_parser.h"

namespace sesrules::runtime::detail {
namespace {

constexpr std::size_t kNoPosition = std::string_view::npos;

// Streamed files: bytes kept loaded ahead of the framing position, so that most
// records are framed without a refill in the middle.
constexpr std::size_t kLowWater = 64 * 1024;

// Streamed files: makes data[pos, pos + want) loaded, or the file read to its end.
// Returns pos in the (possibly moved) window.
std::size_t ensure(FileSession& s, std::size_t pos, std::size_t want, UnitParser& units) {
  while (s.source != nullptr && s.data.size() - pos < want) {
    const std::size_t had = s.data.size() - pos;
    s.source->refill(s, pos);
    pos = 0;
    units.begin_file(s);
    if (s.data.size() <= had) break;  // nothing more came (read error, reported)
  }
  return pos;
}

// skip_space that refills a streamed file instead of stopping at the window's end.
std::size_t skip_space_streamed(FileSession& s, std::size_t pos, UnitParser& units) {
  for (;;) {
    pos = skip_space(s.data, pos);
    if (pos < s.data.size() || s.source == nullptr) return pos;
    pos = ensure(s, pos, 1, units);
  }
}

// scan_value over a streamed file: a value cut by the window's end is rescanned
// after a refill (which grows the window if the value is larger than it).
ScanResult scan_streamed(FileSession& s, std::size_t& pos, UnitParser& units) {
  ScanResult scan = scan_value(s.data, pos, units.max_depth());
  while (scan.status == ScanStatus::Truncated && s.source != nullptr) {
    pos = ensure(s, pos, s.data.size() - pos + 1, units);
    scan = scan_value(s.data, pos, units.max_depth());
  }
  return scan;
}

void report_scan_failure(FileSession& s, const ScanResult& scan, std::size_t pos) {
  if (scan.status == ScanStatus::Truncated) {
    s.record_issue("records_skipped_truncated", s.next_record++, pos, "file ends inside this record");
  } else if (scan.status == ScanStatus::TooDeep) {
    s.record_issue("records_skipped_too_deep", s.next_record++, pos, "JSON nesting exceeds the depth limit");
  } else {
    s.record_issue("records_skipped_malformed_json", s.next_record++, pos, "not valid JSON");
  }
}

// Elements of the array whose '[' is at open. Returns the position after ']', or
// kNoPosition when the rest of the file could not be framed (already reported).
std::size_t read_array_elements(FileSession& s, std::size_t open, UnitParser& units) {
  std::size_t pos = skip_space_streamed(s, open + 1, units);
  if (pos < s.data.size() && s.data[pos] == ']') return pos + 1;
  for (;;) {
    pos = ensure(s, pos, kLowWater, units);
    if (pos >= s.data.size()) {
      s.file_issue("files_damaged_truncated", pos, "file ends before the closing ']'");
      return kNoPosition;
    }
    const ScanResult scan = scan_streamed(s, pos, units);
    if (scan.status == ScanStatus::Ok) {
      units.parse_unit(s, pos, scan.end, scan.plain);
    } else {
      report_scan_failure(s, scan, pos);
      if (scan.status != ScanStatus::TooDeep) return kNoPosition;
    }
    pos = skip_space_streamed(s, scan.end, units);
    const std::string_view data = s.data;
    if (pos < data.size() && data[pos] == ',') {
      pos = skip_space_streamed(s, pos + 1, units);
    } else if (pos < data.size() && data[pos] == ']') {
      return pos + 1;
    } else if (pos < data.size()) {
      s.file_issue("files_damaged_malformed_json", pos,
                   fmt::format("expected ',' or ']' after record {}; rest of the file skipped", s.next_record - 1));
      return kNoPosition;
    }
  }
}

// After the Records array: further members of the outer object, then its '}'.
std::size_t close_records_object(FileSession& s, std::size_t pos, std::size_t max_depth) {
  const std::string_view data = s.data;
  pos = skip_space(data, pos);
  while (pos < data.size() && data[pos] == ',') {
    pos = skip_space(data, pos + 1);
    const std::size_t key_end = pos < data.size() && data[pos] == '"' ? scan_string(data, pos) : kNoPosition;
    if (key_end == kNoPosition) break;
    pos = skip_space(data, key_end);
    if (pos >= data.size() || data[pos] != ':') break;
    const ScanResult value = scan_value(data, skip_space(data, pos + 1), max_depth);
    if (value.status != ScanStatus::Ok) break;
    pos = skip_space(data, value.end);
  }
  if (pos < data.size() && data[pos] == '}') return pos + 1;
  if (pos >= data.size()) {
    s.file_issue("files_damaged_truncated", pos, "file ends before the closing '}'");
  } else {
    s.file_issue("files_damaged_malformed_json", pos, "unexpected bytes after the Records array");
  }
  return kNoPosition;
}

void check_trailing(FileSession& s, std::size_t pos) {
  if (pos == kNoPosition) return;
  pos = skip_space(s.data, pos);
  std::size_t end = s.data.size();
  while (end > pos && (s.data[end - 1] == '\0' || is_json_space(s.data[end - 1]))) --end;
  if (end > pos) {
    s.file_issue("files_damaged_trailing_garbage", pos,
                 fmt::format("{} bytes after the end of the JSON document (ignored)", end - pos));
  }
}

void read_lines(FileSession& s, std::size_t pos, UnitParser& units) {
  const std::string_view data = s.data;
  while (pos < data.size()) {
    std::size_t line_end = data.find('\n', pos);
    if (line_end == kNoPosition) line_end = data.size();
    const std::string_view line = data.substr(0, line_end);
    const std::size_t start = skip_space(line, pos);
    pos = line_end + 1;
    if (start >= line_end) continue;  // blank line
    const ScanResult scan = scan_value(line, start, units.max_depth());
    const bool clean_end = scan.status != ScanStatus::Truncated && skip_space(line, scan.end) == line_end;
    if (scan.status == ScanStatus::Ok && clean_end) {
      units.parse_unit(s, start, scan.end, scan.plain);
    } else if (scan.status == ScanStatus::TooDeep && clean_end) {
      report_scan_failure(s, scan, start);
    } else {
      s.record_issue("records_skipped_malformed_json", s.next_record++, start,
                     scan.status == ScanStatus::Truncated ? "line ends inside a JSON value" : "not valid JSON");
    }
  }
}

void read_concatenated(FileSession& s, std::size_t pos, UnitParser& units) {
  const std::string_view data = s.data;
  while ((pos = skip_space(data, pos)) < data.size()) {
    const ScanResult scan = scan_value(data, pos, units.max_depth());
    if (scan.status == ScanStatus::Ok) {
      units.parse_unit(s, pos, scan.end, scan.plain);
      pos = scan.end;
      continue;
    }
    report_scan_failure(s, scan, pos);
    if (scan.status == ScanStatus::Truncated) return;
    if (scan.status == ScanStatus::TooDeep) {
      pos = scan.end;
      continue;
    }
    const std::size_t next_line = data.find('\n', pos);  // resynchronize on the next line
    pos = next_line == kNoPosition ? data.size() : next_line + 1;
  }
}

}  // namespace

void read_layout(FileSession& s, const FormatInfo& info, UnitParser& units) {
  switch (info.layout) {
    case Layout::Empty: return;
    case Layout::NotJson:
      s.file_issue("files_skipped_not_json", info.body,
                   fmt::format("content is not JSON (starts with byte 0x{:02x})",
                               static_cast<unsigned char>(s.data[info.body])));
      return;
    case Layout::RecordsFile: {
      if (info.records_array == kNoPosition) {
        s.file_issue("files_skipped_malformed_json", info.body, "\"Records\" is not an array");
        return;
      }
      std::size_t after = read_array_elements(s, info.records_array, units);
      if (after == kNoPosition) return;
      after = ensure(s, after, kNoPosition, units);  // the rest of a streamed file: normally "}\n"
      check_trailing(s, close_records_object(s, after, units.max_depth()));
      return;
    }
    case Layout::Array: check_trailing(s, read_array_elements(s, info.body, units)); return;
    case Layout::Lines: read_lines(s, info.body, units); return;
    case Layout::Concatenated:
    case Layout::Single: read_concatenated(s, info.body, units); return;
  }
}

}  // namespace sesrules::runtime::detail
