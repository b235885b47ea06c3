#include "cli/lint_fixtures.h"

#include <set>

#include <fmt/format.h>

#include "cli/fixtures.h"

namespace sesrules::cli {

namespace {

// Honour the configuration: disabled, or re-levelled.
bool apply_overrides(const compiler::CheckOptions& check, compiler::Diagnostic& d) {
  for (const std::string& name : {d.code, d.slug}) {
    auto it = check.overrides.find(name);
    if (it == check.overrides.end()) continue;
    if (!it->second) return false;
    d.severity = *it->second;
  }
  return true;
}

bool suppressed_by_comment(const compiler::SourceFile& file, std::uint32_t offset, const compiler::Diagnostic& d) {
  compiler::LineCol at = file.line_col(offset);
  for (std::uint32_t line : {at.line, at.line - 1}) {
    std::string_view text = file.line_text(line);
    auto pos = text.find("sesrules:ignore");
    if (pos == std::string_view::npos) continue;
    std::string_view rest = text.substr(pos);
    if (rest.find(d.code) != std::string_view::npos || rest.find(d.slug) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

void add_missing_fixture_findings(const compiler::CompileResult& result,
                                  const std::vector<compiler::SourceFile>& files, std::size_t builtin_files,
                                  const std::vector<std::string>& fixtures, const compiler::CheckOptions& check,
                                  compiler::Diagnostics& out) {
  std::set<std::string> covered;
  for (const std::string& path : fixtures) {
    Fixture fixture;
    std::string error;
    if (!load_fixture(path, fixture, error)) continue;
    covered.insert(fixture.rules.begin(), fixture.rules.end());
    for (const ExpectedAlert& e : fixture.expect) covered.insert(e.rule);
  }
  for (const compiler::Module& module : result.modules) {
    if (module.file < builtin_files) continue;
    for (const compiler::DetectionDecl& detection : module.detections) {
      std::string name = module.package + "." + detection.name;
      if (covered.count(name)) continue;
      compiler::Diagnostic d = compiler::Diagnostic::make(
          compiler::DiagCode::W113, detection.name_span,
          fmt::format("detection `{}` has no test fixtures", name), "no fixture names this rule");
      d.with_note("add fixtures/<rule>/{positive,negative}/<scenario>.json next to the rules (docs/testing.md)");
      if (!apply_overrides(check, d)) continue;
      if (suppressed_by_comment(files[module.file], detection.name_span.begin, d)) continue;
      out.add(std::move(d));
    }
  }
}

}  // namespace sesrules::cli
