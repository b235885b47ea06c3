// optimize: the compile-time analyses lowering uses when LowerOptions::optimize
// is on. Pipeline: check -> [optimize + lower] -> Program.
//  - Constant folding (fold_expr): literals, constants, constant sets,
//    comparisons, `in` and `not` of constants. Lowering folds conditions and
//    drops the dead code after a condition that can never hold.
//  - Dispatch analysis (event_constraint): the (eventSource, eventName) pairs a
//    body can match, from equality / set conditions on input.eventSource and
//    input.eventName, through helpers (OR over definitions) and parameterized
//    helpers called with constant arguments. Over-approximates: "" = any.
//  - build_dispatch: Program::dispatch, atoms and prefilter_complete.
//  - without_dispatch_implied: drops the top-level eventSource / eventName
//    conditions a body's dispatch constraint already guarantees, since the
//    runtime only runs a predicate on records its dispatch entries route to it.
// Tested by tests/unit/compiler/optimize_test.cc and the disasm goldens (*.opt.out).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast.h"
#include "compiler/symbols.h"
#include "runtime/program.h"

namespace sesrules::compiler {

// A value known at compile time. kind Set means a set of strings (sorted, unique).
struct ConstValue {
  runtime::Kind kind = runtime::Kind::Undefined;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string text;
  std::vector<std::string> set;

  bool holds() const { return kind != runtime::Kind::Undefined && !(kind == runtime::Kind::Bool && !boolean); }
};

// What names mean where an expression is folded.
class FoldScope {
 public:
  virtual ~FoldScope() = default;
  // The constant a Name, or an `alias.name` Member, denotes here; nullopt if it
  // is not a compile-time constant (a local, a parameter, a helper, a field).
  virtual std::optional<ConstValue> lookup(const Expr& reference) const = 0;
};

std::optional<ConstValue> fold_expr(const Expr& expr, const FoldScope& scope);

// Scope of a module's top level, optionally hiding local names and binding
// parameters to argument expressions folded in the caller's scope.
class ModuleFoldScope : public FoldScope {
 public:
  ModuleFoldScope(const SymbolTable& symbols, const Module& module) : symbols_(symbols), module_(module) {}
  void hide(const std::string& name) { hidden_.push_back(name); }
  void bind(const std::string& name, const Expr* argument, const FoldScope* caller) {
    bound_[name] = {argument, caller};
  }
  std::optional<ConstValue> lookup(const Expr& reference) const override;
  const Module& module() const { return module_; }
  const SymbolTable& symbols() const { return symbols_; }
  bool is_hidden(const std::string& name) const;

 private:
  const SymbolTable& symbols_;
  const Module& module_;
  std::vector<std::string> hidden_;
  std::map<std::string, std::pair<const Expr*, const FoldScope*>> bound_;
};

// One alternative of a dispatch constraint; "" = any value.
struct EventPair {
  std::string source;
  std::string name;
  auto operator<=>(const EventPair&) const = default;
};
// A disjunction of pairs; empty = the body can never hold.
using EventConstraint = std::vector<EventPair>;

EventConstraint event_constraint(const std::vector<const Stmt*>& body, const ModuleFoldScope& scope);
EventConstraint any_event();

// `body` without its top-level `input.eventSource == c` / `input.eventName in s`
// conditions (either operand order) that every pair of `dispatched` satisfies,
// `dispatched` being the body's event_constraint: the dispatch index routes a
// record to the body only when its exact source / name equals a pair's non-empty
// one, so those conditions always hold there. Nothing is dropped for `any` pairs.
std::vector<const Stmt*> without_dispatch_implied(const std::vector<const Stmt*>& body,
                                                  const EventConstraint& dispatched, const ModuleFoldScope& scope);

struct DispatchRequest {
  runtime::DispatchTarget target;
  EventConstraint constraint;
};
// Fills program.dispatch (sorted by source, name), program.atoms and prefilter_complete.
void build_dispatch(runtime::Program& program, const std::vector<DispatchRequest>& requests);

}  // namespace sesrules::compiler
