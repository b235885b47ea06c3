// Internal to format: the line buffer with comment placement, and expression
// printing as "pieces" (the first continues the current line, the rest are new
// lines) so a long set literal inside a call can break across lines.
// Tested by format_test.cc.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast.h"
#include "compiler/source.h"

namespace sesrules::compiler::detail {

struct Line {
  int indent = 0;
  std::string text;
  std::uint32_t anchor = 0;  // source offset of the code that starts the line
  bool comment = false;      // an own-line comment or a blank line
};

struct Piece {
  int indent = 0;
  std::string text;
  std::uint32_t anchor = 0;
  bool comment = false;      // an own-line comment inside a broken literal
};
using Pieces = std::vector<Piece>;

class ExprPrinter {
 public:
  // Own-line comments placed inside broken literals are added to `consumed` so
  // the line layout does not emit them again.
  ExprPrinter(const SourceFile& file, const Module& module, std::set<const Comment*>& consumed)
      : file_(file), module_(module), consumed_(consumed) {}
  // Prints e starting at `column` of a line indented `indent` levels.
  Pieces print(const Expr& e, std::size_t column, int indent) const;
  std::string flat(const Expr& e) const;

 private:
  bool has_comment_inside(Span span) const;
  Pieces broken_literal(const Expr& e, int indent) const;
  std::string operand(const Expr& e) const;
  std::string member_key(const std::string& key) const;

  const SourceFile& file_;
  const Module& module_;
  std::set<const Comment*>& consumed_;
};

// Appends `tail` to the last piece (or starts it).
void append(Pieces& pieces, std::string_view tail);
void append(Pieces& pieces, Pieces tail);

}  // namespace sesrules::compiler::detail
