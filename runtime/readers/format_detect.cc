// Format detection (see format_detect.h). Only the first unit is inspected, and
// for a Records file only up to the "Records" key, so detection costs nothing
// next to parsing even for a 200 MB delivery file.
// Tested by tests/unit/runtime/format_detect_test.cc.
#include "runtime/readers/format_detect.h"

#include "runtime/readers/json_scan.h"

namespace sesrules::runtime {
namespace {

using detail::scan_string;
using detail::scan_value;
using detail::ScanStatus;
using detail::skip_space;

struct ObjectShape {
  UnitKind kind = UnitKind::Record;
  bool records = false;
  std::size_t records_value = std::string_view::npos;  // offset of the Records value
};

// Reads the top-level keys of the object at data[pos], stopping at the first key
// that decides the shape ("Records" may be followed by hundreds of megabytes).
ObjectShape classify_object(std::string_view data, std::size_t pos, std::size_t max_depth) {
  ObjectShape shape;
  pos = skip_space(data, pos + 1);
  while (pos < data.size() && data[pos] == '"') {
    const std::size_t key_end = scan_string(data, pos);
    if (key_end == std::string_view::npos) break;
    const std::string_view key = data.substr(pos + 1, key_end - pos - 2);
    pos = skip_space(data, key_end);
    if (pos >= data.size() || data[pos] != ':') break;
    pos = skip_space(data, pos + 1);
    if (key == "Records") {
      shape.records = true;
      shape.records_value = pos;
      return shape;
    }
    if (key == "logEvents" || key == "messageType") shape.kind = UnitKind::CloudWatch;
    if (key == "detail-type") shape.kind = UnitKind::EventBridge;
    if (shape.kind != UnitKind::Record) return shape;
    const detail::ScanResult value = scan_value(data, pos, max_depth);
    if (value.status == ScanStatus::Truncated || value.status == ScanStatus::Malformed) break;
    pos = skip_space(data, value.end);
    if (pos >= data.size() || data[pos] != ',') break;
    pos = skip_space(data, pos + 1);
  }
  return shape;
}

// True when the line starting at pos holds exactly one complete object.
bool line_is_complete_object(std::string_view data, std::size_t pos, std::size_t max_depth) {
  std::size_t line_end = data.find('\n', pos);
  if (line_end == std::string_view::npos) line_end = data.size();
  const std::string_view line = data.substr(0, line_end);
  if (pos >= line.size() || line[pos] != '{') return false;
  const detail::ScanResult value = scan_value(line, pos, max_depth);
  return value.status != ScanStatus::Truncated && value.status != ScanStatus::Malformed &&
         skip_space(line, value.end) == line.size();
}

Layout object_stream_layout(std::string_view data, std::size_t body, std::size_t max_depth) {
  const std::size_t first_line_end = data.find('\n', body);
  const std::size_t second = first_line_end == std::string_view::npos
                                 ? data.size() : skip_space(data, first_line_end + 1);
  const bool first_complete = line_is_complete_object(data, body, max_depth);
  if (first_complete && second >= data.size()) return Layout::Single;
  if (first_complete || (second < data.size() && line_is_complete_object(data, second, max_depth))) {
    return Layout::Lines;
  }
  const detail::ScanResult value = scan_value(data, body, max_depth);
  return skip_space(data, value.end) >= data.size() ? Layout::Single : Layout::Concatenated;
}

}  // namespace

FormatInfo detect_format(std::string_view data, std::size_t max_depth) {
  FormatInfo info;
  info.body = detail::skip_bom_and_space(data);
  if (info.body >= data.size()) return info;
  const char first = data[info.body];
  if (first == '[') {
    info.layout = Layout::Array;
    const std::size_t element = skip_space(data, info.body + 1);
    if (element < data.size() && data[element] == '{') {
      info.kind = classify_object(data, element, max_depth).kind;
    }
    return info;
  }
  if (first != '{') {
    info.layout = Layout::NotJson;
    return info;
  }
  const ObjectShape shape = classify_object(data, info.body, max_depth);
  if (shape.records) {
    info.layout = Layout::RecordsFile;
    if (shape.records_value < data.size() && data[shape.records_value] == '[') {
      info.records_array = shape.records_value;
    }
    return info;
  }
  info.kind = shape.kind;
  info.layout = object_stream_layout(data, info.body, max_depth);
  return info;
}

std::string format_name(const FormatInfo& info) {
  const char* layout = "";
  switch (info.layout) {
    case Layout::Empty: return "empty";
    case Layout::NotJson: return "not-json";
    case Layout::RecordsFile: return "cloudtrail-records";
    case Layout::Array: layout = "array"; break;
    case Layout::Lines: layout = "lines"; break;
    case Layout::Concatenated: layout = "concatenated"; break;
    case Layout::Single: layout = "single"; break;
  }
  switch (info.kind) {
    case UnitKind::Record: return std::string("json-") + layout;
    case UnitKind::EventBridge: return std::string("eventbridge-") + layout;
    case UnitKind::CloudWatch: return std::string("cloudwatch-") + layout;
  }
  return layout;
}

}  // namespace sesrules::runtime
