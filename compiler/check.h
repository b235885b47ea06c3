// check: semantic errors and lints over resolved modules, stage 3 of the
// pipeline (after resolve, before lower). Errors: unknown CloudTrail fields
// (E204), builtin argument types and constant patterns (E302-E306), constants
// (E309), detection metadata and sequence structure (E401-E415). Lints (W-codes)
// run only on an error-free compilation, so they never cascade from an error.
// Suppression: `# sesrules:ignore W104` (codes or slugs, comma/space separated)
// at the end of the line or alone on the line before silences warnings on that
// line; errors cannot be silenced. Tested by check_test.cc and tests/golden/diag.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/resolve.h"
#include "compiler/source.h"

namespace sesrules::compiler {

struct CheckOptions {
  // Key: a W-code ("W104") or its slug ("unused-helper"); value: the new
  // severity, or nullopt to disable. Error codes cannot be overridden.
  std::map<std::string, std::optional<Severity>> overrides;
  bool lints = true;  // false: skip all W-codes (the compile stage of `eval`)
};

// Reports E2xx-E4xx errors found after resolution (and W111 unknown meta keys).
void check_modules(const std::vector<Module>& modules, const Resolution& resolution, Diagnostics& diagnostics);

// Reports the lints W101-W109. Call only when check_modules found no errors.
void lint_modules(const std::vector<Module>& modules, const Resolution& resolution, Diagnostics& diagnostics);

// Applies overrides and `# sesrules:ignore` comments to warnings; unknown keys
// in options.overrides are returned (the CLI reports them).
std::vector<std::string> apply_check_options(Diagnostics& diagnostics, const CheckOptions& options,
                                             std::span<const SourceFile> files);

}  // namespace sesrules::compiler
