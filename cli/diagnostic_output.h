// Rendering compiler diagnostics for the CLI in the formats `lint` offers.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "compiler/diagnostics.h"
#include "compiler/source.h"

namespace sesrules::cli {

enum class DiagnosticFormat { Text, Json, Sarif, Github };

bool parse_diagnostic_format(const std::string& name, DiagnosticFormat& out);

void print_diagnostics(const compiler::Diagnostics& diagnostics, const std::vector<compiler::SourceFile>& files,
                       DiagnosticFormat format, bool color, std::FILE* out = stderr);

}  // namespace sesrules::cli
