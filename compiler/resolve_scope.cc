// resolve stage, bodies: walks every helper, constant and detection with a
// stack of scopes and binds names. Scoping rules (docs/language.md, "Names"):
// a body's locals are visible after their assignment and in a value helper's
// value; `some`/`every` variables only inside their block; steps only in later
// steps of an ordered sequence and in outputs. Tested by resolve_test.cc.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>

#include "compiler/resolve.h"

namespace sesrules::compiler::detail {
namespace {

enum class StepAccess : std::uint8_t { None, Earlier, All };

class Walker {
 public:
  Walker(const Module& module, const Package& package, Resolution& resolution, Diagnostics& diagnostics)
      : package_(package), resolution_(resolution), diagnostics_(diagnostics) {
    for (const ImportDecl& import : module.imports) imports_.emplace(import.alias, &import);
  }

  void constant(const ConstantDecl& c) {
    owner_ = package_.name + "." + c.name;
    expr(*c.value);
  }

  void helper(const HelperDecl& h) {
    owner_ = package_.name + "." + h.name;
    frames_.emplace_back();
    for (const Param& p : h.params) bind(p.name, p.span, Reference::Kind::Param);
    frames_.emplace_back();
    statements(h.body);
    if (h.value) expr(*h.value);
    pop_frame();
    pop_frame();
  }

  void detection(const DetectionDecl& d);

 private:
  struct Local {
    Span span;
    Reference::Kind kind;
    bool used = false;
  };

  void pop_frame() {
    for (const auto& [name, local] : frames_.back()) {
      if (local.kind == Reference::Kind::Local && !local.used && name != "_") {
        diagnostics_.add(Diagnostic::make(DiagCode::W112, local.span, fmt::format("local `{}` is never used", name),
                                          "assigned but not read"));
      }
    }
    frames_.pop_back();
  }

  void bind(const std::string& name, Span span, Reference::Kind kind) {
    for (const auto& frame : frames_) {
      auto it = frame.find(name);
      if (it != frame.end()) {
        diagnostics_.add(Diagnostic::make(DiagCode::E209, span, fmt::format("`{}` is already bound in this body", name),
                                          "bound again here")
                             .with_secondary(it->second.span, "first bound here"));
        return;
      }
    }
    if (package_.symbols.count(name) || imports_.count(name)) {
      diagnostics_.add(Diagnostic::make(DiagCode::W110, span,
                                        fmt::format("`{}` hides the package-level name `{}`", name, name),
                                        "shadows a helper, constant or import"));
    }
    frames_.back().emplace(name, Local{span, kind});
  }

  Local* find_local(const std::string& name) {
    for (auto frame = frames_.rbegin(); frame != frames_.rend(); ++frame) {
      auto it = frame->find(name);
      if (it != frame->end()) return &it->second;
    }
    return nullptr;
  }

  int find_step(const std::string& name) const {
    if (detection_ == nullptr || detection_->kind != DetectionKind::Sequence) return -1;
    for (std::size_t i = 0; i < detection_->steps.size(); ++i) {
      if (detection_->steps[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  void use_symbol(const Symbol& symbol, Span span) {
    resolution_.used_symbols.insert(symbol.qualified());
    if (!owner_.empty()) resolution_.dependencies[owner_].emplace_back(symbol.qualified(), span);
  }

  void statements(const Body& body);
  void statement(const Stmt& s);
  void expr(const Expr& e);
  void name(const Expr& e);
  bool member_of_name(const Expr& e);
  void step_reference(const Expr& e, int step);
  void call(const Expr& e);
  void call_symbol(const Expr& e, const Symbol& symbol);
  void undefined(const Expr& e, DiagCode code, const std::string& what, bool functions_only);

  const Package& package_;
  Resolution& resolution_;
  Diagnostics& diagnostics_;
  std::map<std::string, const ImportDecl*> imports_;
  std::vector<std::map<std::string, Local>> frames_;
  std::string owner_;                       // qualified helper/constant being walked ("" in detections)
  const DetectionDecl* detection_ = nullptr;
  StepAccess step_access_ = StepAccess::None;
  std::size_t current_step_ = 0;
  const char* step_context_ = "";           // for E410 messages
};

void Walker::statements(const Body& body) {
  for (const Stmt& s : body) statement(s);
}

void Walker::statement(const Stmt& s) {
  switch (s.kind) {
    case StmtKind::Expr:
    case StmtKind::Not:
      expr(*s.expr);
      break;
    case StmtKind::Assign:
      expr(*s.expr);
      bind(s.var, s.var_span, Reference::Kind::Local);
      break;
    case StmtKind::Some:
    case StmtKind::Every:
      expr(*s.expr);
      frames_.emplace_back();
      if (!s.key_var.empty()) bind(s.key_var, s.span, Reference::Kind::LoopVar);
      bind(s.var, s.var_span, Reference::Kind::LoopVar);
      frames_.emplace_back();
      statements(s.body);
      pop_frame();
      pop_frame();
      break;
  }
}

void Walker::expr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Name: name(e); return;
    case ExprKind::Call: call(e); return;
    case ExprKind::Member:
      if (member_of_name(e)) return;
      break;
    default: break;
  }
  for (const ExprPtr& child : e.children) expr(*child);
}

void Walker::name(const Expr& e) {
  if (Local* local = find_local(e.text)) {
    local->used = true;
    resolution_.references[&e] = Reference{local->kind};
    return;
  }
  if (int step = find_step(e.text); step >= 0) {
    diagnostics_.add(Diagnostic::make(DiagCode::E410, e.span,
                                      fmt::format("step `{}` can only be used through one of its fields, such as `{}.awsRegion`",
                                                  e.text, e.text),
                                      "a step, not a value"));
    return;
  }
  auto symbol = package_.symbols.find(e.text);
  if (symbol != package_.symbols.end()) {
    if (symbol->second.is_function) {
      diagnostics_.add(Diagnostic::make(DiagCode::E307, e.span,
                                        fmt::format("`{}` takes {} parameter{}; call it as `{}(...)`", e.text,
                                                    symbol->second.arity, symbol->second.arity == 1 ? "" : "s", e.text),
                                        "function used without arguments"));
    }
    use_symbol(symbol->second, e.span);
    resolution_.references[&e] = Reference{Reference::Kind::Symbol, &symbol->second};
    return;
  }
  if (imports_.count(e.text)) {
    diagnostics_.add(Diagnostic::make(DiagCode::E203, e.span,
                                      fmt::format("`{}` is an imported package; use one of its names, as in `{}.name`",
                                                  e.text, e.text),
                                      "package alias"));
    return;
  }
  undefined(e, DiagCode::E203, "name", false);
}

// `alias.member` and `step.field`; false when the base is an ordinary value.
bool Walker::member_of_name(const Expr& e) {
  const Expr& base = *e.children[0];
  if (base.kind != ExprKind::Name || find_local(base.text) != nullptr) return false;
  if (int step = find_step(base.text); step >= 0) {
    step_reference(base, step);
    return true;
  }
  if (package_.symbols.count(base.text)) return false;
  auto import = imports_.find(base.text);
  if (import == imports_.end()) return false;
  resolution_.used_imports.insert(import->second);
  resolution_.references[&base] = Reference{Reference::Kind::Import, nullptr, nullptr, 0, import->second};
  const Symbol* symbol = resolution_.find(import->second->package, e.text);
  if (symbol == nullptr) {
    if (resolution_.package(import->second->package) != nullptr) {  // else E206 was reported
      diagnostics_.add(Diagnostic::make(DiagCode::E212, e.span,
                                        fmt::format("package `{}` has no helper or constant `{}`",
                                                    import->second->package, e.text),
                                        "not in the imported package"));
    }
    return true;
  }
  if (symbol->is_function) {
    diagnostics_.add(Diagnostic::make(DiagCode::E307, e.span,
                                      fmt::format("`{}.{}` takes parameters; call it with arguments", base.text, e.text),
                                      "function used without arguments"));
  }
  use_symbol(*symbol, e.span);
  resolution_.references[&e] = Reference{Reference::Kind::Symbol, symbol};
  return true;
}

void Walker::step_reference(const Expr& base, int step) {
  const StepDecl& target = detection_->steps[static_cast<std::size_t>(step)];
  std::string problem;
  if (target.absent) {
    problem = fmt::format("step `{}` is an absence step and has no event to refer to", target.name);
  } else if (step_access_ == StepAccess::None) {
    problem = fmt::format("{} cannot refer to step `{}`", step_context_, target.name);
  } else if (step_access_ == StepAccess::Earlier && static_cast<std::size_t>(step) >= current_step_) {
    problem = fmt::format("step `{}` refers to `{}`, which is not an earlier step",
                          detection_->steps[current_step_].name, target.name);
  }
  if (!problem.empty()) {
    diagnostics_.add(Diagnostic::make(DiagCode::E410, base.span, problem, "step reference not allowed here")
                         .with_secondary(target.name_span, "step declared here"));
    return;
  }
  resolution_.references[&base] = Reference{Reference::Kind::Step, nullptr, nullptr, static_cast<std::uint32_t>(step)};
}

void Walker::detection(const DetectionDecl& d) {
  owner_.clear();
  detection_ = &d;
  auto with_access = [&](StepAccess access, const char* context, const std::function<void()>& walk) {
    step_access_ = access;
    step_context_ = context;
    frames_.emplace_back();
    walk();
    pop_frame();
  };
  for (const MetaEntry& m : d.meta) {
    if (m.key != "severity") with_access(StepAccess::None, "meta", [&] { expr(*m.value); });
  }
  with_access(StepAccess::None, "`when`", [&] { statements(d.when); });
  for (const ExprPtr& key : d.by) with_access(StepAccess::None, "`by`", [&] { expr(*key); });
  if (d.distinct) with_access(StepAccess::None, "a threshold's `distinct`", [&] { expr(*d.distinct); });
  bool ordered = d.sequence_kind == SequenceKind::Ordered;
  const char* context = d.sequence_kind == SequenceKind::Unordered ? "a step of an unordered sequence (order unknown)"
                                                                   : "a threshold step";
  for (std::size_t i = 0; i < d.steps.size(); ++i) {
    current_step_ = i;
    with_access(ordered ? StepAccess::Earlier : StepAccess::None, context, [&] { statements(d.steps[i].body); });
  }
  if (d.until) with_access(StepAccess::None, "`until`", [&] { statements(*d.until); });
  for (const OutputDecl& o : d.outputs) with_access(StepAccess::All, "an output", [&] { expr(*o.value); });
  detection_ = nullptr;
}

void Walker::call(const Expr& e) {
  for (const ExprPtr& argument : e.children) expr(*argument);
  std::size_t dot = e.text.find('.');
  if (dot != std::string::npos) {
    std::string alias = e.text.substr(0, dot);
    std::string member = e.text.substr(dot + 1);
    auto import = imports_.find(alias);
    if (import == imports_.end() || find_local(alias) != nullptr) {
      undefined(e, DiagCode::E205, "function", true);
      return;
    }
    resolution_.used_imports.insert(import->second);
    const Symbol* symbol = resolution_.find(import->second->package, member);
    if (symbol == nullptr) {
      if (resolution_.package(import->second->package) != nullptr) {
        diagnostics_.add(Diagnostic::make(DiagCode::E212, e.span,
                                          fmt::format("package `{}` has no helper `{}`", import->second->package, member),
                                          "not in the imported package"));
      }
      return;
    }
    call_symbol(e, *symbol);
    return;
  }
  if (Local* local = find_local(e.text)) {
    local->used = true;
    diagnostics_.add(Diagnostic::make(DiagCode::E205, e.span, fmt::format("`{}` is a local variable, not a function", e.text),
                                      "cannot be called"));
    return;
  }
  if (auto symbol = package_.symbols.find(e.text); symbol != package_.symbols.end()) {
    call_symbol(e, symbol->second);
    return;
  }
  if (const BuiltinInfo* builtin = find_builtin(e.text)) {
    if (builtin->arity != e.children.size()) {
      diagnostics_.add(Diagnostic::make(DiagCode::E301, e.span,
                                        fmt::format("`{}` takes {} argument{}, not {}", e.text, builtin->arity,
                                                    builtin->arity == 1 ? "" : "s", e.children.size()),
                                        "wrong number of arguments"));
    }
    resolution_.references[&e] = Reference{Reference::Kind::Builtin, nullptr, builtin};
    return;
  }
  undefined(e, DiagCode::E205, "function", true);
}

void Walker::call_symbol(const Expr& e, const Symbol& symbol) {
  if (!symbol.is_function) {
    diagnostics_.add(Diagnostic::make(DiagCode::E307, e.span,
                                      fmt::format("`{}` is not a function; refer to it without parentheses", e.text),
                                      "called like a function"));
  } else if (symbol.arity != e.children.size()) {
    diagnostics_.add(Diagnostic::make(DiagCode::E301, e.span,
                                      fmt::format("`{}` takes {} argument{}, not {}", e.text, symbol.arity,
                                                  symbol.arity == 1 ? "" : "s", e.children.size()),
                                      "wrong number of arguments")
                         .with_secondary(symbol.span, "defined here"));
  }
  use_symbol(symbol, e.span);
  resolution_.references[&e] = Reference{Reference::Kind::Symbol, &symbol};
}

void Walker::undefined(const Expr& e, DiagCode code, const std::string& what, bool functions_only) {
  std::vector<std::string> candidates;
  if (!functions_only) {
    for (const auto& frame : frames_) {
      for (const auto& [name, local] : frame) candidates.push_back(name);
    }
    if (detection_) {
      for (const StepDecl& s : detection_->steps) candidates.push_back(s.name);
    }
  } else {
    for (const BuiltinInfo& b : builtins()) candidates.emplace_back(b.name);
  }
  for (const auto& [name, symbol] : package_.symbols) {
    if (symbol.is_function == functions_only) candidates.push_back(name);
  }
  std::string text = e.text;
  Diagnostic d = Diagnostic::make(code, e.kind == ExprKind::Call ? Span{e.span.file, e.span.begin,
                                                                        e.span.begin + static_cast<std::uint32_t>(text.size())}
                                                                 : e.span,
                                  fmt::format("undefined {} `{}`", what, text),
                                  functions_only ? "not a builtin or helper" : "not defined");
  if (auto close = suggest(text, candidates)) d.with_fix(d.span, *close, fmt::format("did you mean `{}`?", *close));
  diagnostics_.add(std::move(d));
}

void report_cycle(const std::vector<std::pair<std::string, std::size_t>>& path, const std::string& target, Span span,
                  std::set<std::set<std::string>>& reported, Diagnostics& diagnostics) {
  auto start = std::find_if(path.begin(), path.end(), [&](const auto& entry) { return entry.first == target; });
  std::set<std::string> members;
  for (auto it = start; it != path.end(); ++it) members.insert(it->first);
  if (!reported.insert(members).second) return;
  // Name the cycle without the package when it stays inside one.
  std::string prefix = target.substr(0, target.rfind('.') + 1);
  bool one_package = std::all_of(members.begin(), members.end(), [&](const std::string& n) {
    return n.rfind(prefix, 0) == 0 && n.find('.', prefix.size()) == std::string::npos;
  });
  auto shown = [&](const std::string& n) { return one_package ? n.substr(prefix.size()) : n; };
  std::string cycle;
  for (auto it = start; it != path.end(); ++it) cycle += (cycle.empty() ? "" : " -> ") + shown(it->first);
  cycle += " -> " + shown(target);
  diagnostics.add(Diagnostic::make(DiagCode::E208, span, "recursion between helpers: " + cycle,
                                   "this reference closes the cycle"));
}

}  // namespace

void resolve_bodies(const std::vector<Module>& modules, Resolution& resolution, Diagnostics& diagnostics) {
  for (const Module& module : modules) {
    const Package& package = resolution.packages.at(module.package);
    Walker walker(module, package, resolution, diagnostics);
    for (const ConstantDecl& c : module.constants) walker.constant(c);
    for (const HelperDecl& h : module.helpers) walker.helper(h);
    for (const DetectionDecl& d : module.detections) walker.detection(d);
  }
}

// Iterative depth-first search (a long chain of helpers must not exhaust the
// stack); each cycle is reported once, at the reference that closes it.
void check_recursion(const std::vector<Module>&, const Resolution& resolution, Diagnostics& diagnostics) {
  static const std::vector<std::pair<std::string, Span>> kNoEdges;
  std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
  std::set<std::set<std::string>> reported;
  auto edges_of = [&](const std::string& node) -> const std::vector<std::pair<std::string, Span>>& {
    auto it = resolution.dependencies.find(node);
    return it == resolution.dependencies.end() ? kNoEdges : it->second;
  };
  for (const auto& [root, root_edges] : resolution.dependencies) {
    if (state[root] != 0) continue;
    std::vector<std::pair<std::string, std::size_t>> path{{root, 0}};  // node, next edge
    state[root] = 1;
    while (!path.empty()) {
      auto& [node, next] = path.back();
      const auto& edges = edges_of(node);
      if (next == edges.size()) {
        state[node] = 2;
        path.pop_back();
        continue;
      }
      const auto& [target, span] = edges[next++];
      if (state[target] == 0) {
        state[target] = 1;
        path.emplace_back(target, 0);
      } else if (state[target] == 1) {
        report_cycle(path, target, span, reported, diagnostics);
      }
    }
  }
}

}  // namespace sesrules::compiler::detail
