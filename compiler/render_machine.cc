// Machine-readable renderers: JSON lines, GitHub workflow annotations, SARIF
// 2.1.0 (one run; tool.driver.rules = the diagnostics.def table). Positions are
// 1-based lines and character columns; end columns are exclusive as in SARIF.
// Tested by diagnostics_test.cc.
#include <fmt/format.h>

#include "compiler/render.h"

namespace sesrules::compiler {
namespace {

struct Region {
  std::string path;
  LineCol begin;
  LineCol end;
  bool known = false;
};

Region region(Span span, std::span<const SourceFile> files) {
  if (span.file >= files.size()) return Region{"<unknown>", {}, {}, false};
  const SourceFile& file = files[span.file];
  return Region{file.path(), file.line_col(span.begin), file.line_col(std::max(span.end, span.begin)), true};
}

std::string region_json(const Region& r) {
  return fmt::format("\"file\":{},\"line\":{},\"column\":{},\"end_line\":{},\"end_column\":{}", json_quote(r.path),
                     r.begin.line, r.begin.column, r.end.line, r.end.column);
}

std::string github_escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

const char* sarif_level(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

}  // namespace

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else out += c;
    }
  }
  return out + "\"";
}

std::string render_json_lines(const Diagnostics& diagnostics, std::span<const SourceFile> files) {
  std::string out;
  for (const Diagnostic& d : diagnostics.items()) {
    out += fmt::format("{{\"code\":{},\"slug\":{},\"severity\":{},{},\"message\":{},\"label\":{},\"secondary\":[",
                       json_quote(d.code), json_quote(d.slug), json_quote(severity_name(d.severity)),
                       region_json(region(d.span, files)), json_quote(d.message), json_quote(d.label));
    for (std::size_t i = 0; i < d.secondary.size(); ++i) {
      out += fmt::format("{}{{{},\"message\":{}}}", i ? "," : "", region_json(region(d.secondary[i].span, files)),
                         json_quote(d.secondary[i].message));
    }
    out += "],\"notes\":[";
    for (std::size_t i = 0; i < d.notes.size(); ++i) out += (i ? "," : "") + json_quote(d.notes[i]);
    out += "]";
    if (d.fix) {
      out += fmt::format(",\"fix\":{{{},\"replacement\":{},\"message\":{}}}", region_json(region(d.fix->span, files)),
                         json_quote(d.fix->replacement), json_quote(d.fix->message));
    }
    out += "}\n";
  }
  return out;
}

std::string render_github(const Diagnostics& diagnostics, std::span<const SourceFile> files) {
  std::string out;
  for (const Diagnostic& d : diagnostics.items()) {
    const char* command = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "notice";
    Region r = region(d.span, files);
    std::string message = d.message;
    if (d.fix) message += "\nhelp: " + d.fix->message;
    out += fmt::format("::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n", command,
                       github_escape(r.path, true), r.begin.line, r.begin.column, r.end.line, r.end.column,
                       github_escape(d.code, true), github_escape(message, false));
  }
  return out;
}

std::string render_sarif(const Diagnostics& diagnostics, std::span<const SourceFile> files,
                         std::string_view tool_version) {
  std::string out =
      "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{"
      "\"driver\":{\"name\":\"sesrules\",\"version\":" + json_quote(tool_version) +
      ",\"informationUri\":\"https://github.com/sesrules/sesrules/blob/main/docs/diagnostics.md\",\"rules\":[";
  bool first = true;
  for (const DiagInfo& info : diagnostic_table()) {
    out += fmt::format("{}{{\"id\":{},\"name\":{},\"shortDescription\":{{\"text\":{}}},\"fullDescription\":{{\"text\":{}}},"
                       "\"defaultConfiguration\":{{\"level\":\"{}\"}}}}",
                       first ? "" : ",", json_quote(info.code), json_quote(info.slug), json_quote(info.summary),
                       json_quote(info.explanation), sarif_level(info.severity));
    first = false;
  }
  out += "]}},\"results\":[";
  first = true;
  for (const Diagnostic& d : diagnostics.items()) {
    Region r = region(d.span, files);
    out += fmt::format("{}{{\"ruleId\":{},\"level\":\"{}\",\"message\":{{\"text\":{}}},\"locations\":[{{"
                       "\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":{}}},\"region\":{{\"startLine\":{},"
                       "\"startColumn\":{},\"endLine\":{},\"endColumn\":{}}}}}}}]}}",
                       first ? "" : ",", json_quote(d.code), sarif_level(d.severity), json_quote(d.message),
                       json_quote(r.path), r.begin.line, r.begin.column, r.end.line, r.end.column);
    first = false;
  }
  out += "]}]}\n";
  return out;
}

}  // namespace sesrules::compiler
