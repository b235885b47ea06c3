// resolve: names -> declarations, stage 2 of the pipeline (after parse, before
// check). Runs over all modules of a compilation at once, because a package may
// span several files and imports cross files. Builds one symbol table per
// package, binds every Name/Call/alias.member expression to what it denotes
// (locals, parameters, loop variables, steps, constants, helpers, builtins,
// imports), and reports E2xx (duplicates, undefined names with did-you-mean,
// unknown imports, recursion naming the cycle), helper arity (E301/E307),
// step order (E410) and the scope warnings W110/W112.
// The Resolution points into `modules`: keep them alive and unmoved while using
// it. Tested by resolve_test.cc.
#pragma once

#include <map>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ast.h"
#include "compiler/builtins.h"
#include "compiler/diagnostics.h"
#include "compiler/source.h"

namespace sesrules::compiler {

enum class SymbolKind : std::uint8_t { Constant, Helper };

struct Symbol {
  SymbolKind kind = SymbolKind::Helper;
  std::string package;
  std::string name;
  Span span;                                   // name span of the first declaration
  const ConstantDecl* constant = nullptr;      // Constant
  std::vector<const HelperDecl*> definitions;  // Helper, in source order (file order, then position)
  const DefaultDecl* default_value = nullptr;  // Helper with `default name := ...`
  bool is_function = false;
  std::size_t arity = 0;
  std::string qualified() const { return package + "." + name; }
};

struct Package {
  std::string name;
  std::vector<std::uint32_t> modules;          // indexes into the modules vector
  std::map<std::string, Symbol> symbols;
  std::vector<const DetectionDecl*> detections;
};

// What a Name, Call or alias.member expression refers to.
struct Reference {
  enum class Kind : std::uint8_t { Local, Param, LoopVar, Step, Symbol, Import, Builtin } kind;
  const Symbol* symbol = nullptr;              // Symbol
  const BuiltinInfo* builtin = nullptr;        // Builtin
  std::uint32_t step = 0;                      // Step: index in DetectionDecl::steps
  const ImportDecl* import = nullptr;          // Import (the alias Name of alias.member)
};

struct Resolution {
  std::map<std::string, Package> packages;
  // Keyed by the Expr: Name, Call, or the Member node of `alias.member`.
  std::unordered_map<const Expr*, Reference> references;
  std::set<std::string> used_symbols;          // qualified names referenced anywhere
  std::set<const ImportDecl*> used_imports;
  // Qualified helper/constant -> the symbols its definitions refer to (with the
  // referring span). Used for the recursion check and by lowering for order.
  std::map<std::string, std::vector<std::pair<std::string, Span>>> dependencies;

  const Package* package(std::string_view name) const;
  const Symbol* find(std::string_view package, std::string_view name) const;
  const Reference* reference(const Expr& expr) const;
};

// Resolves all modules together. Always returns a Resolution (partial when
// there are errors). `modules[i].file` indexes `files`.
Resolution resolve(const std::vector<Module>& modules, std::span<const SourceFile> files, Diagnostics& diagnostics);

namespace detail {
// Body walking (resolve_scope.cc); declared here so resolve.cc can sequence it.
void resolve_bodies(const std::vector<Module>& modules, Resolution& resolution, Diagnostics& diagnostics);
void check_recursion(const std::vector<Module>& modules, const Resolution& resolution, Diagnostics& diagnostics);
}  // namespace detail

}  // namespace sesrules::compiler
