// format stage, expressions: flat printing with literals as written in the
// source, and breaking of set/array literals that do not fit in kMaxWidth (or
// contain comments) into one element per line. Tested by format_test.cc.
#include <cctype>

#include "compiler/format.h"
#include "compiler/format_layout.h"

namespace sesrules::compiler::detail {
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
  return "==";
}

bool is_plain_name(const std::string& key) {
  static const char* const kReserved[] = {
      "package", "import", "as", "default", "alert", "sequence", "meta", "when", "output", "by", "within",
      "ordered", "unordered", "at_least", "threshold", "step", "absent", "until", "suppress", "some", "every",
      "in", "not", "input", "true", "false", "null"};
  if (key.empty() || !(std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_')) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  for (const char* word : kReserved) {
    if (key == word) return false;
  }
  return true;
}

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* const kHex = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xF];
          out += kHex[c & 0xF];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

void append(Pieces& pieces, std::string_view tail) {
  if (pieces.empty()) pieces.push_back(Piece{});
  pieces.back().text += tail;
}

void append(Pieces& pieces, Pieces tail) {
  if (tail.empty()) return;
  append(pieces, tail.front().text);
  for (std::size_t i = 1; i < tail.size(); ++i) pieces.push_back(std::move(tail[i]));
}

bool ExprPrinter::has_comment_inside(Span span) const {
  for (const Comment& c : module_.comments) {
    if (c.span.begin > span.begin && c.span.begin < span.end) return true;
  }
  return false;
}

std::string ExprPrinter::member_key(const std::string& key) const {
  return is_plain_name(key) ? "." + key : "[" + quote(key) + "]";
}

// Comparison operands and postfix bases are parenthesised when they are themselves comparisons.
std::string ExprPrinter::operand(const Expr& e) const {
  std::string text = flat(e);
  return e.kind == ExprKind::Compare || e.kind == ExprKind::In ? "(" + text + ")" : text;
}

std::string ExprPrinter::flat(const Expr& e) const {
  auto list = [&](std::string open, const char* close) {
    for (std::size_t i = 0; i < e.children.size(); ++i) open += (i ? ", " : "") + flat(*e.children[i]);
    return open + close;
  };
  switch (e.kind) {
    case ExprKind::Null: return "null";
    case ExprKind::Bool: return e.bool_value ? "true" : "false";
    case ExprKind::Int: case ExprKind::Float: case ExprKind::String:
      // As written: keeps raw strings, escapes and number spelling. Synthesised
      // nodes (no source text) fall back to a canonical spelling.
      if (e.span.end > e.span.begin && e.span.end <= file_.text().size()) {
        return file_.text().substr(e.span.begin, e.span.end - e.span.begin);
      }
      return e.kind == ExprKind::String ? quote(e.text) : std::to_string(e.int_value);
    case ExprKind::Set: return e.children.empty() ? "set()" : list("{", "}");
    case ExprKind::Array: return list("[", "]");
    case ExprKind::Input: return "input";
    case ExprKind::Name: return e.text;
    case ExprKind::Member: return operand(*e.children[0]) + member_key(e.text);
    case ExprKind::Index: return operand(*e.children[0]) + "[" + flat(*e.children[1]) + "]";
    case ExprKind::Call: return list(e.text + "(", ")");
    case ExprKind::Compare:
      return operand(*e.children[0]) + " " + op_text(e.op) + " " + operand(*e.children[1]);
    case ExprKind::In: return operand(*e.children[0]) + " in " + operand(*e.children[1]);
  }
  return {};
}

Pieces ExprPrinter::broken_literal(const Expr& e, int indent) const {
  bool is_set = e.kind == ExprKind::Set;
  Pieces pieces{Piece{indent, is_set ? "{" : "[", e.span.begin}};
  for (const ExprPtr& child : e.children) {
    for (const Comment& c : module_.comments) {
      if (!c.trailing && c.span.begin > e.span.begin && c.span.begin < child->span.begin && !consumed_.count(&c)) {
        consumed_.insert(&c);
        pieces.push_back(Piece{indent + 1, "#" + c.text, c.span.begin, true});
      }
    }
    std::size_t column = static_cast<std::size_t>(indent + 1) * 2;
    Pieces element = print(*child, column, indent + 1);
    element.front().indent = indent + 1;
    element.front().anchor = child->span.begin;
    append(element, ",");
    for (Piece& p : element) pieces.push_back(std::move(p));
  }
  for (const Comment& c : module_.comments) {
    if (!c.trailing && c.span.begin > e.span.begin && c.span.begin < e.span.end && !consumed_.count(&c)) {
      consumed_.insert(&c);
      pieces.push_back(Piece{indent + 1, "#" + c.text, c.span.begin, true});
    }
  }
  pieces.push_back(Piece{indent, is_set ? "}" : "]", e.span.end > 0 ? e.span.end - 1 : 0});
  return pieces;
}

Pieces ExprPrinter::print(const Expr& e, std::size_t column, int indent) const {
  std::string text = flat(e);
  bool literal = (e.kind == ExprKind::Set || e.kind == ExprKind::Array) && !e.children.empty();
  bool fits = column + text.size() <= kMaxWidth;
  if (fits && !(literal && has_comment_inside(e.span))) return Pieces{Piece{indent, text, e.span.begin}};
  if (literal) return broken_literal(e, indent);
  Pieces pieces;
  auto child = [&](const Expr& c) {
    std::size_t at = pieces.empty() ? column : column + pieces.back().text.size();
    if (pieces.size() > 1) at = static_cast<std::size_t>(pieces.back().indent) * 2 + pieces.back().text.size();
    return print(c, at, indent);
  };
  switch (e.kind) {
    case ExprKind::Call:
      append(pieces, e.text + "(");
      for (std::size_t i = 0; i < e.children.size(); ++i) {
        if (i) append(pieces, ", ");
        append(pieces, child(*e.children[i]));
      }
      append(pieces, ")");
      break;
    case ExprKind::Compare:
    case ExprKind::In:
      append(pieces, child(*e.children[0]));
      append(pieces, e.kind == ExprKind::In ? std::string(" in ") : std::string(" ") + op_text(e.op) + " ");
      append(pieces, child(*e.children[1]));
      break;
    default:
      return Pieces{Piece{indent, text, e.span.begin}};
  }
  pieces.front().indent = indent;
  pieces.front().anchor = e.span.begin;
  return pieces;
}

}  // namespace sesrules::compiler::detail
