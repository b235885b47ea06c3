// SymbolTable: name lookup for lowering and the optimizer. Maps package-
// qualified names ("ses.long_term_key") to helper definitions, defaults and
// constants across all modules, and resolves a name as written in a module
// (`long_term_key`, `ses.long_term_key` via `import ses`, `alias.name`).
// Resolution and arity errors were already reported by check: lookups that
// fail here simply return nullptr. Points into the modules; they must outlive it.
// Tested by tests/unit/compiler/lower_test.cc.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast.h"

namespace sesrules::compiler {

struct HelperSymbol {
  std::string qualified;                     // "ses.ses_api"
  const Module* module = nullptr;            // where the first definition is
  std::vector<const HelperDecl*> definitions;
  std::vector<const Module*> definition_modules;  // parallel: a package may span files
  const DefaultDecl* default_decl = nullptr;
  const Module* default_module = nullptr;
  std::size_t params = 0;
};

struct ConstantSymbol {
  std::string qualified;
  const Module* module = nullptr;
  const ConstantDecl* decl = nullptr;
};

class SymbolTable {
 public:
  explicit SymbolTable(const std::vector<Module>& modules);

  // `name` as written in `from`: plain (same package) or `alias.name`.
  const HelperSymbol* find_helper(const Module& from, std::string_view name) const;
  const ConstantSymbol* find_constant(const Module& from, std::string_view name) const;
  // The package an import alias of `from` names, or "" if `alias` is not one.
  std::string import_package(const Module& from, std::string_view alias) const;
  std::string qualify(const Module& from, std::string_view name) const;

 private:
  std::map<std::string, HelperSymbol, std::less<>> helpers_;
  std::map<std::string, ConstantSymbol, std::less<>> constants_;
};

}  // namespace sesrules::compiler
