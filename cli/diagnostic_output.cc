#include "cli/diagnostic_output.h"

#include <fmt/format.h>

#include "compiler/render.h"

namespace sesrules::cli {

bool parse_diagnostic_format(const std::string& name, DiagnosticFormat& out) {
  if (name == "text") out = DiagnosticFormat::Text;
  else if (name == "json") out = DiagnosticFormat::Json;
  else if (name == "sarif") out = DiagnosticFormat::Sarif;
  else if (name == "github") out = DiagnosticFormat::Github;
  else return false;
  return true;
}

void print_diagnostics(const compiler::Diagnostics& diagnostics, const std::vector<compiler::SourceFile>& files,
                       DiagnosticFormat format, bool color, std::FILE* out) {
  std::string text;
  switch (format) {
    case DiagnosticFormat::Text: text = compiler::render_text(diagnostics, files, {.color = color}); break;
    case DiagnosticFormat::Json: text = compiler::render_json_lines(diagnostics, files); break;
    case DiagnosticFormat::Github: text = compiler::render_github(diagnostics, files); break;
    case DiagnosticFormat::Sarif: text = compiler::render_sarif(diagnostics, files, SESRULES_VERSION); break;
  }
  std::fwrite(text.data(), 1, text.size(), out);
  std::fflush(out);
}

}  // namespace sesrules::cli
