// The lint check "rule without fixtures" (W113): a detection that no fixture
// under the linted paths names (in `rules` or `expect`) gets a warning at its name.
#pragma once

#include <string>
#include <vector>

#include "compiler/compile.h"

namespace sesrules::cli {

void add_missing_fixture_findings(const compiler::CompileResult& result,
                                  const std::vector<compiler::SourceFile>& files, std::size_t builtin_files,
                                  const std::vector<std::string>& fixtures, const compiler::CheckOptions& check,
                                  compiler::Diagnostics& out);

}  // namespace sesrules::cli
