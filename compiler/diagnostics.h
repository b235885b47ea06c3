// Diagnostics as values: every mistake in rules is a Diagnostic (code, slug,
// severity, primary span + label, secondary labels, notes, optional fix), never
// an exception. Codes come from the one table diagnostics.def; docs/diagnostics.md
// lists them all (diagnostics_test.cc enforces it). Renderers are in render.h.
// Diagnostics collects, limits (kDefaultErrorLimit errors, then one E106 note),
// sorts by file and position, and counts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast.h"

namespace sesrules::compiler {

enum class Severity : std::uint8_t { Error, Warning, Note };
const char* severity_name(Severity severity);  // "error", "warning", "note"

enum class DiagCode : std::uint16_t {
#define SES_DIAG(code, slug, severity, summary, explanation) code,
#include "compiler/diagnostics.def"
#undef SES_DIAG
};

struct DiagInfo {
  std::string_view code;         // "E204"
  std::string_view slug;         // "unknown-field"
  Severity severity;             // default severity
  std::string_view summary;
  std::string_view explanation;
};

std::span<const DiagInfo> diagnostic_table();
const DiagInfo& diag_info(DiagCode code);
// By code ("W104") or slug ("unused-helper"); nullptr if neither.
const DiagInfo* find_diag_info(std::string_view code_or_slug);

struct Label {
  Span span;
  std::string message;
};

struct Fix {
  Span span;                  // text to replace
  std::string replacement;
  std::string message;        // "did you mean `eventName`?"
};

struct Diagnostic {
  std::string code;           // "E204"
  std::string slug;           // "unknown-field"
  Severity severity = Severity::Error;
  Span span;
  std::string message;
  std::string label;          // printed under the caret line
  std::vector<Label> secondary;
  std::vector<std::string> notes;
  std::optional<Fix> fix;

  static Diagnostic make(DiagCode code, Span span, std::string message, std::string label = {});
  Diagnostic& with_fix(Span span, std::string replacement, std::string message);
  Diagnostic& with_note(std::string note);
  Diagnostic& with_secondary(Span span, std::string message);
};

inline constexpr std::size_t kDefaultErrorLimit = 50;

// Not thread-safe; one per compilation.
class Diagnostics {
 public:
  explicit Diagnostics(std::size_t error_limit = kDefaultErrorLimit) : error_limit_(error_limit) {}

  // Adds d unless the error limit was reached (then adds one E106 note, once).
  void add(Diagnostic d);
  // Adds d and returns it for attaching fixes and notes; the reference is valid
  // until the next add (over the limit it refers to a scratch diagnostic).
  Diagnostic& add_and_get(Diagnostic d);
  bool limit_reached() const { return limit_reached_; }
  std::size_t error_count() const;
  std::size_t warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  // Stable sort by (file, begin, end); E106 stays last.
  void sort();
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& mutable_items() { return items_; }
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
  Diagnostic discarded_;
  std::size_t error_limit_;
  std::size_t errors_ = 0;
  bool limit_reached_ = false;
};

// Edit distance (Levenshtein) between a and b, capped: returns cap + 1 once the
// distance exceeds cap. Used for did-you-mean suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap = 3);
// The one candidate close to `name` (same letters ignoring case, or within 2
// edits and shorter than the name), or nullopt when there are none or several
// equally close ones.
std::optional<std::string> suggest(std::string_view name, std::span<const std::string> candidates);

}  // namespace sesrules::compiler
