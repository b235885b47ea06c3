// Internal to lowering (lower.cc, lower_expr.cc, lower_sequence.cc):
// ProgramBuilder owns the Program being built and its deduplicated tables;
// FunctionBuilder emits one Function's code (own buffer, appended on finish, so
// helpers can be compiled on first use while another function is half built).
// Jump operands are function-relative offsets into that buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "compiler/lower.h"
#include "compiler/optimize.h"
#include "compiler/symbols.h"

namespace sesrules::compiler::detail {

using runtime::Op;

class ProgramBuilder {
 public:
  ProgramBuilder(const std::vector<Module>& modules, const std::vector<SourceFile>& files,
                 const LowerOptions& options);

  runtime::Program& program() { return program_; }
  const SymbolTable& symbols() const { return symbols_; }
  const LowerOptions& options() const { return options_; }
  const std::vector<SourceFile>& files() const { return files_; }

  std::uint32_t constant(const ConstValue& value);  // scalars only
  std::uint32_t string_constant(const std::string& text);
  std::uint32_t true_constant();
  std::uint32_t string_set(const std::vector<std::string>& sorted_unique);
  std::uint32_t field_slot(std::span<const std::string_view> path);
  std::uint32_t pattern(std::vector<std::string>& table, const std::string& text);
  std::uint32_t helper_function(const HelperSymbol& helper);  // compiled on first use
  std::uint32_t reserve_function(std::string name, std::uint16_t params);
  runtime::SourcePos position(Span span);

 private:
  runtime::Program program_;
  SymbolTable symbols_;
  const std::vector<SourceFile>& files_;
  LowerOptions options_;
  // The id of the key in `key_`, and whether it was added now (with id `next`).
  std::pair<std::uint32_t, bool> intern(std::unordered_map<std::string, std::uint32_t>& ids, std::size_t next);

  // Only looked up, never iterated: the tables keep insertion order.
  std::unordered_map<std::string, std::uint32_t> constant_ids_, set_ids_, slot_ids_, pattern_ids_, helper_ids_;
  std::string key_;  // the table key being built (see intern)
  std::optional<std::uint32_t> true_id_;  // asked for by every predicate
  std::optional<std::pair<Span, runtime::SourcePos>> last_position_;
};

// Step names visible in a sequence function (`list.sourceIPAddress`) and the
// rule's capture list those references extend.
struct SequenceScope {
  std::vector<std::string> step_names;
  std::uint32_t current_step = 0xffffffffu;  // its own name is not a capture
  std::vector<runtime::Capture>* captures = nullptr;
};

class FunctionBuilder : public FoldScope {
 public:
  FunctionBuilder(ProgramBuilder& builder, const Module& module, const SequenceScope* sequence = nullptr);

  // Names -> local slots. Scopes nest; mark()/release() bracket a block.
  std::uint32_t declare_local(const std::string& name);
  void bind_local(const std::string& name, std::uint32_t slot);
  std::uint32_t anonymous_locals(std::uint32_t count);
  std::size_t mark() const { return names_.size(); }
  void release(std::size_t mark) { names_.resize(mark); }
  void set_module(const Module& module) { module_ = &module; }

  std::uint32_t emit(Op op, std::uint32_t a, std::uint16_t b, Span span);
  std::uint32_t here() const { return static_cast<std::uint32_t>(code_.size()); }
  void patch(const std::vector<std::uint32_t>& jumps, std::uint32_t target);

  void expr(const Expr& e);
  // Compiles the conjunction; every failing path jumps to an offset added to
  // `fails`. Returns false if the end is unreachable (a condition never holds).
  bool body(const std::vector<const Stmt*>& stmts, std::vector<std::uint32_t>& fails);
  bool body(const Body& stmts, std::vector<std::uint32_t>& fails);
  // Appends the code to the program as function `index` (from reserve_function),
  // after the peephole pass when optimizing. `predicate`: a rule body, step or
  // until (its Return instructions are not coverage points).
  void finish(std::uint32_t index, bool predicate = false);

  std::optional<ConstValue> lookup(const Expr& reference) const override;
  std::optional<ConstValue> fold(const Expr& e) const { return fold_expr(e, *this); }

 private:
  std::optional<std::uint32_t> find_local(const std::string& name) const;
  std::optional<std::uint32_t> step_index(const std::string& name) const;
  bool statement(const Stmt& s, std::vector<std::uint32_t>& fails);
  void condition(const Expr& e, bool negate, std::vector<std::uint32_t>& fails, bool& reachable);
  void iteration(const Stmt& s, std::vector<std::uint32_t>& fails);
  void load_constant(const ConstValue& v, Span span);
  void name(const Expr& e);
  void call(const Expr& e);
  bool pattern_call(const Expr& e, std::uint32_t builtin);
  void in(const Expr& e);
  bool path(const Expr& e);
  void qualified_reference(const Expr& e, const std::string& qualified_name);

  ProgramBuilder& builder_;
  const Module* module_;
  const SequenceScope* sequence_;
  std::vector<std::pair<std::string, std::uint32_t>> names_;
  std::size_t names_floor_ = 0;  // names below are hidden (while compiling a constant's expression)
  std::uint32_t locals_ = 0;
  std::vector<runtime::Instr> code_;
  std::vector<runtime::SourcePos> pos_;
};

std::vector<const Stmt*> statements(const Body& body);
// lower_peephole.cc: fuses instruction sequences into superinstructions.
void peephole(const runtime::Program& p, std::vector<runtime::Instr>& code, std::vector<runtime::SourcePos>& pos,
              bool predicate);
std::string fnv1a_hex(std::string_view text);

// lower_sequence.cc
void lower_sequence(ProgramBuilder& builder, const Module& module, const DetectionDecl& d, runtime::Rule& rule,
                    std::vector<DispatchRequest>& requests);
// lower.cc: a predicate (rule body, step, until): true or Undefined.
std::uint32_t lower_predicate(ProgramBuilder& builder, const Module& module, const std::vector<const Stmt*>& stmts,
                              std::string name, const SequenceScope* sequence, Span span);
// The dispatch constraint of a body (any event when not optimizing).
EventConstraint dispatch_constraint(const ProgramBuilder& builder, const Module& module,
                                    const std::vector<const Stmt*>& stmts);
// lower.cc: the predicate of a dispatched body (rule, step, until) and its dispatch
// request for `target`; when optimizing, the conditions dispatch guarantees are
// not compiled (without_dispatch_implied), so the predicate is only valid on the
// records the dispatch index routes to `target`.
std::uint32_t lower_dispatched(ProgramBuilder& builder, const Module& module, const std::vector<const Stmt*>& stmts,
                               std::string name, const SequenceScope* sequence, Span span,
                               runtime::DispatchTarget target, std::vector<DispatchRequest>& requests);
// lower.cc: a value function (key, output, distinct): `return expr`.
std::uint32_t lower_value_function(ProgramBuilder& builder, const Module& module, const Expr& e, std::string name,
                                   const SequenceScope* sequence);

}  // namespace sesrules::compiler::detail
