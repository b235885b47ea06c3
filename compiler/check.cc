// check stage, expressions: CloudTrail field paths under `input.` and step
// references (E204), builtin argument types (E302), constant patterns (E303)
// compiled at check time (regex E304 via RE2, glob E305, CIDR E306), constants
// (E309). Detections are checked in check_detection.cc, lints in check_lints.cc.
// Tested by check_test.cc.
#include "compiler/check.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <re2/re2.h>

#include "compiler/schema.h"

namespace sesrules::compiler {
namespace detail {
void check_detections(const std::vector<Module>& modules, Diagnostics& diagnostics);
}  // namespace detail

namespace {

// The string value of a constant pattern argument, if it is one.
const Expr* constant_string(const Expr& e, const Resolution& resolution) {
  if (e.kind == ExprKind::String) return &e;
  const Reference* ref = resolution.reference(e);
  if (ref && ref->kind == Reference::Kind::Symbol && ref->symbol->kind == SymbolKind::Constant) {
    return constant_string(*ref->symbol->constant->value, resolution);
  }
  return nullptr;
}

std::optional<BuiltinType> static_type(const Expr& e, const Resolution& resolution) {
  switch (e.kind) {
    case ExprKind::String: return BuiltinType::String;
    case ExprKind::Int: case ExprKind::Float: return BuiltinType::Number;
    case ExprKind::Bool: case ExprKind::Compare: case ExprKind::In: return BuiltinType::Bool;
    case ExprKind::Set: case ExprKind::Array: return BuiltinType::Collection;
    case ExprKind::Call: {
      const Reference* ref = resolution.reference(e);
      if (ref && ref->kind == Reference::Kind::Builtin && ref->builtin->result != BuiltinType::Any) {
        return ref->builtin->result;
      }
      return std::nullopt;
    }
    case ExprKind::Name: {
      const Reference* ref = resolution.reference(e);
      if (ref && ref->kind == Reference::Kind::Symbol && ref->symbol->kind == SymbolKind::Constant) {
        return static_type(*ref->symbol->constant->value, resolution);
      }
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

bool accepts(BuiltinType parameter, BuiltinType argument) {
  if (parameter == BuiltinType::Any || parameter == argument) return true;
  return parameter == BuiltinType::Collection && argument == BuiltinType::String;
}

std::string glob_error(std::string_view glob) {
  for (std::size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      if (++i == glob.size()) return "a trailing `\\` escapes nothing";
    } else if (glob[i] == '[') {
      std::size_t close = glob.find(']', i + 2);
      if (close == std::string_view::npos) return "`[` starts a class that is never closed with `]`";
      i = close;
    }
  }
  return {};
}

std::string cidr_error(const std::string& cidr) {
  std::size_t slash = cidr.find('/');
  if (slash == std::string::npos) return "a CIDR block needs a prefix length, as in `10.0.0.0/8`";
  std::string address = cidr.substr(0, slash);
  std::string prefix = cidr.substr(slash + 1);
  unsigned char buffer[16];
  int max_prefix = 0;
  if (inet_pton(AF_INET, address.c_str(), buffer) == 1) max_prefix = 32;
  else if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) max_prefix = 128;
  else return fmt::format("`{}` is not an IPv4 or IPv6 address", address);
  if (prefix.empty() || prefix.size() > 3 || prefix.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(prefix) > max_prefix) {
    return fmt::format("the prefix length must be a number from 0 to {}", max_prefix);
  }
  return {};
}

class ExprChecker {
 public:
  ExprChecker(const Resolution& resolution, Diagnostics& diagnostics) : resolution_(resolution), diagnostics_(diagnostics) {}

  void body(const Body& b) {
    for (const Stmt& s : b) {
      check(*s.expr, false);
      body(s.body);
    }
  }

  // chain_inner: e is the base of a Member/Index, already checked as part of the chain.
  void check(const Expr& e, bool chain_inner) {
    if ((e.kind == ExprKind::Member || e.kind == ExprKind::Index) && !chain_inner) field_chain(e);
    if (e.kind == ExprKind::Call) call(e);
    bool inner = e.kind == ExprKind::Member || e.kind == ExprKind::Index;
    for (std::size_t i = 0; i < e.children.size(); ++i) check(*e.children[i], inner && i == 0);
  }

 private:
  void field_chain(const Expr& outer);
  void call(const Expr& e);
  void pattern(const BuiltinInfo& builtin, const Expr& argument, const Expr& call);

  const Resolution& resolution_;
  Diagnostics& diagnostics_;
};

// Walks input.a.b[0].c from the root, against the schema; reports the first bad link.
void ExprChecker::field_chain(const Expr& outer) {
  std::vector<const Expr*> links;
  const Expr* root = &outer;
  while (root->kind == ExprKind::Member || root->kind == ExprKind::Index) {
    links.push_back(root);
    root = root->children[0].get();
  }
  bool rooted = root->kind == ExprKind::Input;
  if (const Reference* ref = resolution_.reference(*root)) rooted = rooted || ref->kind == Reference::Kind::Step;
  if (!rooted) return;
  std::string path;
  const FieldInfo* field = find_field(path);  // carried along: each link's field is looked up once
  for (auto it = links.rbegin(); it != links.rend(); ++it) {
    const Expr& link = **it;
    if (field == nullptr || field->type == FieldType::FreeForm) return;
    if (link.kind == ExprKind::Index) {
      if (field->type != FieldType::Array) return;  // e.g. an object indexed by a variable key
      path += "[]";
      field = find_field(path);
      continue;
    }
    std::string child = path.empty() ? link.text : path + "." + link.text;
    if (field->type == FieldType::Array) {
      diagnostics_.add(Diagnostic::make(DiagCode::E204, link.span,
                                        fmt::format("`{}` is an array; index it (`{}[0].{}`) or iterate with `some`",
                                                    path, path, link.text),
                                        "member of an array"));
      return;
    }
    if (field->type != FieldType::Object) {
      diagnostics_.add(Diagnostic::make(DiagCode::E204, link.span, fmt::format("`{}` is a plain value and has no field `{}`",
                                                                               path, link.text),
                                        "not an object"));
      return;
    }
    const FieldInfo* child_field = find_field(child);
    if (child_field == nullptr) {
      std::uint32_t key_begin = link.children[0]->span.end + 1;
      Span key{link.span.file, key_begin, link.span.end};
      Diagnostic d = Diagnostic::make(DiagCode::E204, key, fmt::format("unknown field `{}`", child),
                                      "not a CloudTrail field");
      if (auto close = suggest(link.text, child_fields(path))) {
        d.with_fix(key, *close, fmt::format("did you mean `{}`?", *close));
      }
      diagnostics_.add(std::move(d));
      return;
    }
    path = std::move(child);
    field = child_field;
  }
}

void ExprChecker::call(const Expr& e) {
  const Reference* ref = resolution_.reference(e);
  if (ref == nullptr || ref->kind != Reference::Kind::Builtin || ref->builtin->arity != e.children.size()) return;
  const BuiltinInfo& builtin = *ref->builtin;
  for (std::size_t i = 0; i < e.children.size(); ++i) {
    std::optional<BuiltinType> type = static_type(*e.children[i], resolution_);
    if (type && !accepts(builtin.args[i], *type)) {
      diagnostics_.add(Diagnostic::make(DiagCode::E302, e.children[i]->span,
                                        fmt::format("argument {} of `{}` must be a {}, not a {}", i + 1, builtin.name,
                                                    builtin_type_name(builtin.args[i]), builtin_type_name(*type)),
                                        fmt::format("a {}", builtin_type_name(*type))));
      return;
    }
  }
  if (builtin.constant_first_arg) pattern(builtin, *e.children[0], e);
}

void ExprChecker::pattern(const BuiltinInfo& builtin, const Expr& argument, const Expr&) {
  const Expr* constant = constant_string(argument, resolution_);
  bool unresolved = argument.kind == ExprKind::Name && resolution_.reference(argument) == nullptr;
  if (constant == nullptr && unresolved) return;  // already reported as an undefined name
  if (constant == nullptr) {
    diagnostics_.add(Diagnostic::make(DiagCode::E303, argument.span,
                                      fmt::format("the pattern of `{}` must be a constant string", builtin.name),
                                      "not a constant")
                         .with_note("patterns are compiled once; write a string literal or a constant"));
    return;
  }
  std::string problem;
  DiagCode code = DiagCode::E304;
  if (builtin.name == "regex_match") {
    RE2 re(constant->text, RE2::Quiet);
    if (!re.ok()) problem = "invalid regular expression: " + re.error();
  } else if (builtin.name == "glob_match") {
    code = DiagCode::E305;
    problem = glob_error(constant->text);
    if (!problem.empty()) problem = "invalid glob: " + problem;
  } else {
    code = DiagCode::E306;
    problem = cidr_error(constant->text);
    if (!problem.empty()) problem = "invalid CIDR block: " + problem;
  }
  if (problem.empty()) return;
  Diagnostic d = Diagnostic::make(code, constant->span, problem, "in this pattern");
  if (constant != &argument) d.with_secondary(argument.span, "pattern used here");
  diagnostics_.add(std::move(d));
}

bool is_constant_expr(const Expr& e, const Resolution& resolution) {
  switch (e.kind) {
    case ExprKind::Null: case ExprKind::Bool: case ExprKind::Int: case ExprKind::Float: case ExprKind::String:
      return true;
    case ExprKind::Set: case ExprKind::Array:
      return std::all_of(e.children.begin(), e.children.end(),
                         [&](const ExprPtr& child) { return is_constant_expr(*child, resolution); });
    case ExprKind::Name: case ExprKind::Member: {
      const Reference* ref = resolution.reference(e);
      if (ref == nullptr) return e.kind == ExprKind::Name;  // unresolved names were reported already
      return ref->kind == Reference::Kind::Symbol && ref->symbol->kind == SymbolKind::Constant;
    }
    default:
      return false;
  }
}

}  // namespace

void check_modules(const std::vector<Module>& modules, const Resolution& resolution, Diagnostics& diagnostics) {
  ExprChecker checker(resolution, diagnostics);
  for (const Module& module : modules) {
    for (const ConstantDecl& c : module.constants) {
      if (!is_constant_expr(*c.value, resolution)) {
        diagnostics.add(Diagnostic::make(DiagCode::E309, c.value->span,
                                         fmt::format("constant `{}` must be a literal, a set or array of literals, or another constant",
                                                     c.name),
                                         "not a constant expression")
                            .with_note("to compute a value from the record, write a helper: `name := value { ... }`"));
      }
      checker.check(*c.value, false);
    }
    for (const HelperDecl& h : module.helpers) {
      checker.body(h.body);
      if (h.value) checker.check(*h.value, false);
    }
    for (const DetectionDecl& d : module.detections) {
      checker.body(d.when);
      for (const ExprPtr& key : d.by) checker.check(*key, false);
      if (d.distinct) checker.check(*d.distinct, false);
      for (const StepDecl& step : d.steps) checker.body(step.body);
      if (d.until) checker.body(*d.until);
      for (const OutputDecl& o : d.outputs) checker.check(*o.value, false);
    }
  }
  detail::check_detections(modules, diagnostics);
}

}  // namespace sesrules::compiler
