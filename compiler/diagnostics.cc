// Diagnostic table lookup, the Diagnostics collector and did-you-mean
// suggestions. Tested by diagnostics_test.cc.
#include "compiler/diagnostics.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sesrules::compiler {
namespace {

constexpr std::array kTable = {
#define SES_DIAG(code, slug, severity, summary, explanation) \
  DiagInfo{#code, slug, Severity::severity, summary, explanation},
#include "compiler/diagnostics.def"
#undef SES_DIAG
};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

std::span<const DiagInfo> diagnostic_table() { return kTable; }

const DiagInfo& diag_info(DiagCode code) { return kTable[static_cast<std::size_t>(code)]; }

const DiagInfo* find_diag_info(std::string_view code_or_slug) {
  for (const DiagInfo& info : kTable) {
    if (info.code == code_or_slug || info.slug == code_or_slug) return &info;
  }
  return nullptr;
}

Diagnostic Diagnostic::make(DiagCode code, Span span, std::string message, std::string label) {
  const DiagInfo& info = diag_info(code);
  Diagnostic d;
  d.code = std::string(info.code);
  d.slug = std::string(info.slug);
  d.severity = info.severity;
  d.span = span;
  d.message = std::move(message);
  d.label = std::move(label);
  return d;
}

Diagnostic& Diagnostic::with_fix(Span fix_span, std::string replacement, std::string fix_message) {
  fix = Fix{fix_span, std::move(replacement), std::move(fix_message)};
  return *this;
}

Diagnostic& Diagnostic::with_note(std::string note) {
  notes.push_back(std::move(note));
  return *this;
}

Diagnostic& Diagnostic::with_secondary(Span secondary_span, std::string secondary_message) {
  secondary.push_back(Label{secondary_span, std::move(secondary_message)});
  return *this;
}

void Diagnostics::add(Diagnostic d) {
  if (limit_reached_) return;
  if (d.severity == Severity::Error) {
    if (errors_ == error_limit_) {
      limit_reached_ = true;
      Diagnostic note = Diagnostic::make(DiagCode::E106, d.span,
                                         "too many errors; stopping after " + std::to_string(error_limit_));
      items_.push_back(std::move(note));
      return;
    }
    ++errors_;
  }
  items_.push_back(std::move(d));
}

Diagnostic& Diagnostics::add_and_get(Diagnostic d) {
  std::size_t before = items_.size();
  add(std::move(d));
  if (items_.size() == before || items_.back().code == "E106") {
    discarded_ = Diagnostic{};  // over the limit: edits go nowhere
    return discarded_;
  }
  return items_.back();
}

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error;
  }));
}

std::size_t Diagnostics::warning_count() const {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Warning;
  }));
}

void Diagnostics::sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    bool a_last = a.code == "E106";
    bool b_last = b.code == "E106";
    if (a_last != b_last) return b_last;
    if (a.span.file != b.span.file) return a.span.file < b.span.file;
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.span.end < b.span.end;
  });
}

void Diagnostics::append(const Diagnostics& other) {
  for (const Diagnostic& d : other.items_) {
    if (d.code != "E106") add(d);
  }
}

// Optimal string alignment distance: insertions, deletions, substitutions and
// transpositions of neighbours ("hihg" -> "high" is one edit) each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
  std::size_t length_gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (length_gap > cap) return cap + 1;
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return std::min(d[a.size()][b.size()], cap + 1);
}

std::optional<std::string> suggest(std::string_view name, std::span<const std::string> candidates) {
  for (const std::string& candidate : candidates) {
    if (candidate != name && equal_ignoring_case(candidate, name)) return candidate;
  }
  // Short names tolerate fewer edits: "ab" is 2 edits from almost anything.
  if (name.size() <= 2) return std::nullopt;
  std::size_t budget = name.size() <= 4 ? 1 : 2;
  std::optional<std::string> best;
  std::size_t best_distance = budget + 1;
  bool tie = false;
  for (const std::string& candidate : candidates) {
    if (candidate == name) continue;
    std::size_t distance = edit_distance(name, candidate, budget);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
      tie = false;
    } else if (distance == best_distance && best && *best != candidate) {
      tie = true;
    }
  }
  if (tie || best_distance > budget) return std::nullopt;
  return best;
}

}  // namespace sesrules::compiler
