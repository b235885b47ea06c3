// FunctionBuilder: lowering of expressions, conditions and bodies to bytecode.
// Bodies: each condition jumps to the enclosing failure target unless it holds;
// `some` loops back to its IterNext on failure, `every` fails the whole body.
// Constant sets become string sets (InSet / LoadSet) whatever the options;
// folding and dead-condition removal only with LowerOptions::optimize.
// Tested by lower_test.cc, differential_test.cc and the disasm goldens.
#include <algorithm>

#include "compiler/builtins.h"
#include "compiler/lower_context.h"

namespace sesrules::compiler::detail {

using runtime::Kind;

FunctionBuilder::FunctionBuilder(ProgramBuilder& builder, const Module& module, const SequenceScope* sequence)
    : builder_(builder), module_(&module), sequence_(sequence) {
  // Most functions are a rule's few conditions: one allocation instead of a
  // growing series (there are thousands of functions in a large rule set).
  code_.reserve(16);
  pos_.reserve(16);
}

std::uint32_t FunctionBuilder::declare_local(const std::string& name) {
  std::uint32_t slot = locals_++;
  names_.emplace_back(name, slot);
  return slot;
}

void FunctionBuilder::bind_local(const std::string& name, std::uint32_t slot) { names_.emplace_back(name, slot); }

std::uint32_t FunctionBuilder::anonymous_locals(std::uint32_t count) {
  std::uint32_t first = locals_;
  locals_ += count;
  return first;
}

std::optional<std::uint32_t> FunctionBuilder::find_local(const std::string& name) const {
  for (std::size_t i = names_.size(); i > names_floor_; --i) {
    if (names_[i - 1].first == name) return names_[i - 1].second;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> FunctionBuilder::step_index(const std::string& name) const {
  if (!sequence_ || find_local(name)) return std::nullopt;
  for (std::uint32_t i = 0; i < sequence_->step_names.size(); ++i) {
    if (sequence_->step_names[i] == name && i != sequence_->current_step) return i;
  }
  return std::nullopt;
}

std::uint32_t FunctionBuilder::emit(Op op, std::uint32_t a, std::uint16_t b, Span span) {
  code_.push_back(runtime::Instr{op, 0, b, a});
  pos_.push_back(builder_.position(span));
  return here() - 1;
}

void FunctionBuilder::patch(const std::vector<std::uint32_t>& jumps, std::uint32_t target) {
  for (std::uint32_t at : jumps) code_[at].a = target;
}

void FunctionBuilder::finish(std::uint32_t index, bool predicate) {
  runtime::Program& p = builder_.program();
  if (builder_.options().optimize) peephole(p, code_, pos_, predicate);
  runtime::Function& f = p.functions[index];
  f.entry = static_cast<std::uint32_t>(p.code.size());
  f.length = here();
  f.locals = static_cast<std::uint16_t>(std::max<std::uint32_t>(locals_, f.params));
  p.code.insert(p.code.end(), code_.begin(), code_.end());
  p.code_pos.insert(p.code_pos.end(), pos_.begin(), pos_.end());
}

std::optional<ConstValue> FunctionBuilder::lookup(const Expr& reference) const {
  const SymbolTable& symbols = builder_.symbols();
  std::string name = reference.text;
  if (reference.kind == ExprKind::Name) {
    if (find_local(name) || step_index(name)) return std::nullopt;
  } else {
    const Expr& base = *reference.children[0];
    if (base.kind != ExprKind::Name || find_local(base.text) || step_index(base.text) ||
        symbols.import_package(*module_, base.text).empty()) {
      return std::nullopt;
    }
    name = base.text + "." + reference.text;
  }
  const ConstantSymbol* constant = symbols.find_constant(*module_, name);
  if (!constant || !constant->decl->value) return std::nullopt;
  return fold_expr(*constant->decl->value, ModuleFoldScope(symbols, *constant->module));
}

void FunctionBuilder::load_constant(const ConstValue& v, Span span) {
  if (v.kind == Kind::Undefined) emit(Op::LoadUndefined, 0, 0, span);
  else if (v.kind == Kind::Set) emit(Op::LoadSet, builder_.string_set(v.set), 0, span);
  else emit(Op::LoadConst, builder_.constant(v), 0, span);
}

void FunctionBuilder::expr(const Expr& e) {
  bool optimize = builder_.options().optimize;
  switch (e.kind) {
    case ExprKind::Null: case ExprKind::Bool: case ExprKind::Int: case ExprKind::Float: case ExprKind::String:
      return load_constant(*fold(e), e.span);
    case ExprKind::Set:
    case ExprKind::Array:
      if (e.kind == ExprKind::Set) {
        if (std::optional<ConstValue> v = fold(e)) return load_constant(*v, e.span);
      }
      for (const ExprPtr& child : e.children) expr(*child);
      emit(Op::MakeArray, static_cast<std::uint32_t>(e.children.size()), 0, e.span);
      return;
    case ExprKind::Input: emit(Op::LoadUndefined, 0, 0, e.span); return;  // whole records are not values
    case ExprKind::Name: return name(e);
    case ExprKind::Call: return call(e);
    case ExprKind::In: return in(e);
    default: break;
  }
  if (optimize) {
    if (std::optional<ConstValue> v = fold(e)) return load_constant(*v, e.span);
  }
  if (e.kind == ExprKind::Compare) {
    expr(*e.children[0]);
    expr(*e.children[1]);
    static constexpr Op kOps[] = {Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge};
    emit(kOps[static_cast<int>(e.op)], 0, 0, e.span);
    return;
  }
  if (path(e)) return;
  const Expr& base = *e.children[0];
  if (e.kind == ExprKind::Member && base.kind == ExprKind::Name && !find_local(base.text) &&
      !step_index(base.text) && !builder_.symbols().import_package(*module_, base.text).empty()) {
    return qualified_reference(e, base.text + "." + e.text);
  }
  expr(base);
  if (e.kind == ExprKind::Member) {
    emit(Op::Member, builder_.string_constant(e.text), 0, e.span);
  } else {
    expr(*e.children[1]);
    emit(Op::Index, 0, 0, e.span);
  }
}

// input.a.b[0].c: the longest object-key prefix is a field slot (or a capture
// of an earlier step); the rest are Member / Index instructions.
bool FunctionBuilder::path(const Expr& e) {
  std::vector<const Expr*> chain;
  const Expr* root = &e;
  while (root->kind == ExprKind::Member || root->kind == ExprKind::Index) {
    chain.push_back(root);
    root = root->children[0].get();
  }
  std::optional<std::uint32_t> step = root->kind == ExprKind::Name ? step_index(root->text) : std::nullopt;
  if (root->kind != ExprKind::Input && !step) return false;
  std::reverse(chain.begin(), chain.end());
  std::vector<std::string_view> keys;
  keys.reserve(chain.size());
  std::size_t i = 0;
  while (i < chain.size() && chain[i]->kind == ExprKind::Member) keys.push_back(chain[i++]->text);
  Span span = i > 0 ? chain[i - 1]->span : root->span;
  if (keys.empty()) {
    emit(Op::LoadUndefined, 0, 0, span);
  } else if (!step) {
    emit(Op::LoadField, builder_.field_slot(keys), 0, span);
  } else {
    runtime::Capture capture{*step, builder_.field_slot(keys)};
    std::vector<runtime::Capture>& captures = *sequence_->captures;
    auto it = std::find_if(captures.begin(), captures.end(),
                           [&](const runtime::Capture& c) { return c.step == capture.step && c.slot == capture.slot; });
    if (it == captures.end()) it = captures.insert(captures.end(), capture);
    emit(Op::LoadCapture, static_cast<std::uint32_t>(it - captures.begin()), 0, span);
  }
  for (; i < chain.size(); ++i) {
    if (chain[i]->kind == ExprKind::Member) {
      emit(Op::Member, builder_.string_constant(chain[i]->text), 0, chain[i]->span);
    } else {
      expr(*chain[i]->children[1]);
      emit(Op::Index, 0, 0, chain[i]->span);
    }
  }
  return true;
}

// A constant or 0-argument helper named in `module_` (plain or `alias.name`).
void FunctionBuilder::qualified_reference(const Expr& e, const std::string& name) {
  const SymbolTable& symbols = builder_.symbols();
  if (const ConstantSymbol* c = symbols.find_constant(*module_, name); c && c->decl->value) {
    if (std::optional<ConstValue> v = fold(e); v && builder_.options().optimize) return load_constant(*v, e.span);
    // Unfolded: compile the constant's expression where it was declared, with no locals visible.
    const Module* saved_module = module_;
    std::size_t saved_floor = names_floor_;
    module_ = c->module;
    names_floor_ = names_.size();
    expr(*c->decl->value);
    module_ = saved_module;
    names_floor_ = saved_floor;
    return;
  }
  if (const HelperSymbol* h = symbols.find_helper(*module_, name)) {
    emit(Op::CallFunction, builder_.helper_function(*h), 0, e.span);
    return;
  }
  emit(Op::LoadUndefined, 0, 0, e.span);
}

void FunctionBuilder::name(const Expr& e) {
  if (std::optional<std::uint32_t> slot = find_local(e.text)) {
    emit(Op::LoadLocal, *slot, 0, e.span);
  } else if (step_index(e.text)) {
    emit(Op::LoadUndefined, 0, 0, e.span);  // a whole step event is not a value; its fields are
  } else {
    qualified_reference(e, e.text);
  }
}

bool FunctionBuilder::pattern_call(const Expr& e, std::uint32_t builtin) {
  std::optional<ConstValue> pattern = fold(*e.children[0]);
  if (!pattern || pattern->kind != Kind::String || e.children.size() != 2) return false;
  runtime::Program& p = builder_.program();
  const BuiltinInfo& info = builtins()[builtin];
  expr(*e.children[1]);
  if (info.name == "glob_match") emit(Op::GlobMatch, builder_.pattern(p.globs, pattern->text), 0, e.span);
  else if (info.name == "regex_match") emit(Op::RegexMatch, builder_.pattern(p.regexes, pattern->text), 0, e.span);
  else emit(Op::CidrContains, builder_.pattern(p.cidrs, pattern->text), 0, e.span);
  return true;
}

void FunctionBuilder::call(const Expr& e) {
  const HelperSymbol* helper = builder_.symbols().find_helper(*module_, e.text);
  const BuiltinInfo* builtin = e.text.find('.') == std::string::npos && !helper ? find_builtin(e.text) : nullptr;
  if (builtin && builtin->constant_first_arg && pattern_call(e, builtin->index)) return;
  if (!builtin && !helper) {
    emit(Op::LoadUndefined, 0, 0, e.span);
    return;
  }
  for (const ExprPtr& arg : e.children) expr(*arg);
  auto argc = static_cast<std::uint16_t>(e.children.size());
  if (builtin) emit(Op::CallBuiltin, builtin->index, argc, e.span);
  else emit(Op::CallFunction, builder_.helper_function(*helper), argc, e.span);
}

void FunctionBuilder::in(const Expr& e) {
  if (builder_.options().optimize) {
    if (std::optional<ConstValue> v = fold(e)) return load_constant(*v, e.span);
  }
  expr(*e.children[0]);
  std::optional<ConstValue> set = fold(*e.children[1]);
  if (set && set->kind == Kind::Set) {
    emit(Op::InSet, builder_.string_set(set->set), 0, e.span);
    return;
  }
  expr(*e.children[1]);
  emit(Op::In, 0, 0, e.span);
}

void FunctionBuilder::condition(const Expr& e, bool negate, std::vector<std::uint32_t>& fails, bool& reachable) {
  if (builder_.options().optimize) {
    if (std::optional<ConstValue> v = fold(e)) {
      if (v->holds() == negate) {
        fails.push_back(emit(Op::Jump, 0, 0, e.span));
        reachable = false;
      }
      return;
    }
  }
  expr(e);
  if (negate) emit(Op::Not, 0, 0, e.span);
  fails.push_back(emit(Op::JumpUnlessHolds, 0, 0, e.span));
}

void FunctionBuilder::iteration(const Stmt& s, std::vector<std::uint32_t>& fails) {
  expr(*s.expr);
  std::uint32_t base = anonymous_locals(4);
  auto b = static_cast<std::uint16_t>(base);
  fails.push_back(emit(Op::IterInit, 0, b, s.span));
  std::uint32_t head = here();
  std::uint32_t next = emit(Op::IterNext, 0, b, s.span);
  std::size_t scope = mark();
  if (!s.key_var.empty()) bind_local(s.key_var, base + 2);
  bind_local(s.var, base + 3);
  if (s.kind == StmtKind::Some) {
    fails.push_back(next);
    std::vector<std::uint32_t> retry;
    body(s.body, retry);
    patch(retry, head);
  } else {
    body(s.body, fails);
    emit(Op::Jump, head, 0, s.span);
    patch({next}, here());
  }
  release(scope);
}

bool FunctionBuilder::statement(const Stmt& s, std::vector<std::uint32_t>& fails) {
  bool reachable = true;
  switch (s.kind) {
    case StmtKind::Expr: condition(*s.expr, false, fails, reachable); break;
    case StmtKind::Not: condition(*s.expr, true, fails, reachable); break;
    case StmtKind::Assign: {
      expr(*s.expr);
      std::uint32_t slot = declare_local(s.var);
      emit(Op::AssignLocal, slot, 0, s.span);
      fails.push_back(emit(Op::JumpUnlessHolds, 0, 0, s.span));
      break;
    }
    case StmtKind::Some:
    case StmtKind::Every: iteration(s, fails); break;
  }
  return reachable;
}

bool FunctionBuilder::body(const std::vector<const Stmt*>& stmts, std::vector<std::uint32_t>& fails) {
  for (const Stmt* s : stmts) {
    if (!statement(*s, fails)) return false;
  }
  return true;
}

bool FunctionBuilder::body(const Body& stmts, std::vector<std::uint32_t>& fails) {
  return body(statements(stmts), fails);
}

std::vector<const Stmt*> statements(const Body& body) {
  std::vector<const Stmt*> out;
  for (const Stmt& s : body) out.push_back(&s);
  return out;
}

}  // namespace sesrules::compiler::detail
