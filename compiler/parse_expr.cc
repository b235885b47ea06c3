// parse stage, expressions and statements: parse-tree nodes -> Expr / Stmt.
// Postfix chains are built iteratively and limited to kMaxNesting links so that
// later recursive passes (and ~Expr) stay within the stack. Tested by parse_test.cc.
#include <algorithm>
#include <charconv>
#include <limits>

#include "compiler/grammar.h"
#include "compiler/parse.h"
#include "compiler/parse_convert.h"

namespace sesrules::compiler::detail {

namespace g = grammar;

Span Converter::span(const Node& node) const {
  return Span{file_, static_cast<std::uint32_t>(node.begin() - text_begin_),
              static_cast<std::uint32_t>(node.end() - text_begin_)};
}

void Converter::error(DiagCode code, Span at, std::string message, std::string label) {
  diagnostics_.add(Diagnostic::make(code, at, std::move(message), std::move(label)));
  failed_ = true;
}

namespace {

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool read_hex4(std::string_view s, std::size_t at, std::uint32_t& value) {
  if (at + 4 > s.size()) return false;
  auto result = std::from_chars(s.data() + at, s.data() + at + 4, value, 16);
  return result.ec == std::errc() && result.ptr == s.data() + at + 4;
}

}  // namespace

bool unescape_string(std::string_view body, std::string& out) {
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      // Copy the run up to the next escape at once: most strings have none.
      std::size_t run_end = std::min(body.find('\\', i), body.size());
      out.append(body.data() + i, run_end - i);
      i = run_end - 1;
      continue;
    }
    if (++i == body.size()) return false;
    switch (body[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::uint32_t cp = 0;
        if (!read_hex4(body, i + 1, cp)) return false;
        i += 4;
        std::uint32_t low = 0;
        bool high_surrogate = cp >= 0xD800 && cp < 0xDC00;
        if (high_surrogate && i + 2 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u' &&
            read_hex4(body, i + 3, low) && low >= 0xDC00 && low < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        } else if (cp >= 0xD800 && cp < 0xE000) {
          cp = 0xFFFD;  // a lone surrogate cannot be encoded in UTF-8
        }
        append_utf8(cp, out);
        break;
      }
      default: return false;
    }
  }
  return true;
}

ExprPtr Converter::literal_string(const Node& node) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::String;
  e->span = span(node);
  std::string_view raw = text(node);
  std::string_view body = raw.substr(1, raw.size() - 2);
  if (node.is_type<g::raw_string>()) {
    e->text = std::string(body);
  } else if (!unescape_string(body, e->text)) {
    error(DiagCode::E104, e->span, "invalid escape in string");
  }
  return e;
}

ExprPtr Converter::literal_number(const Node& node) {
  auto e = std::make_unique<Expr>();
  e->span = span(node);
  std::string_view digits = text(node);
  const char* first = digits.data();
  const char* last = digits.data() + digits.size();
  if (digits.find_first_of(".eE") == std::string_view::npos) {
    e->kind = ExprKind::Int;
    auto result = std::from_chars(first, last, e->int_value);
    if (result.ec != std::errc()) {
      error(DiagCode::E107, e->span, "integer literal does not fit in 64 bits", "out of range");
    }
    return e;
  }
  e->kind = ExprKind::Float;
  e->float_value = std::strtod(std::string(digits).c_str(), nullptr);
  if (e->float_value == std::numeric_limits<double>::infinity() ||
      e->float_value == -std::numeric_limits<double>::infinity()) {
    error(DiagCode::E107, e->span, "number literal is out of range", "out of range");
  }
  return e;
}

ExprPtr Converter::primary(const Node& node) {
  auto leaf = [&](ExprKind kind) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->span = span(node);
    return e;
  };
  if (node.is_type<g::string_lit>() || node.is_type<g::raw_string>()) return literal_string(node);
  if (node.is_type<g::number>()) return literal_number(node);
  if (node.is_type<g::kw_null>()) return leaf(ExprKind::Null);
  if (node.is_type<g::kw_input>()) return leaf(ExprKind::Input);
  if (node.is_type<g::kw_true>() || node.is_type<g::kw_false>()) {
    auto e = leaf(ExprKind::Bool);
    e->bool_value = node.is_type<g::kw_true>();
    return e;
  }
  if (node.is_type<g::set_empty>()) return leaf(ExprKind::Set);
  if (node.is_type<g::name>()) {
    auto e = leaf(ExprKind::Name);
    e->text = std::string(text(node));
    return e;
  }
  if (node.is_type<g::paren>()) return expr(*node.children.at(0));
  auto e = leaf(node.is_type<g::set_lit>() ? ExprKind::Set : ExprKind::Array);
  e->children.reserve(node.children.size());
  for (const auto& child : node.children) e->children.push_back(expr(*child));
  return e;
}

namespace {

// `a`, `a.b`: the dotted name a call refers to, or "" if the callee is not a name.
std::string callee_name(const Expr& callee) {
  if (callee.kind == ExprKind::Name) return callee.text;
  if (callee.kind == ExprKind::Member && callee.children[0]->kind == ExprKind::Name) {
    return callee.children[0]->text + "." + callee.text;
  }
  return {};
}

}  // namespace

ExprPtr Converter::apply_call(ExprPtr callee, const Node& op) {
  auto call = std::make_unique<Expr>();
  call->kind = ExprKind::Call;
  call->span = Span{file_, callee->span.begin, span(op).end};
  call->text = callee_name(*callee);
  if (call->text.empty()) {
    error(DiagCode::E101, callee->span, "only helpers and builtins can be called", "not a function name");
  }
  call->children.reserve(op.children.size());
  for (const auto& argument : op.children) call->children.push_back(expr(*argument));
  return call;
}

ExprPtr Converter::postfix(const Node& node) {
  if (node.children.size() > kMaxNesting) {
    error(DiagCode::E105, span(node),
          "expression nested too deeply (more than " + std::to_string(kMaxNesting) + " member, index or call links)");
    return primary(*node.children.front());
  }
  ExprPtr current = primary(*node.children.front());
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    const Node& op = *node.children[i];
    std::uint32_t begin = current->span.begin;
    if (op.is_type<g::call_op>()) {
      current = apply_call(std::move(current), op);
      continue;
    }
    auto link = std::make_unique<Expr>();
    link->span = Span{file_, begin, span(op).end};
    ExprPtr key = op.is_type<g::member_op>() ? nullptr : expr(*op.children.at(0));
    if (key == nullptr || key->kind == ExprKind::String) {
      link->kind = ExprKind::Member;
      link->text = key ? key->text : std::string(text(*op.children.at(0)));
      link->children.push_back(std::move(current));
    } else {
      link->kind = ExprKind::Index;
      link->children.reserve(2);
      link->children.push_back(std::move(current));
      link->children.push_back(std::move(key));
    }
    current = std::move(link);
  }
  return current;
}

ExprPtr Converter::expr(const Node& node) {
  if (node.is_type<g::postfix>()) return postfix(node);
  if (!node.is_type<g::expr>()) return primary(node);
  ExprPtr left = postfix(*node.children.at(0));
  if (node.children.size() == 1) return left;
  const Node& tail = *node.children[1];
  auto e = std::make_unique<Expr>();
  e->span = span(node);
  e->children.reserve(2);  // one allocation per comparison, not two
  if (tail.is_type<g::in_tail>()) {
    e->kind = ExprKind::In;
    e->children.push_back(std::move(left));
    e->children.push_back(postfix(*tail.children.at(0)));
    return e;
  }
  std::string_view op = text(*tail.children.at(0));
  e->kind = ExprKind::Compare;
  e->op = op == "==" ? CompareOp::Eq : op == "!=" ? CompareOp::Ne : op == "<=" ? CompareOp::Le
        : op == ">=" ? CompareOp::Ge : op == "<" ? CompareOp::Lt : CompareOp::Gt;
  e->children.push_back(std::move(left));
  e->children.push_back(postfix(*tail.children.at(1)));
  return e;
}

Stmt Converter::stmt(const Node& node) {
  Stmt s;
  s.span = span(node);
  if (node.is_type<g::some_stmt>() || node.is_type<g::every_stmt>()) {
    s.kind = node.is_type<g::some_stmt>() ? StmtKind::Some : StmtKind::Every;
    std::size_t names = node.children.size() - 2;  // then the collection and the block
    const Node& value_var = *node.children[names - 1];
    s.var = std::string(text(value_var));
    s.var_span = span(value_var);
    if (names == 2) s.key_var = std::string(text(*node.children[0]));
    s.expr = expr(*node.children[names]);
    s.body = block(*node.children[names + 1]);
  } else if (node.is_type<g::not_stmt>()) {
    s.kind = StmtKind::Not;
    s.expr = expr(*node.children.at(0));
  } else if (node.is_type<g::assign_stmt>()) {
    s.kind = StmtKind::Assign;
    s.var = std::string(text(*node.children.at(0)));
    s.var_span = span(*node.children[0]);
    s.expr = expr(*node.children.at(1));
  } else {
    s.kind = StmtKind::Expr;
    s.expr = expr(*node.children.at(0));
  }
  return s;
}

Body Converter::block(const Node& node) {
  Body body;
  body.reserve(node.children.size());
  for (const auto& child : node.children) body.push_back(stmt(*child));
  return body;
}

std::optional<std::int64_t> Converter::integer(const Node& node) {
  std::int64_t value = 0;
  std::string_view digits = text(node);
  auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (result.ec != std::errc()) {
    error(DiagCode::E107, span(node), "integer literal does not fit in 64 bits", "out of range");
    return std::nullopt;
  }
  return value;
}

std::optional<Duration> Converter::duration(const Node& node) {
  Duration d;
  d.text = std::string(text(node));
  d.span = span(node);
  std::size_t unit_at = d.text.find_first_not_of("0123456789");
  std::string_view unit = std::string_view(d.text).substr(unit_at);
  std::int64_t scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : 86'400'000;
  std::int64_t count = 0;
  auto result = std::from_chars(d.text.data(), d.text.data() + unit_at, count);
  if (result.ec != std::errc() || count > std::numeric_limits<std::int64_t>::max() / scale) {
    error(DiagCode::E103, d.span, "duration `" + d.text + "` is too large", "does not fit in 64-bit milliseconds");
    return std::nullopt;
  }
  d.ms = count * scale;
  return d;
}

}  // namespace sesrules::compiler::detail
