// Text rendering of diagnostics (STYLE.md §3):
//   path:line:col: error[E204]: message
//      |
//   12 |   where eventname == "GetSendQuota"
//      |         ^^^^^^^^^ label
//      = help: did you mean `eventName`?
// Columns count characters; tabs expand so the carets line up. Secondary labels
// underline with `-`. Tested by diagnostics_test.cc and tests/golden/diag.
#include "compiler/render.h"

#include <algorithm>
#include <map>

namespace sesrules::compiler {
namespace {

struct Style {
  bool on;
  std::string wrap(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }
};

const char* severity_colour(Severity severity) {
  switch (severity) {
    case Severity::Error: return "1;31";
    case Severity::Warning: return "1;33";
    case Severity::Note: return "1;36";
  }
  return "1";
}

// Display width of line[0, byte) with tabs expanded and UTF-8 counted per code point.
std::size_t display_width(std::string_view line, std::size_t byte, int tab_width) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < byte && i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      width += static_cast<std::size_t>(tab_width) - width % static_cast<std::size_t>(tab_width);
    } else if ((c & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

// Source lines go to terminals: other control characters print as `?` (one
// column, so the carets stay aligned) instead of acting on the terminal.
std::string expand_tabs(std::string_view line, int tab_width) {
  std::string out;
  for (char c : line) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
      out += '?';
    } else if (c == '\t') {
      out.append(static_cast<std::size_t>(tab_width) - display_width(out, out.size(), tab_width) %
                                                           static_cast<std::size_t>(tab_width), ' ');
    } else {
      out += c;
    }
  }
  return out;
}

constexpr std::size_t kMaxShownLine = 160;  // bytes of a source line shown around a marker
constexpr std::size_t kWindowBefore = 40;

// Messages quote user text (string literals): escape control characters.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static const char* const kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      out += kHex[c & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

struct Marker {
  std::size_t begin_byte;  // within the line
  std::size_t end_byte;    // within the line, > begin_byte unless the line is empty
  char underline;          // '^' primary, '-' secondary
  std::string message;
};

std::string location(const Diagnostic& d, std::span<const SourceFile> files) {
  if (d.span.file >= files.size()) return "<unknown>";
  const SourceFile& file = files[d.span.file];
  LineCol at = file.line_col(d.span.begin);
  return file.path() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

// Adds the marker for `span` (clipped to its first line) to `lines`.
void add_marker(std::map<std::uint32_t, std::vector<Marker>>& lines, const SourceFile& file, Span span,
                char underline, const std::string& message) {
  LineCol at = file.line_col(span.begin);
  std::string_view text = file.line_text(at.line);
  std::size_t offset_in_line = static_cast<std::size_t>(text.data() - file.text().data());
  std::size_t begin = span.begin - offset_in_line;
  std::size_t end = std::min<std::size_t>(std::max(span.end, span.begin + 1) - offset_in_line, text.size());
  if (end <= begin) end = begin + 1;
  lines[at.line].push_back(Marker{begin, end, underline, message});
}

std::string snippet(const Diagnostic& d, const SourceFile& file, const RenderOptions& options, const Style& style) {
  std::map<std::uint32_t, std::vector<Marker>> lines;
  add_marker(lines, file, d.span, '^', d.label);
  for (const Label& label : d.secondary) {
    if (label.span.file == d.span.file) add_marker(lines, file, label.span, '-', label.message);
  }
  for (auto& [line, markers] : lines) {
    std::stable_sort(markers.begin(), markers.end(),
                     [](const Marker& a, const Marker& b) { return a.begin_byte < b.begin_byte; });
  }
  std::size_t gutter = std::to_string(lines.rbegin()->first).size();
  std::string pad(gutter, ' ');
  std::string out = style.wrap("1;34", pad + " |") + "\n";
  std::uint32_t previous = 0;
  for (const auto& [line, markers] : lines) {
    if (previous != 0 && line > previous + 1) out += style.wrap("1;34", pad + " ...") + "\n";
    previous = line;
    std::string_view text = file.line_text(line);
    // Very long lines show a window around the first marker, marked with "...".
    std::size_t skip = 0;
    std::string prefix;
    if (text.size() > kMaxShownLine && markers.front().begin_byte > kWindowBefore) {
      skip = markers.front().begin_byte - kWindowBefore;
      while (skip < text.size() && (static_cast<unsigned char>(text[skip]) & 0xC0) == 0x80) ++skip;
      prefix = "...";
    }
    std::string_view shown = text.substr(skip);
    std::string suffix;
    if (shown.size() > kMaxShownLine) {
      std::size_t cut = kMaxShownLine;
      while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
      shown = shown.substr(0, cut);
      suffix = "...";
    }
    std::string number = std::to_string(line);
    out += style.wrap("1;34", std::string(gutter - number.size(), ' ') + number + " |") + " " + prefix +
           expand_tabs(shown, options.tab_width) + suffix + "\n";
    for (const Marker& marker : markers) {
      Marker m = marker;
      m.begin_byte = std::min(m.begin_byte - std::min(m.begin_byte, skip), shown.size());
      m.end_byte = std::min(m.end_byte - std::min(m.end_byte, skip), std::max(shown.size(), m.begin_byte + 1));
      std::size_t column = prefix.size() + display_width(shown, m.begin_byte, options.tab_width);
      std::size_t width =
          std::max<std::size_t>(1, prefix.size() + display_width(shown, m.end_byte, options.tab_width) - column);
      std::string marks = std::string(width, m.underline) + (m.message.empty() ? "" : " " + printable(m.message));
      const char* colour = m.underline == '^' ? severity_colour(d.severity) : "1;34";
      out += style.wrap("1;34", pad + " |") + " " + std::string(column, ' ') + style.wrap(colour, marks) + "\n";
    }
  }
  return out;
}

}  // namespace

std::string render_text(const Diagnostic& d, std::span<const SourceFile> files, const RenderOptions& options) {
  Style style{options.color};
  std::string out = style.wrap("1", location(d, files) + ":") + " " +
                    style.wrap(severity_colour(d.severity), std::string(severity_name(d.severity)) + "[" + d.code + "]") +
                    style.wrap("1", ": " + printable(d.message)) + "\n";
  std::string pad = "  ";
  if (d.span.file < files.size()) {
    const SourceFile& file = files[d.span.file];
    out += snippet(d, file, options, style);
    std::uint32_t last_line = file.line_col(d.span.begin).line;
    for (const Label& label : d.secondary) {
      if (label.span.file == d.span.file) last_line = std::max(last_line, file.line_col(label.span.begin).line);
    }
    pad = std::string(std::to_string(last_line).size(), ' ');
  }
  if (d.fix) {
    out += style.wrap("1;34", pad + " =") + " " + style.wrap("1", "help") + ": " + printable(d.fix->message) + "\n";
  }
  for (const std::string& note : d.notes) {
    out += style.wrap("1;34", pad + " =") + " " + style.wrap("1", "note") + ": " + printable(note) + "\n";
  }
  return out;
}

std::string render_text(const Diagnostics& diagnostics, std::span<const SourceFile> files,
                        const RenderOptions& options) {
  std::string out;
  for (const Diagnostic& d : diagnostics.items()) {
    if (!out.empty()) out += "\n";
    out += render_text(d, files, options);
  }
  return out;
}

std::string render_summary(const Diagnostics& diagnostics) {
  std::size_t errors = diagnostics.error_count();
  std::size_t warnings = diagnostics.warning_count();
  std::string out;
  auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  if (errors) out += plural(errors, "error");
  if (warnings) out += (out.empty() ? "" : ", ") + plural(warnings, "warning");
  return out;
}

}  // namespace sesrules::compiler
