// Program -> text. Tested by disassemble_test.cc and tests/golden/disasm/.
#include "runtime/disassemble.h"

#include <fmt/format.h>

#include "runtime/builtins_impl.h"
#include "runtime/opcode_info.h"

namespace sesrules::runtime {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json(out, Value::from_string(s));
  return out;
}

std::string constant_text(const Constant& c) {
  switch (c.kind) {
    case Kind::Null: return "null";
    case Kind::Bool: return c.boolean ? "true" : "false";
    case Kind::Int: return fmt::format("{}", c.integer);
    case Kind::Float: return fmt::format("{}", c.number);
    case Kind::String: return quoted(c.text);
    default: return "undefined";
  }
}

std::string join_path(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& key : path) {
    if (!out.empty()) out += '.';
    out += key;
  }
  return out;
}

std::string set_text(const std::vector<std::string>& set) {
  std::string out = "{";
  for (std::size_t i = 0; i < set.size(); ++i) out += (i ? ", " : "") + quoted(set[i]);
  return out + "}";
}

template <typename T, typename F>
std::string checked(const std::vector<T>& table, std::uint32_t i, F render) {
  return i < table.size() ? render(table[i]) : std::string("<out of range>");
}

std::string function_ref(const Program& p, std::uint32_t fn) {
  if (fn == kNoFunction) return "-";
  return fmt::format("fn {} {}", fn, checked(p.functions, fn, [](const Function& f) { return f.name; }));
}

void disassemble_function(const Program& p, std::uint32_t index, std::string& out) {
  const Function& fn = p.functions[index];
  out += fmt::format("== fn {}: {} (params {}, locals {}) ==\n", index, fn.name, fn.params, fn.locals);
  SourcePos last{0xffffffffu, 0, 0};
  for (std::uint32_t pc = 0; pc < fn.length && fn.entry + pc < p.code.size(); ++pc) {
    const Instr& in = p.code[fn.entry + pc];
    SourcePos pos = fn.entry + pc < p.code_pos.size() ? p.code_pos[fn.entry + pc] : SourcePos{};
    std::string where = pos.file == last.file && pos.line == last.line && pos.column == last.column
                            ? "|"
                            : fmt::format("{}:{}", pos.line, pos.column);
    last = pos;
    std::string operands = disassemble_operands(p, in);
    std::string line = fmt::format("{:04}  {:>7}  {:<16}{}", pc, where, op_name(in.op), operands);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
}

void disassemble_rule(const Program& p, std::uint32_t index, std::string& out) {
  static constexpr const char* kKinds[] = {"single", "ordered", "unordered", "threshold"};
  const Rule& r = p.rules[index];
  out += fmt::format("== rule {}: {} ({}) ==\n", index, r.name, kKinds[static_cast<int>(r.kind) & 3]);
  out += fmt::format("  title {} severity {} version {} at {}:{}\n", quoted(r.title), severity_name(r.severity),
                     r.version, r.pos.line, r.pos.column);
  if (r.kind == RuleKind::Single) out += "  predicate " + function_ref(p, r.predicate_fn) + "\n";
  for (std::uint32_t fn : r.key_fns) out += "  key " + function_ref(p, fn) + "\n";
  if (r.within_ms) out += fmt::format("  within {}ms\n", r.within_ms);
  if (r.min_steps) out += fmt::format("  at_least {}\n", r.min_steps);
  if (r.kind == RuleKind::Threshold) {
    out += fmt::format("  threshold {} >= {}\n", r.threshold_kind == ThresholdKind::Count ? "count" : "distinct",
                       r.threshold_min);
  }
  if (r.distinct_fn != kNoFunction) out += "  distinct " + function_ref(p, r.distinct_fn) + "\n";
  for (std::size_t s = 0; s < r.steps.size(); ++s) {
    const Step& step = r.steps[s];
    out += fmt::format("  step {} {}{}: local {}, relation {}\n", s, step.name, step.absent ? " absent" : "",
                       function_ref(p, step.local_fn), function_ref(p, step.relation_fn));
  }
  if (r.until_fn != kNoFunction) out += "  until " + function_ref(p, r.until_fn) + "\n";
  for (std::size_t c = 0; c < r.captures.size(); ++c) {
    const Capture& cap = r.captures[c];
    out += fmt::format("  capture {}: step {} {}\n", c, cap.step,
                       checked(p.fields, cap.slot, [](const auto& path) { return join_path(path); }));
  }
  if (r.suppress_ms) out += fmt::format("  suppress {}ms\n", r.suppress_ms);
  for (const OutputField& o : r.outputs) out += fmt::format("  output {} = {}\n", o.name, function_ref(p, o.fn));
}

std::string target_text(const Program& p, const DispatchTarget& t) {
  std::string rule = checked(p.rules, t.rule, [](const Rule& r) { return r.name; });
  if (t.step == kWholeRule) return rule;
  if (t.step == kUntilStep) return rule + "#until";
  if (t.rule < p.rules.size() && t.step < p.rules[t.rule].steps.size()) {
    return rule + "#step." + p.rules[t.rule].steps[t.step].name;
  }
  return rule + "#<bad step>";
}

void disassemble_index(const Program& p, std::string& out) {
  out += "== dispatch ==\n";
  for (const DispatchEntry& e : p.dispatch) {
    out += fmt::format("  {} {} ->", e.event_source.empty() ? "*" : e.event_source,
                       e.event_name.empty() ? "*" : e.event_name);
    for (const DispatchTarget& t : e.targets) out += " " + target_text(p, t);
    out += "\n";
  }
  out += fmt::format("== atoms ({}) ==\n", p.prefilter_complete ? "complete" : "incomplete");
  for (const std::string& atom : p.atoms) out += "  " + quoted(atom) + "\n";
}

}  // namespace

std::string disassemble_operands(const Program& p, const Instr& in) {
  std::uint32_t a = in.a;
  auto table = [&](const std::vector<std::string>& t) { return fmt::format("{} {}", a, checked(t, a, quoted)); };
  auto slot = [&](std::uint32_t s) {
    return fmt::format("{} {}", s, checked(p.fields, s, [](const auto& path) { return join_path(path); }));
  };
  switch (op_operand(in.op)) {
    case OperandKind::None: return "";
    case OperandKind::Slot: return slot(a);
    case OperandKind::FieldConst:
      return fmt::format("{}, {} {}", slot(in.b), a, checked(p.constants, a, constant_text));
    case OperandKind::FieldSet:
      return fmt::format("{}, {} {}", slot(in.b), a, checked(p.string_sets, a, set_text));
    case OperandKind::FieldGlob: return slot(in.b) + ", " + table(p.globs);
    case OperandKind::FieldCidr: return slot(in.b) + ", " + table(p.cidrs);
    case OperandKind::Const: return fmt::format("{} {}", a, checked(p.constants, a, constant_text));
    case OperandKind::Set: return fmt::format("{} {}", a, checked(p.string_sets, a, set_text));
    case OperandKind::Local: return fmt::format("local {}", a);
    case OperandKind::Capture: return fmt::format("capture {}", a);
    case OperandKind::Builtin: return fmt::format("{}/{}", builtin_name(a), in.b);
    case OperandKind::Function: return fmt::format("{}/{}", function_ref(p, a), in.b);
    case OperandKind::Count: return fmt::format("{}", a);
    case OperandKind::Offset:
      if (in.op == Op::IterInit || in.op == Op::IterNext) return fmt::format("-> {:04} (locals {}..{})", a, in.b, in.b + 3);
      return fmt::format("-> {:04}", a);
    case OperandKind::Glob: return table(p.globs);
    case OperandKind::Regex: return table(p.regexes);
    case OperandKind::Cidr: return table(p.cidrs);
  }
  return "";
}

std::string disassemble(const Program& p) {
  std::string out;
  for (std::uint32_t f = 0; f < p.functions.size(); ++f) disassemble_function(p, f, out);
  out += "== fields ==\n";
  for (std::size_t s = 0; s < p.fields.size(); ++s) out += fmt::format("  {} {}\n", s, join_path(p.fields[s]));
  for (std::uint32_t r = 0; r < p.rules.size(); ++r) disassemble_rule(p, r, out);
  disassemble_index(p, out);
  return out;
}

}  // namespace sesrules::runtime
