// Symbol table construction and name resolution. Tested by lower_test.cc.
#include "compiler/symbols.h"

namespace sesrules::compiler {

SymbolTable::SymbolTable(const std::vector<Module>& modules) {
  for (const Module& m : modules) {
    for (const HelperDecl& h : m.helpers) {
      HelperSymbol& s = helpers_[m.package + "." + h.name];
      if (s.definitions.empty()) {
        s.qualified = m.package + "." + h.name;
        s.module = &m;
        s.params = h.params.size();
      }
      s.definitions.push_back(&h);
      s.definition_modules.push_back(&m);
    }
    for (const ConstantDecl& c : m.constants) {
      constants_[m.package + "." + c.name] = ConstantSymbol{m.package + "." + c.name, &m, &c};
    }
  }
  for (const Module& m : modules) {
    for (const DefaultDecl& d : m.defaults) {
      auto it = helpers_.find(m.package + "." + d.name);
      if (it == helpers_.end()) continue;
      it->second.default_decl = &d;
      it->second.default_module = &m;
    }
  }
}

std::string SymbolTable::import_package(const Module& from, std::string_view alias) const {
  for (const ImportDecl& i : from.imports) {
    if (i.alias == alias) return i.package;
  }
  return {};
}

std::string SymbolTable::qualify(const Module& from, std::string_view name) const {
  std::size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string package = import_package(from, name.substr(0, dot));
    if (!package.empty()) return package + "." + std::string(name.substr(dot + 1));
    return std::string(name);  // already qualified with a package name
  }
  return from.package + "." + std::string(name);
}

const HelperSymbol* SymbolTable::find_helper(const Module& from, std::string_view name) const {
  auto it = helpers_.find(qualify(from, name));
  return it == helpers_.end() ? nullptr : &it->second;
}

const ConstantSymbol* SymbolTable::find_constant(const Module& from, std::string_view name) const {
  auto it = constants_.find(qualify(from, name));
  return it == constants_.end() ? nullptr : &it->second;
}

}  // namespace sesrules::compiler
