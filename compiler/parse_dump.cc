// dump_ast: a stable text form of the AST without spans or comments, used by
// format_test.cc (parse(fmt(x)) has the same shape as parse(x)) and goldens.
#include <fmt/format.h>

#include "compiler/parse.h"

namespace sesrules::compiler {
namespace {

const char* op_text(CompareOp op) {
  switch (op) {
    case CompareOp::Eq: return "==";
    case CompareOp::Ne: return "!=";
    case CompareOp::Lt: return "<";
    case CompareOp::Le: return "<=";
    case CompareOp::Gt: return ">";
    case CompareOp::Ge: return ">=";
  }
  return "?";
}

void dump_expr_into(const Expr& e, std::string& out) {
  auto children = [&](const char* open, const char* close) {
    out += open;
    for (std::size_t i = 0; i < e.children.size(); ++i) {
      if (i) out += ", ";
      dump_expr_into(*e.children[i], out);
    }
    out += close;
  };
  switch (e.kind) {
    case ExprKind::Null: out += "null"; break;
    case ExprKind::Bool: out += e.bool_value ? "true" : "false"; break;
    case ExprKind::Int: out += std::to_string(e.int_value); break;
    case ExprKind::Float: out += fmt::format("{}", e.float_value); break;
    case ExprKind::String: out += fmt::format("{:?}", e.text); break;
    case ExprKind::Set: children("set(", ")"); break;
    case ExprKind::Array: children("array(", ")"); break;
    case ExprKind::Input: out += "input"; break;
    case ExprKind::Name: out += "name(" + e.text + ")"; break;
    case ExprKind::Member: out += "member("; dump_expr_into(*e.children[0], out); out += ", " + e.text + ")"; break;
    case ExprKind::Index: out += "index"; children("(", ")"); break;
    case ExprKind::Call: out += "call:" + e.text; children("(", ")"); break;
    case ExprKind::Compare: out += std::string("cmp") + op_text(e.op); children("(", ")"); break;
    case ExprKind::In: out += "in"; children("(", ")"); break;
  }
}

void dump_body(const Body& body, int depth, std::string& out);

void dump_stmt(const Stmt& s, int depth, std::string& out) {
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
  switch (s.kind) {
    case StmtKind::Expr: out += "expr "; break;
    case StmtKind::Not: out += "not "; break;
    case StmtKind::Assign: out += "assign " + s.var + " := "; break;
    case StmtKind::Some: out += "some " + (s.key_var.empty() ? "" : s.key_var + ", ") + s.var + " in "; break;
    case StmtKind::Every: out += "every " + (s.key_var.empty() ? "" : s.key_var + ", ") + s.var + " in "; break;
  }
  dump_expr_into(*s.expr, out);
  out += "\n";
  if (s.kind == StmtKind::Some || s.kind == StmtKind::Every) dump_body(s.body, depth + 1, out);
}

void dump_body(const Body& body, int depth, std::string& out) {
  for (const Stmt& s : body) dump_stmt(s, depth, out);
}

void dump_detection(const DetectionDecl& d, std::string& out) {
  out += (d.kind == DetectionKind::Alert ? "alert " : "sequence ") + d.name + "\n";
  for (const MetaEntry& m : d.meta) out += "  meta " + m.key + ": " + dump_expr(*m.value) + "\n";
  if (!d.when.empty()) { out += "  when\n"; dump_body(d.when, 2, out); }
  for (const ExprPtr& key : d.by) out += "  by " + dump_expr(*key) + "\n";
  if (d.within) out += fmt::format("  within {}ms\n", d.within->ms);
  if (!d.steps.empty()) {
    const char* kinds[] = {"ordered", "unordered", "threshold"};
    out += fmt::format("  {} at_least={} min={}{}\n", kinds[static_cast<int>(d.sequence_kind)], d.at_least,
                       d.threshold_min, d.distinct ? " distinct " + dump_expr(*d.distinct) : "");
  }
  for (const StepDecl& step : d.steps) {
    out += "  step " + step.name + (step.absent ? " absent\n" : "\n");
    dump_body(step.body, 2, out);
  }
  if (d.until) { out += "  until\n"; dump_body(*d.until, 2, out); }
  if (d.suppress) out += fmt::format("  suppress {}ms\n", d.suppress->ms);
  for (const OutputDecl& o : d.outputs) out += "  output " + o.name + ": " + dump_expr(*o.value) + "\n";
}

}  // namespace

std::string dump_expr(const Expr& expr) {
  std::string out;
  dump_expr_into(expr, out);
  return out;
}

std::string dump_ast(const Module& module) {
  std::string out = "package " + module.package + "\n";
  for (const ImportDecl& i : module.imports) out += "import " + i.package + " as " + i.alias + "\n";
  for (const Item& item : module.items) {
    switch (item.kind) {
      case Item::Kind::Constant: {
        const ConstantDecl& c = module.constants[item.index];
        out += "constant " + c.name + " := " + dump_expr(*c.value) + "\n";
        break;
      }
      case Item::Kind::Default: {
        const DefaultDecl& d = module.defaults[item.index];
        out += "default " + d.name + " := " + dump_expr(*d.value) + "\n";
        break;
      }
      case Item::Kind::Helper: {
        const HelperDecl& h = module.helpers[item.index];
        out += "helper " + h.name;
        if (h.is_function) {
          out += "(";
          for (std::size_t i = 0; i < h.params.size(); ++i) out += (i ? ", " : "") + h.params[i].name;
          out += ")";
        }
        if (h.value) out += " := " + dump_expr(*h.value);
        out += "\n";
        dump_body(h.body, 1, out);
        break;
      }
      case Item::Kind::Detection: dump_detection(module.detections[item.index], out); break;
    }
  }
  return out;
}

}  // namespace sesrules::compiler
