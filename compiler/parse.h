// parse: rule source text -> AST (compiler/ast.h), stage 1 of the pipeline.
// Syntax errors become E1xx diagnostics; after an error in a top-level item the
// parser skips to the next line that starts a declaration at column 1 and keeps
// going, so one run reports several independent mistakes (stopping at the
// Diagnostics error limit). Nesting deeper than kMaxNesting (brackets, blocks,
// postfix chains) is E105, never a stack overflow. Comments are kept in
// Module::comments for the formatter. Tested by parse_test.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/source.h"

namespace sesrules::compiler {

inline constexpr std::uint32_t kMaxNesting = 256;

// Parses one file. Returns the module (possibly missing the items that had
// syntax errors) unless the file has no valid `package` line or is nested too
// deeply; diagnostics go to `diagnostics` with Span::file = file_index.
// Thread-safe (no shared state).
std::optional<Module> parse_module(const SourceFile& file, std::uint32_t file_index, Diagnostics& diagnostics);

// A stable, indented dump of the AST without spans or comments (golden and
// formatter tests compare it to check that formatting keeps the meaning).
std::string dump_ast(const Module& module);
std::string dump_expr(const Expr& expr);

}  // namespace sesrules::compiler
