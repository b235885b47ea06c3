// compile: the compiler facade. The pipeline is an ordered list of named,
// timed stages (as in OPA's compile.go); a stage that reports errors stops the
// stages that depend on it:
//
//   1. parse    source text -> Module per file         (parse.h)       E1xx, E411/E412
//   2. resolve  names -> declarations, all modules     (resolve.h)     E2xx, E301, E307, E410, W110, W112
//              (needs every file parsed: packages span files)
//   3. check    fields, builtins, detections           (check.h)       E204, E3xx, E4xx, W106, W111
//   4. lint     W-code lints                           (check.h)       W101-W109; only when error-free
//   5. options  overrides and `# sesrules:ignore`      (check.h)       may turn warnings into errors
//   6. lower    optimize + bytecode                    (lower.h)       only when error-free
//
// Diagnostics come back sorted by file and position. Never throws for mistakes
// in rules. Thread-safe: no shared state. Tested by golden_test.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast.h"
#include "compiler/check.h"
#include "compiler/diagnostics.h"
#include "compiler/source.h"
#include "runtime/program.h"

namespace sesrules::compiler {

struct CompileInput {
  std::vector<SourceFile> files;   // Span::file / Module::file index this list
  CheckOptions check;
  bool optimize = true;
  bool lower = true;               // false: stop after checks (lint, fmt --check)
};

struct StageTiming {
  std::string name;                // "parse", "resolve", ...
  std::int64_t microseconds = 0;
  bool ran = false;                // false when an earlier stage's errors stopped it
};

struct CompileResult {
  std::optional<runtime::Program> program;  // absent when there are errors (or lower = false)
  Diagnostics diagnostics;                  // errors and warnings, sorted
  std::vector<Module> modules;              // parsed modules (for fmt/lint/coverage), even on error
  std::vector<SourceFile> files;            // the input files (Span::file indexes them)
  std::vector<StageTiming> timings;
  // Unknown keys in CheckOptions::overrides (not a W-code or slug).
  std::vector<std::string> unknown_overrides;
  bool ok() const { return !diagnostics.has_errors(); }
};

CompileResult compile(CompileInput input);

}  // namespace sesrules::compiler
