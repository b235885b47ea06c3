// check stage, configuration: CheckOptions overrides (by W-code or slug) and
// `# sesrules:ignore CODE-or-slug[, ...]` comments. A comment alone on its line
// covers the next line; after code it covers its own line. Only warnings and
// notes can be silenced or re-graded: errors always stop compilation.
// Tested by check_test.cc.
#include <algorithm>
#include <set>

#include "compiler/check.h"

namespace sesrules::compiler {
namespace {

constexpr std::string_view kIgnoreMarker = "sesrules:ignore";

// (file, line) -> codes/slugs ignored on that line.
using IgnoreTable = std::map<std::pair<std::uint32_t, std::uint32_t>, std::set<std::string>>;

IgnoreTable ignore_comments(std::span<const SourceFile> files) {
  IgnoreTable table;
  for (std::uint32_t f = 0; f < files.size(); ++f) {
    // Most files have no marker at all: one search of the text instead of one per line.
    if (files[f].text().find(kIgnoreMarker) == std::string::npos) continue;
    for (std::uint32_t line = 1; line <= files[f].line_count(); ++line) {
      std::string_view text = files[f].line_text(line);
      std::size_t marker = text.find(kIgnoreMarker);
      if (marker == std::string_view::npos) continue;
      std::size_t hash = text.rfind('#', marker);
      if (hash == std::string_view::npos || text.substr(hash + 1, marker - hash - 1).find_first_not_of(" \t") !=
                                                 std::string_view::npos) {
        continue;
      }
      bool alone = text.substr(0, hash).find_first_not_of(" \t") == std::string_view::npos;
      std::set<std::string>& keys = table[{f, alone ? line + 1 : line}];
      std::string_view rest = text.substr(marker + kIgnoreMarker.size());
      std::string key;
      for (char c : std::string(rest) + " ") {
        if (c == ' ' || c == ',' || c == '\t') {
          if (!key.empty()) keys.insert(key);
          key.clear();
        } else {
          key += c;
        }
      }
    }
  }
  return table;
}

}  // namespace

std::vector<std::string> apply_check_options(Diagnostics& diagnostics, const CheckOptions& options,
                                             std::span<const SourceFile> files) {
  std::vector<std::string> unknown;
  for (const auto& [key, severity] : options.overrides) {
    const DiagInfo* info = find_diag_info(key);
    if (info == nullptr || info->severity == Severity::Error) unknown.push_back(key);
  }
  IgnoreTable ignored = ignore_comments(files);
  auto& items = diagnostics.mutable_items();
  std::vector<Diagnostic> kept;
  for (Diagnostic& d : items) {
    if (d.severity != Severity::Error) {
      if (!options.lints && d.code[0] == 'W') continue;
      // Suppression first: a comment silences a warning even if configuration made it an error.
      if (d.span.file < files.size()) {
        auto line = files[d.span.file].line_col(d.span.begin).line;
        auto it = ignored.find({d.span.file, line});
        if (it != ignored.end() && (it->second.count(d.code) || it->second.count(d.slug))) continue;
      }
      auto override_it = options.overrides.find(d.code);
      if (override_it == options.overrides.end()) override_it = options.overrides.find(d.slug);
      if (override_it != options.overrides.end()) {
        if (!override_it->second) continue;
        d.severity = *override_it->second;
      }
    }
    kept.push_back(std::move(d));
  }
  items = std::move(kept);
  return unknown;
}

}  // namespace sesrules::compiler
