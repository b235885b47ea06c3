// format: the one canonical layout of a rule file (`sesrules fmt`). 2-space
// indent, one statement per line, blocks always open on the header line and
// close on their own line, detection sections in the order meta, when, by,
// within, ordered/unordered/threshold, until, suppress, output; set and array
// literals on one line when they fit in kMaxWidth columns, else one element per
// line with a trailing comma; one blank line between top-level items; at most
// one blank line kept between statements. Literals are printed as written
// (raw strings stay raw). Every comment is kept: own-line comments before the
// node that follows them, trailing comments after the code of their line.
// Idempotent: format(parse(format(x))) == format(x). Tested by format_test.cc
// and tests/golden/fmt.
#pragma once

#include <optional>
#include <string>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/source.h"

namespace sesrules::compiler {

inline constexpr std::size_t kMaxWidth = 100;

// `module` must have been parsed from `file` without syntax errors (its spans
// and comments index file.text()).
std::string format_module(const Module& module, const SourceFile& file);

// Parses and formats; nullopt (with diagnostics) if the file has syntax errors.
std::optional<std::string> format_source(const SourceFile& file, Diagnostics& diagnostics);

}  // namespace sesrules::compiler
