// lower: checked AST modules -> runtime::Program (bytecode), the last stage of
// the compiler pipeline (parse -> resolve -> check -> [optimize + lower]).
// Input must have passed check: names resolve, arities match, pattern arguments
// of glob_match/regex_match/cidr_contains are constants, helpers are not
// recursive, sequences have `by` and `within`. Rule names are qualified
// "<package>.<name>"; helpers become Functions named the same way.
// Deterministic: the same modules give a byte-identical Program.
// Tested by tests/unit/compiler/lower_test.cc, differential_test.cc and the
// disassembly goldens in tests/golden/disasm/.
#pragma once

#include <vector>

#include "compiler/ast.h"
#include "compiler/source.h"
#include "runtime/program.h"

namespace sesrules::compiler {

struct LowerOptions {
  // Constant folding, dead-condition removal and the (eventSource, eventName)
  // dispatch index with prefilter atoms. Off: every target is a wildcard.
  bool optimize = true;
};

// `files[m.file]` is the source of module m (positions, rule versions).
runtime::Program lower_program(const std::vector<Module>& modules, const std::vector<SourceFile>& files,
                               const LowerOptions& options);

}  // namespace sesrules::compiler
