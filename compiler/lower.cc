// lower: program-level lowering: tables, helpers (one Function per helper, its
// definitions tried in order, then the default), Single rules and metadata.
// Sequences are in lower_sequence.cc, expressions in lower_expr.cc.
// Tested by lower_test.cc, differential_test.cc and the disasm goldens.
#include "compiler/lower.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "compiler/lower_context.h"
#include "runtime/record.h"

namespace sesrules::compiler {
namespace detail {

using runtime::Kind;

ProgramBuilder::ProgramBuilder(const std::vector<Module>& modules, const std::vector<SourceFile>& files,
                               const LowerOptions& options)
    : symbols_(modules), files_(files), options_(options) {
  for (const SourceFile& f : files) program_.source_files.push_back(f.path());
  for (std::string_view dotted : runtime::kStdSlotPaths) {
    std::vector<std::string_view> path;
    std::size_t start = 0;
    for (std::size_t dot; (dot = dotted.find('.', start)) != std::string_view::npos; start = dot + 1) {
      path.emplace_back(dotted.substr(start, dot - start));
    }
    path.emplace_back(dotted.substr(start));
    field_slot(path);
  }
}

namespace {

// Table keys are built by appending fixed-size binary fields and length-prefixed
// strings: unambiguous like the formatted keys they replace, without the cost of
// formatting (lowering asks for a constant or slot at nearly every instruction).
template <typename T>
void append_bytes(std::string& key, const T& value) {
  key.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void append_counted(std::string& key, std::string_view text) {
  append_bytes(key, text.size());
  key += text;
}

// NaNs are one constant per sign, as when the key held the formatted number.
double canonical_number(double number) {
  return std::isnan(number) ? std::copysign(std::numeric_limits<double>::quiet_NaN(), number) : number;
}

}  // namespace

// `key_` is a reused buffer: a key that is already known costs no allocation.
std::pair<std::uint32_t, bool> ProgramBuilder::intern(std::unordered_map<std::string, std::uint32_t>& ids,
                                                      std::size_t next) {
  if (auto it = ids.find(key_); it != ids.end()) return {it->second, false};
  ids.emplace(key_, static_cast<std::uint32_t>(next));
  return {static_cast<std::uint32_t>(next), true};
}

std::uint32_t ProgramBuilder::constant(const ConstValue& v) {
  key_.clear();
  append_bytes(key_, static_cast<int>(v.kind));
  append_bytes(key_, v.boolean);
  append_bytes(key_, v.integer);
  append_bytes(key_, canonical_number(v.number));
  key_ += v.text;
  auto [id, added] = intern(constant_ids_, program_.constants.size());
  if (added) program_.constants.push_back(runtime::Constant{v.kind, v.boolean, v.integer, v.number, v.text});
  return id;
}

std::uint32_t ProgramBuilder::true_constant() {
  if (!true_id_) {
    ConstValue v;
    v.kind = Kind::Bool;
    v.boolean = true;
    true_id_ = constant(v);
  }
  return *true_id_;
}

std::uint32_t ProgramBuilder::string_constant(const std::string& text) {
  ConstValue v;
  v.kind = Kind::String;
  v.text = text;
  return constant(v);
}

std::uint32_t ProgramBuilder::string_set(const std::vector<std::string>& set) {
  key_.clear();
  for (const std::string& s : set) append_counted(key_, s);
  auto [id, added] = intern(set_ids_, program_.string_sets.size());
  if (added) program_.string_sets.push_back(set);
  return id;
}

std::uint32_t ProgramBuilder::field_slot(std::span<const std::string_view> path) {
  key_.clear();
  for (std::string_view s : path) append_counted(key_, s);
  auto [id, added] = intern(slot_ids_, program_.fields.size());
  if (added) program_.fields.emplace_back(path.begin(), path.end());
  return id;
}

std::uint32_t ProgramBuilder::pattern(std::vector<std::string>& table, const std::string& text) {
  key_.clear();
  append_bytes(key_, &table);
  key_ += text;
  auto [id, added] = intern(pattern_ids_, table.size());
  if (added) table.push_back(text);
  return id;
}

std::uint32_t ProgramBuilder::reserve_function(std::string name, std::uint16_t params) {
  runtime::Function f;
  f.name = std::move(name);
  f.params = params;
  program_.functions.push_back(std::move(f));
  return static_cast<std::uint32_t>(program_.functions.size() - 1);
}

runtime::SourcePos ProgramBuilder::position(Span span) {
  if (span.file >= files_.size()) return {span.file, 0, 0};
  // Consecutive instructions often share a span (a condition and its jump, a
  // predicate's constant and return); line_col searches and counts each time.
  if (last_position_ && last_position_->first.file == span.file && last_position_->first.begin == span.begin) {
    return last_position_->second;
  }
  LineCol lc = files_[span.file].line_col(span.begin);
  runtime::SourcePos pos{span.file, lc.line, lc.column};
  last_position_.emplace(span, pos);
  return pos;
}

// Definitions are alternatives tried in order; a definition holds when its body
// holds and its value (if any) is defined. None held: the default, or Undefined.
std::uint32_t ProgramBuilder::helper_function(const HelperSymbol& h) {
  if (auto it = helper_ids_.find(h.qualified); it != helper_ids_.end()) return it->second;
  std::uint32_t index = reserve_function(h.qualified, static_cast<std::uint16_t>(h.params));
  helper_ids_[h.qualified] = index;
  FunctionBuilder fb(*this, *h.module);
  fb.anonymous_locals(static_cast<std::uint32_t>(h.params));
  for (std::size_t d = 0; d < h.definitions.size(); ++d) {
    const HelperDecl& def = *h.definitions[d];
    fb.set_module(*h.definition_modules[d]);
    std::size_t scope = fb.mark();
    for (std::size_t i = 0; i < def.params.size(); ++i) fb.bind_local(def.params[i].name, static_cast<std::uint32_t>(i));
    std::vector<std::uint32_t> fails;
    if (fb.body(def.body, fails)) {
      if (def.value) {
        fb.expr(*def.value);
        std::uint32_t result = fb.anonymous_locals(1);
        fb.emit(runtime::Op::AssignLocal, result, 0, def.value->span);
        fails.push_back(fb.emit(runtime::Op::JumpUnlessHolds, 0, 0, def.value->span));
        fb.emit(runtime::Op::LoadLocal, result, 0, def.value->span);
      } else {
        fb.emit(runtime::Op::LoadConst, true_constant(), 0, def.name_span);
      }
      fb.emit(runtime::Op::Return, 0, 0, def.span);
    }
    fb.patch(fails, fb.here());
    fb.release(scope);
  }
  if (h.default_decl && h.default_decl->value) {
    fb.set_module(*h.default_module);
    fb.expr(*h.default_decl->value);
    fb.emit(runtime::Op::Return, 0, 0, h.default_decl->span);
  } else {
    fb.emit(runtime::Op::ReturnUndefined, 0, 0, h.definitions.empty() ? Span{} : h.definitions.back()->span);
  }
  fb.finish(index);
  return index;
}

std::uint32_t lower_predicate(ProgramBuilder& builder, const Module& module, const std::vector<const Stmt*>& stmts,
                              std::string name, const SequenceScope* sequence, Span span) {
  std::uint32_t index = builder.reserve_function(std::move(name), 0);
  FunctionBuilder fb(builder, module, sequence);
  std::vector<std::uint32_t> fails;
  if (fb.body(stmts, fails)) {
    fb.emit(runtime::Op::LoadConst, builder.true_constant(), 0, span);
    fb.emit(runtime::Op::Return, 0, 0, span);
  }
  fb.patch(fails, fb.here());
  fb.emit(runtime::Op::ReturnUndefined, 0, 0, span);
  fb.finish(index, true);
  return index;
}

std::uint32_t lower_value_function(ProgramBuilder& builder, const Module& module, const Expr& e, std::string name,
                                   const SequenceScope* sequence) {
  std::uint32_t index = builder.reserve_function(std::move(name), 0);
  FunctionBuilder fb(builder, module, sequence);
  fb.expr(e);
  fb.emit(runtime::Op::Return, 0, 0, e.span);
  fb.finish(index);
  return index;
}

std::string fnv1a_hex(std::string_view text) {
  constexpr std::uint64_t kPrime = 0x100000001b3ull;
  std::uint64_t hash = 0xcbf29ce484222325ull;
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  // Every rule's whole text is hashed (its version), so four bytes per iteration
  // to spend fewer instructions on the loop than on the hash.
  std::size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    hash = (hash ^ byte(i)) * kPrime;
    hash = (hash ^ byte(i + 1)) * kPrime;
    hash = (hash ^ byte(i + 2)) * kPrime;
    hash = (hash ^ byte(i + 3)) * kPrime;
  }
  for (; i < text.size(); ++i) hash = (hash ^ byte(i)) * kPrime;
  // 16 lowercase hex digits, as fmt's {:016x} (which costs as much as the hashing).
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string hex(16, '0');
  for (std::size_t d = 16; d-- > 0; hash >>= 4) hex[d] = kHexDigits[hash & 0xf];
  return hex;
}

namespace {

std::vector<std::string> string_list(const Expr& e) {
  std::vector<std::string> out;
  if (e.kind == ExprKind::String) out.push_back(e.text);
  for (const ExprPtr& child : e.children) {
    if (child->kind == ExprKind::String) out.push_back(child->text);
  }
  return out;
}

runtime::Severity parse_severity(const std::string& text) {
  static constexpr std::pair<const char*, runtime::Severity> kNames[] = {
      {"info", runtime::Severity::Info}, {"low", runtime::Severity::Low}, {"medium", runtime::Severity::Medium},
      {"high", runtime::Severity::High}, {"critical", runtime::Severity::Critical}};
  for (const auto& [name, severity] : kNames) {
    if (text == name) return severity;
  }
  return runtime::Severity::Medium;
}

void lower_meta(ProgramBuilder& builder, const DetectionDecl& d, runtime::Rule& rule) {
  for (const MetaEntry& m : d.meta) {
    if (!m.value) continue;
    if (m.key == "title") rule.title = m.value->text;
    else if (m.key == "description") rule.description = m.value->text;
    else if (m.key == "severity") rule.severity = parse_severity(m.value->text);
    else if (m.key == "mitre") rule.mitre = string_list(*m.value);
    else if (m.key == "references") rule.references = string_list(*m.value);
    else if (m.key == "tags") rule.tags = string_list(*m.value);
  }
  if (d.span.file < builder.files().size()) {
    const std::string& text = builder.files()[d.span.file].text();
    if (d.span.end <= text.size() && d.span.begin <= d.span.end) {
      rule.version = fnv1a_hex(std::string_view(text).substr(d.span.begin, d.span.end - d.span.begin));
    }
  }
  rule.pos = builder.position(d.name_span);
}

void lower_alert(ProgramBuilder& builder, const Module& module, const DetectionDecl& d, runtime::Rule& rule,
                 std::vector<DispatchRequest>& requests) {
  rule.kind = runtime::RuleKind::Single;
  std::vector<const Stmt*> when = statements(d.when);
  auto rule_index = static_cast<std::uint32_t>(builder.program().rules.size());
  rule.predicate_fn = lower_dispatched(builder, module, when, rule.name, nullptr, d.name_span,
                                       {rule_index, runtime::kWholeRule}, requests);
  for (std::size_t i = 0; i < d.by.size(); ++i) {
    rule.key_fns.push_back(lower_value_function(builder, module, *d.by[i], fmt::format("{}#key{}", rule.name, i), nullptr));
  }
  if (d.suppress) rule.suppress_ms = d.suppress->ms;
  for (const OutputDecl& o : d.outputs) {
    rule.outputs.push_back({o.name, lower_value_function(builder, module, *o.value,
                                                         fmt::format("{}#output.{}", rule.name, o.name), nullptr)});
  }
}

}  // namespace

EventConstraint dispatch_constraint(const ProgramBuilder& builder, const Module& module,
                                    const std::vector<const Stmt*>& stmts) {
  if (!builder.options().optimize) return any_event();
  return event_constraint(stmts, ModuleFoldScope(builder.symbols(), module));
}

std::uint32_t lower_dispatched(ProgramBuilder& builder, const Module& module, const std::vector<const Stmt*>& stmts,
                               std::string name, const SequenceScope* sequence, Span span,
                               runtime::DispatchTarget target, std::vector<DispatchRequest>& requests) {
  EventConstraint constraint = dispatch_constraint(builder, module, stmts);
  std::vector<const Stmt*> checked;
  if (builder.options().optimize) {
    checked = without_dispatch_implied(stmts, constraint, ModuleFoldScope(builder.symbols(), module));
  }
  requests.push_back({target, std::move(constraint)});
  return lower_predicate(builder, module, builder.options().optimize ? checked : stmts, std::move(name), sequence,
                         span);
}

}  // namespace detail

runtime::Program lower_program(const std::vector<Module>& modules, const std::vector<SourceFile>& files,
                               const LowerOptions& options) {
  detail::ProgramBuilder builder(modules, files, options);
  std::vector<DispatchRequest> requests;
  for (const Module& module : modules) {
    for (const DetectionDecl& d : module.detections) {
      runtime::Rule rule;
      rule.name = module.package + "." + d.name;
      detail::lower_meta(builder, d, rule);
      if (d.kind == DetectionKind::Alert) detail::lower_alert(builder, module, d, rule, requests);
      else detail::lower_sequence(builder, module, d, rule, requests);
      builder.program().rules.push_back(std::move(rule));
    }
  }
  runtime::Program program = std::move(builder.program());
  build_dispatch(program, requests);
  return program;
}

}  // namespace sesrules::compiler
