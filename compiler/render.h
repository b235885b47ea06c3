// Renderers of diagnostics: text (gcc/clang first line, then a YARA-X style
// snippet with carets, see docs/diagnostics.md), JSON lines, GitHub workflow
// annotations and SARIF 2.1.0. Renderers look up a Diagnostic's file by
// Span::file in `files`; a span whose file is out of range renders without a
// snippet (as "<unknown>"). Pure functions, thread-safe.
// Tested by diagnostics_test.cc and the tests/golden/diag goldens (text).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "compiler/diagnostics.h"
#include "compiler/source.h"

namespace sesrules::compiler {

struct RenderOptions {
  bool color = false;      // ANSI colours for terminals
  int tab_width = 4;       // tabs expand to the next multiple, so carets line up
};

// One diagnostic, ending with a newline.
std::string render_text(const Diagnostic& diagnostic, std::span<const SourceFile> files,
                        const RenderOptions& options = {});
// All diagnostics in their current order, separated by blank lines.
std::string render_text(const Diagnostics& diagnostics, std::span<const SourceFile> files,
                        const RenderOptions& options = {});
// "2 errors, 1 warning" ("" when there are none).
std::string render_summary(const Diagnostics& diagnostics);

// One JSON object per line: code, slug, severity, file, line, column, end_line,
// end_column, message, label, secondary[], notes[], fix (or absent).
std::string render_json_lines(const Diagnostics& diagnostics, std::span<const SourceFile> files);

// `::error file=…,line=…,col=…,endColumn=…,title=E204::message` per diagnostic.
std::string render_github(const Diagnostics& diagnostics, std::span<const SourceFile> files);

// One SARIF 2.1.0 log with a single run; rules list every code of the table.
std::string render_sarif(const Diagnostics& diagnostics, std::span<const SourceFile> files,
                         std::string_view tool_version);

// JSON string literal for s (with quotes), escaping as RFC 8259 requires.
std::string json_quote(std::string_view s);

}  // namespace sesrules::compiler
