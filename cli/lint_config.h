// The lint configuration file (docs/ci.md): JSON
//   {"disable": ["W104", "long-window"], "severity": {"W102": "error", "unused-import": "note"}}
// mapping onto compiler::CheckOptions overrides.
#pragma once

#include <string>

#include "compiler/check.h"

namespace sesrules::cli {

// Empty path: use ./.sesrules-lint.json when it exists, else no overrides.
bool load_lint_config(const std::string& path, compiler::CheckOptions& out, std::string& error);

}  // namespace sesrules::cli
