// Internal to parse: converts PEGTL parse-tree nodes (grammar.h rules selected
// in parse.cc) into the AST. Values the grammar cannot check (integer range,
// duration overflow, string escapes, postfix-chain depth) are checked here and
// reported as E1xx; an item with such an error is dropped, like a syntax error.
// Tested through parse_test.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/ast.h"
#include "compiler/diagnostics.h"
#include "compiler/parse_tree.h"

namespace sesrules::compiler::detail {

class Converter {
 public:
  Converter(const char* text_begin, std::uint32_t file, Diagnostics& diagnostics)
      : text_begin_(text_begin), file_(file), diagnostics_(diagnostics) {}

  // item_start's child: default_decl, detection or constant_or_helper.
  void item(const Node& node, Module& module);
  // package_decl / import_decl
  void package(const Node& node, Module& module);
  void import(const Node& node, Module& module);
  bool failed() const { return failed_; }
  void reset() { failed_ = false; }

  // Expressions and statements (parse_expr.cc).
  ExprPtr expr(const Node& node);
  Body block(const Node& node);
  Stmt stmt(const Node& node);
  std::optional<Duration> duration(const Node& node);
  std::optional<std::int64_t> integer(const Node& node);

  Span span(const Node& node) const;
  static std::string_view text(const Node& node) { return node.string_view(); }

 private:
  void error(DiagCode code, Span span, std::string message, std::string label = {});
  ExprPtr postfix(const Node& node);
  ExprPtr primary(const Node& node);
  ExprPtr literal_number(const Node& node);
  ExprPtr literal_string(const Node& node);
  ExprPtr apply_call(ExprPtr callee, const Node& op);
  void default_decl(const Node& node, Module& module);
  void helper(const Node& node, Module& module);
  void detection(const Node& node, Module& module);
  void section(const Node& node, DetectionDecl& detection);
  bool section_allowed(const Node& node, const DetectionDecl& detection,
                       std::vector<std::pair<std::string_view, Span>>& seen);
  void steps(const Node& node, DetectionDecl& detection);
  void threshold(const Node& node, DetectionDecl& detection);

  const char* text_begin_;
  std::uint32_t file_;
  Diagnostics& diagnostics_;
  bool failed_ = false;
};

// JSON-style unescape of a string literal's body (without quotes). Returns
// false on an invalid escape (the grammar already rejects those).
bool unescape_string(std::string_view body, std::string& out);

}  // namespace sesrules::compiler::detail
