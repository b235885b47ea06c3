// Constant folding, dispatch analysis and prefilter atoms. Tested by
// optimize_test.cc and the disasm goldens.
#include "compiler/optimize.h"

#include <algorithm>
#include <set>

namespace sesrules::compiler {
namespace {

using runtime::Kind;

constexpr std::size_t kMaxPairs = 4096;     // beyond this, "any" is as useful and cheaper
constexpr int kMaxHelperDepth = 64;

ConstValue make_bool(bool b) {
  ConstValue v;
  v.kind = Kind::Bool;
  v.boolean = b;
  return v;
}

bool is_number(const ConstValue& v) { return v.kind == Kind::Int || v.kind == Kind::Float; }
double as_double(const ConstValue& v) { return v.kind == Kind::Int ? static_cast<double>(v.integer) : v.number; }

bool const_equal(const ConstValue& a, const ConstValue& b) {
  if (is_number(a) && is_number(b)) {
    return a.kind == Kind::Int && b.kind == Kind::Int ? a.integer == b.integer : as_double(a) == as_double(b);
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::Bool: return a.boolean == b.boolean;
    case Kind::String: return a.text == b.text;
    case Kind::Set: return a.set == b.set;
    default: return true;  // Null
  }
}

// Mirrors the VM's Eq/Ne/Lt... (runtime/vm.cc) so folding never changes a result.
ConstValue fold_compare(CompareOp op, const ConstValue& a, const ConstValue& b) {
  if (a.kind == Kind::Undefined || b.kind == Kind::Undefined) return {};
  if (op == CompareOp::Eq) return make_bool(const_equal(a, b));
  if (op == CompareOp::Ne) return make_bool(!const_equal(a, b));
  int c = 0;
  if (a.kind == Kind::Int && b.kind == Kind::Int) {
    c = (a.integer > b.integer) - (a.integer < b.integer);
  } else if (is_number(a) && is_number(b)) {
    double x = as_double(a), y = as_double(b);
    if (x != x || y != y) return {};
    c = (x > y) - (x < y);
  } else if (a.kind == Kind::String && b.kind == Kind::String) {
    int r = a.text.compare(b.text);
    c = (r > 0) - (r < 0);
  } else {
    return {};
  }
  switch (op) {
    case CompareOp::Lt: return make_bool(c < 0);
    case CompareOp::Le: return make_bool(c <= 0);
    case CompareOp::Gt: return make_bool(c > 0);
    default: return make_bool(c >= 0);
  }
}

std::optional<ConstValue> fold_set(const Expr& expr, const FoldScope& scope) {
  ConstValue v;
  v.kind = Kind::Set;
  for (const ExprPtr& child : expr.children) {
    std::optional<ConstValue> element = fold_expr(*child, scope);
    if (!element || element->kind != Kind::String) return std::nullopt;
    v.set.push_back(element->text);
  }
  std::sort(v.set.begin(), v.set.end());
  v.set.erase(std::unique(v.set.begin(), v.set.end()), v.set.end());
  return v;
}

std::optional<ConstValue> fold_in(const Expr& expr, const FoldScope& scope) {
  std::optional<ConstValue> x = fold_expr(*expr.children[0], scope);
  std::optional<ConstValue> coll = fold_expr(*expr.children[1], scope);
  if (!x || !coll || coll->kind != Kind::Set) return std::nullopt;
  if (x->kind == Kind::Undefined) return ConstValue{};
  return make_bool(x->kind == Kind::String && std::binary_search(coll->set.begin(), coll->set.end(), x->text));
}

}  // namespace

std::optional<ConstValue> fold_expr(const Expr& expr, const FoldScope& scope) {
  ConstValue v;
  switch (expr.kind) {
    case ExprKind::Null: v.kind = Kind::Null; return v;
    case ExprKind::Bool: return make_bool(expr.bool_value);
    case ExprKind::Int: v.kind = Kind::Int; v.integer = expr.int_value; return v;
    case ExprKind::Float: v.kind = Kind::Float; v.number = expr.float_value; return v;
    case ExprKind::String: v.kind = Kind::String; v.text = expr.text; return v;
    case ExprKind::Set: return fold_set(expr, scope);
    case ExprKind::Name:
    case ExprKind::Member: return scope.lookup(expr);
    case ExprKind::Compare: {
      std::optional<ConstValue> a = fold_expr(*expr.children[0], scope);
      std::optional<ConstValue> b = a ? fold_expr(*expr.children[1], scope) : std::nullopt;
      if (!a || !b) return std::nullopt;
      return fold_compare(expr.op, *a, *b);
    }
    case ExprKind::In: return fold_in(expr, scope);
    default: return std::nullopt;
  }
}

bool ModuleFoldScope::is_hidden(const std::string& name) const {
  return std::find(hidden_.begin(), hidden_.end(), name) != hidden_.end();
}

std::optional<ConstValue> ModuleFoldScope::lookup(const Expr& reference) const {
  std::string name;
  if (reference.kind == ExprKind::Name) {
    if (is_hidden(reference.text)) return std::nullopt;
    if (auto it = bound_.find(reference.text); it != bound_.end()) {
      return fold_expr(*it->second.first, *it->second.second);
    }
    name = reference.text;
  } else {
    const Expr& base = *reference.children[0];
    if (base.kind != ExprKind::Name || is_hidden(base.text) || bound_.contains(base.text) ||
        symbols_.import_package(module_, base.text).empty()) {
      return std::nullopt;
    }
    name = base.text + "." + reference.text;
  }
  const ConstantSymbol* constant = symbols_.find_constant(module_, name);
  if (!constant || !constant->decl->value) return std::nullopt;
  return fold_expr(*constant->decl->value, ModuleFoldScope(symbols_, *constant->module));
}

// ---- dispatch analysis ----

namespace {

bool is_input_field(const Expr& e, std::string_view field) {
  return e.kind == ExprKind::Member && e.text == field && e.children[0]->kind == ExprKind::Input;
}

void normalize(EventConstraint& c) {
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  if (c.size() > kMaxPairs) c = any_event();
}

bool is_any_event(const EventConstraint& c) { return c.size() == 1 && c[0].source.empty() && c[0].name.empty(); }

EventConstraint conjoin(const EventConstraint& a, const EventConstraint& b) {
  // Most conditions say nothing about the event: `any event` leaves the other side.
  if (is_any_event(a) || is_any_event(b)) {
    EventConstraint out = is_any_event(a) ? b : a;
    normalize(out);
    return out;
  }
  EventConstraint out;
  for (const EventPair& x : a) {
    for (const EventPair& y : b) {
      if (!x.source.empty() && !y.source.empty() && x.source != y.source) continue;
      if (!x.name.empty() && !y.name.empty() && x.name != y.name) continue;
      out.push_back({x.source.empty() ? y.source : x.source, x.name.empty() ? y.name : x.name});
    }
  }
  normalize(out);
  return out;
}

// `input.eventSource == "x"` / `input.eventName in {...}`, either operand order.
std::optional<EventConstraint> field_condition(const Expr& e, const FoldScope& scope) {
  if (e.kind != ExprKind::In && !(e.kind == ExprKind::Compare && e.op == CompareOp::Eq)) return std::nullopt;
  for (int side = 0; side < 2; ++side) {
    const Expr& field = *e.children[side];
    const Expr& other = *e.children[1 - side];
    bool source = is_input_field(field, "eventSource");
    if (!source && !is_input_field(field, "eventName")) continue;
    if (e.kind == ExprKind::In && side == 1) continue;
    std::optional<ConstValue> v = fold_expr(other, scope);
    if (!v) return std::nullopt;
    EventConstraint c;
    auto add = [&](std::string& value) {
      c.push_back(source ? EventPair{std::move(value), ""} : EventPair{"", std::move(value)});
    };
    if (e.kind == ExprKind::Compare && v->kind == Kind::String) {
      add(v->text);
    } else if (e.kind == ExprKind::In && v->kind == Kind::Set) {
      c.reserve(v->set.size());
      for (std::string& value : v->set) add(value);
    } else {
      return std::nullopt;
    }
    return c;
  }
  return std::nullopt;
}

class Analyzer {
 public:
  explicit Analyzer(const SymbolTable& symbols) : symbols_(symbols) {}
  EventConstraint body(const std::vector<const Stmt*>& stmts, const ModuleFoldScope& scope, int depth);

 private:
  // nullopt: the statement says nothing about the event (any event), without
  // allocating any_event() for each such statement.
  std::optional<EventConstraint> statement(const Stmt& s, const ModuleFoldScope& scope, int depth);
  EventConstraint helper(const HelperSymbol& h, const std::vector<const Expr*>& args, const FoldScope& caller,
                         int depth);
  const HelperSymbol* helper_reference(const Expr& e, const ModuleFoldScope& scope) const;
  const SymbolTable& symbols_;
};

const HelperSymbol* Analyzer::helper_reference(const Expr& e, const ModuleFoldScope& scope) const {
  if (e.kind == ExprKind::Name || e.kind == ExprKind::Call) {
    if (e.kind == ExprKind::Name && scope.is_hidden(e.text)) return nullptr;
    return symbols_.find_helper(scope.module(), e.text);
  }
  if (e.kind == ExprKind::Member && e.children[0]->kind == ExprKind::Name &&
      !scope.is_hidden(e.children[0]->text) && !symbols_.import_package(scope.module(), e.children[0]->text).empty()) {
    return symbols_.find_helper(scope.module(), e.children[0]->text + "." + e.text);
  }
  return nullptr;
}

EventConstraint Analyzer::helper(const HelperSymbol& h, const std::vector<const Expr*>& args,
                                 const FoldScope& caller, int depth) {
  if (depth > kMaxHelperDepth) return any_event();
  EventConstraint out;
  for (std::size_t d = 0; d < h.definitions.size(); ++d) {
    const HelperDecl& def = *h.definitions[d];
    ModuleFoldScope scope(symbols_, *h.definition_modules[d]);
    for (std::size_t i = 0; i < def.params.size() && i < args.size(); ++i) {
      scope.bind(def.params[i].name, args[i], &caller);
    }
    std::vector<const Stmt*> stmts;
    for (const Stmt& s : def.body) stmts.push_back(&s);
    EventConstraint c = body(stmts, scope, depth + 1);
    out.insert(out.end(), c.begin(), c.end());
  }
  if (h.default_decl && h.default_decl->value) {
    std::optional<ConstValue> v = fold_expr(*h.default_decl->value, ModuleFoldScope(symbols_, *h.default_module));
    if (!v || v->holds()) return any_event();
  }
  normalize(out);
  return out;
}

std::optional<EventConstraint> Analyzer::statement(const Stmt& s, const ModuleFoldScope& scope, int depth) {
  if ((s.kind == StmtKind::Expr || s.kind == StmtKind::Not) && s.expr) {
    if (std::optional<ConstValue> v = fold_expr(*s.expr, scope)) {
      if (v->holds() != (s.kind == StmtKind::Not)) return std::nullopt;
      return EventConstraint{};
    }
  }
  if (s.kind != StmtKind::Expr || !s.expr) return std::nullopt;
  const Expr& e = *s.expr;
  if (std::optional<EventConstraint> c = field_condition(e, scope)) return c;
  if (const HelperSymbol* h = helper_reference(e, scope)) {
    std::vector<const Expr*> args;
    if (e.kind == ExprKind::Call) {
      for (const ExprPtr& a : e.children) args.push_back(a.get());
    }
    return helper(*h, args, scope, depth);
  }
  return std::nullopt;
}

// Names bound inside a body (assignments, iteration variables) shadow constants.
void hide_locals(const Stmt& s, ModuleFoldScope& scope) {
  if (!s.var.empty()) scope.hide(s.var);
  if (!s.key_var.empty()) scope.hide(s.key_var);
  for (const Stmt& inner : s.body) hide_locals(inner, scope);
}

EventConstraint Analyzer::body(const std::vector<const Stmt*>& stmts, const ModuleFoldScope& outer, int depth) {
  ModuleFoldScope scope = outer;
  for (const Stmt* s : stmts) hide_locals(*s, scope);
  EventConstraint out = any_event();
  for (const Stmt* s : stmts) {
    std::optional<EventConstraint> next = statement(*s, scope, depth);
    if (!next) continue;  // any event
    out = conjoin(out, *next);
    if (out.empty()) break;
  }
  return out;
}

// Every pair of `dispatched` pins the fields `condition` tests to one of its values.
bool implies(const EventConstraint& dispatched, const EventConstraint& condition) {
  auto covered = [&](const EventPair& pair) {
    return std::any_of(condition.begin(), condition.end(), [&](const EventPair& c) {
      return (c.source.empty() || c.source == pair.source) && (c.name.empty() || c.name == pair.name) &&
             (!c.source.empty() || !c.name.empty());
    });
  };
  return !dispatched.empty() && std::all_of(dispatched.begin(), dispatched.end(), covered);
}

}  // namespace

EventConstraint any_event() { return {EventPair{}}; }

std::vector<const Stmt*> without_dispatch_implied(const std::vector<const Stmt*>& body,
                                                  const EventConstraint& dispatched, const ModuleFoldScope& outer) {
  ModuleFoldScope scope = outer;
  for (const Stmt* s : body) hide_locals(*s, scope);
  std::vector<const Stmt*> kept;
  for (const Stmt* s : body) {
    std::optional<EventConstraint> condition;
    if (s->kind == StmtKind::Expr && s->expr) condition = field_condition(*s->expr, scope);
    if (!condition || !implies(dispatched, *condition)) kept.push_back(s);
  }
  return kept;
}

EventConstraint event_constraint(const std::vector<const Stmt*>& body, const ModuleFoldScope& scope) {
  return Analyzer(scope.symbols()).body(body, scope, 0);
}

void build_dispatch(runtime::Program& program, const std::vector<DispatchRequest>& requests) {
  std::map<EventPair, std::vector<runtime::DispatchTarget>> entries;
  std::set<std::string> atoms;
  bool complete = true;
  for (const DispatchRequest& r : requests) {
    for (const EventPair& pair : r.constraint) {
      entries[pair].push_back(r.target);
      // eventName values appear verbatim in the raw JSON; the source is the fallback.
      const std::string& atom = pair.name.empty() ? pair.source : pair.name;
      if (atom.empty()) complete = false;
      else atoms.insert(atom);
    }
  }
  program.dispatch.clear();
  for (auto& [pair, targets] : entries) {
    program.dispatch.push_back(runtime::DispatchEntry{pair.source, pair.name, std::move(targets)});
  }
  program.prefilter_complete = complete;
  program.atoms.clear();
  if (complete) program.atoms.assign(atoms.begin(), atoms.end());
}

}  // namespace sesrules::compiler
