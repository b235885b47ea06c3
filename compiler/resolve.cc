// resolve stage, package level: symbol tables (E201, E202, E213, E308),
// imports (E206, E207, E211), then body walking (resolve_scope.cc) and the
// recursion check. Ordering: symbol tables must be complete before any body is
// walked, because a package's files may refer to each other's helpers.
// Tested by resolve_test.cc.
#include "compiler/resolve.h"

#include <map>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

namespace sesrules::compiler {

const Package* Resolution::package(std::string_view name) const {
  auto it = packages.find(std::string(name));
  return it == packages.end() ? nullptr : &it->second;
}

const Symbol* Resolution::find(std::string_view package_name, std::string_view name) const {
  const Package* p = package(package_name);
  if (p == nullptr) return nullptr;
  auto it = p->symbols.find(std::string(name));
  return it == p->symbols.end() ? nullptr : &it->second;
}

const Reference* Resolution::reference(const Expr& expr) const {
  auto it = references.find(&expr);
  return it == references.end() ? nullptr : &it->second;
}

namespace {

bool is_literal(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Null: case ExprKind::Bool: case ExprKind::Int: case ExprKind::Float: case ExprKind::String:
      return true;
    case ExprKind::Set: case ExprKind::Array:
      for (const ExprPtr& child : e.children) {
        if (!is_literal(*child)) return false;
      }
      return true;
    default:
      return false;
  }
}

class PackageBuilder {
 public:
  PackageBuilder(Resolution& resolution, Diagnostics& diagnostics) : resolution_(resolution), diagnostics_(diagnostics) {}

  void add_module(const Module& module, std::uint32_t index) {
    Package& package = resolution_.packages[module.package];
    package.name = module.package;
    package.modules.push_back(index);
    for (const ConstantDecl& c : module.constants) add_constant(package, c);
    for (const HelperDecl& h : module.helpers) add_helper(package, h);
    for (const DetectionDecl& d : module.detections) add_detection(package, d);
  }

  void add_defaults(const Module& module) {
    Package& package = resolution_.packages[module.package];
    for (const DefaultDecl& d : module.defaults) add_default(package, d);
  }

 private:
  bool reserved_builtin(const std::string& name, Span span) {
    if (find_builtin(name) == nullptr) return false;
    diagnostics_.add(Diagnostic::make(DiagCode::E201, span, fmt::format("`{}` is a builtin and cannot be redefined", name),
                                      "builtin name"));
    return true;
  }

  void duplicate(const Symbol& first, Span span, const std::string& what) {
    diagnostics_.add(Diagnostic::make(DiagCode::E201, span, fmt::format("`{}` is already declared as {}", first.name, what),
                                      "declared again here")
                         .with_secondary(first.span, "first declared here"));
  }

  void add_constant(Package& package, const ConstantDecl& c) {
    if (reserved_builtin(c.name, c.name_span)) return;
    auto [it, inserted] = package.symbols.try_emplace(c.name);
    Symbol& symbol = it->second;
    if (!inserted) {
      duplicate(symbol, c.name_span, symbol.kind == SymbolKind::Constant ? "a constant" : "a helper");
      return;
    }
    symbol = Symbol{SymbolKind::Constant, package.name, c.name, c.name_span, &c, {}, nullptr, false, 0};
  }

  void add_helper(Package& package, const HelperDecl& h) {
    if (reserved_builtin(h.name, h.name_span)) return;
    auto [it, inserted] = package.symbols.try_emplace(h.name);
    Symbol& symbol = it->second;
    if (inserted) {
      symbol = Symbol{SymbolKind::Helper, package.name, h.name, h.name_span, nullptr, {&h}, nullptr, h.is_function,
                      h.params.size()};
      return;
    }
    if (symbol.kind == SymbolKind::Constant) {
      duplicate(symbol, h.name_span, "a constant");
      return;
    }
    const HelperDecl& first = *symbol.definitions.front();
    if (first.is_function != h.is_function || first.params.size() != h.params.size() ||
        (first.value == nullptr) != (h.value == nullptr)) {
      auto shape = [](const HelperDecl& d) {
        std::string s = d.is_function ? fmt::format("a function of {} parameter{}", d.params.size(),
                                                    d.params.size() == 1 ? "" : "s")
                                      : std::string("a helper without parameters");
        return s + (d.value ? " with a value" : " (boolean)");
      };
      diagnostics_.add(Diagnostic::make(DiagCode::E213, h.name_span,
                                        fmt::format("`{}` is defined here as {} but first as {}", h.name, shape(h),
                                                    shape(first)),
                                        "inconsistent definition")
                           .with_secondary(first.name_span, "first definition"));
      return;
    }
    symbol.definitions.push_back(&h);
  }

  void add_detection(Package& package, const DetectionDecl& d) {
    auto [it, inserted] = detection_names_.try_emplace(NameKey(package.name, d.name), &d);
    if (!inserted) {
      const DetectionDecl& other = *it->second;
      diagnostics_.add(Diagnostic::make(DiagCode::E202, d.name_span,
                                        fmt::format("detection `{}.{}` is declared twice", package.name, d.name),
                                        "declared again here")
                           .with_secondary(other.name_span, "first declared here"));
      return;
    }
    package.detections.push_back(&d);
  }

  void add_default(Package& package, const DefaultDecl& d) {
    auto it = package.symbols.find(d.name);
    if (it == package.symbols.end() || it->second.kind != SymbolKind::Helper || it->second.is_function ||
        it->second.definitions.front()->value == nullptr) {
      diagnostics_.add(Diagnostic::make(DiagCode::E308, d.name_span,
                                        fmt::format("`default {}` needs a value helper `{} := value {{ ... }}`", d.name, d.name),
                                        "no value helper of this name"));
      return;
    }
    Symbol& symbol = it->second;
    if (symbol.default_value != nullptr) {
      diagnostics_.add(Diagnostic::make(DiagCode::E201, d.name_span, fmt::format("`{}` already has a default", d.name),
                                        "second default")
                           .with_secondary(symbol.default_value->name_span, "first default"));
      return;
    }
    if (!is_literal(*d.value)) {
      diagnostics_.add(Diagnostic::make(DiagCode::E308, d.value->span, "a default value must be a literal",
                                        "not a literal"));
      return;
    }
    symbol.default_value = &d;
  }

  Resolution& resolution_;
  Diagnostics& diagnostics_;
  // (package, detection name) -> first declaration, for E202 without a
  // quadratic scan of the package's detections. Hashed: only looked up, and an
  // ordered map compared the shared package prefix at every level.
  using NameKey = std::pair<std::string_view, std::string_view>;
  struct NameKeyHash {
    std::size_t operator()(const NameKey& key) const {
      std::size_t h = std::hash<std::string_view>{}(key.first);
      return h ^ (std::hash<std::string_view>{}(key.second) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
    }
  };
  std::unordered_map<NameKey, const DetectionDecl*, NameKeyHash> detection_names_;
};

void check_imports(const Module& module, const Resolution& resolution, Diagnostics& diagnostics) {
  std::map<std::string, const ImportDecl*> aliases;
  std::vector<std::string> package_names;
  for (const auto& [name, package] : resolution.packages) package_names.push_back(name);
  for (const ImportDecl& import : module.imports) {
    if (import.package == module.package) {
      diagnostics.add(Diagnostic::make(DiagCode::E207, import.span,
                                       fmt::format("package `{}` imports itself", import.package),
                                       "its names are already in scope"));
    } else if (resolution.package(import.package) == nullptr) {
      Diagnostic d = Diagnostic::make(DiagCode::E206, import.span,
                                      fmt::format("no package `{}` in this compilation", import.package),
                                      "unknown package");
      if (auto close = suggest(import.package, package_names)) {
        d.with_fix(import.span, "import " + *close, fmt::format("did you mean `{}`?", *close));
      }
      diagnostics.add(std::move(d));
    }
    auto [it, inserted] = aliases.emplace(import.alias, &import);
    if (!inserted) {
      diagnostics.add(Diagnostic::make(DiagCode::E211, import.span,
                                       fmt::format("alias `{}` is already used by another import", import.alias),
                                       "second use of the alias")
                          .with_secondary(it->second->span, "first import")
                          .with_note("rename one with `import <package> as <alias>`"));
    }
  }
}

}  // namespace

Resolution resolve(const std::vector<Module>& modules, std::span<const SourceFile>, Diagnostics& diagnostics) {
  Resolution resolution;
  PackageBuilder builder(resolution, diagnostics);
  for (std::uint32_t i = 0; i < modules.size(); ++i) builder.add_module(modules[i], i);
  for (const Module& module : modules) builder.add_defaults(module);
  for (const Module& module : modules) check_imports(module, resolution, diagnostics);
  detail::resolve_bodies(modules, resolution, diagnostics);
  detail::check_recursion(modules, resolution, diagnostics);
  return resolution;
}

}  // namespace sesrules::compiler
