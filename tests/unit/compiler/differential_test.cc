// Differential test: a deliberately naive tree-walking evaluator over the AST
// (test-only, like RE2's backtrack.cc next to its real engines) must agree with
// the VM on every generated rule x sample record, with the optimizer on and off.
// Builtins are shared (runtime::call_builtin); control flow, names, helpers,
// Undefined, sets and iteration are evaluated independently here.
#include <doctest/doctest.h>

#include <random>

#include "compiler/builtins.h"
#include "compiler/symbols.h"
#include "lower_test_util.h"
#include "runtime/disassemble.h"

namespace sesrules::compiler {
namespace {
using runtime::Kind;
using runtime::Value;

struct Env {
  const Module* module;
  std::vector<std::pair<std::string, Value>> vars;
  const Value* find(const std::string& name) const {
    for (auto it = vars.rbegin(); it != vars.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }
};

class TreeEvaluator {
 public:
  TreeEvaluator(const SymbolTable& symbols, Value input, std::shared_ptr<const runtime::LoadedProgram> program)
      : symbols_(symbols), input_(input), program_(std::move(program)) {}

  bool body(const Body& stmts, Env& env) {
    for (const Stmt& s : stmts) {
      if (!statement(s, env)) return false;
    }
    return true;
  }

  Value eval(const Expr& e, Env& env) {
    switch (e.kind) {
      case ExprKind::Null: return Value::null();
      case ExprKind::Bool: return Value::from_bool(e.bool_value);
      case ExprKind::Int: return Value::from_int(e.int_value);
      case ExprKind::Float: return Value::from_double(e.float_value);
      case ExprKind::String: return Value::from_string(e.text);
      case ExprKind::Set:  // sets are arrays here; `in` and `count` treat them alike
      case ExprKind::Array: return list(e, env);
      case ExprKind::Input: return Value::undefined();
      case ExprKind::Name: return name(e.text, env);
      case ExprKind::Member: return member(e, env);
      case ExprKind::Index: return index(eval(*e.children[0], env), eval(*e.children[1], env));
      case ExprKind::Call: return call(e, env);
      case ExprKind::Compare: return compare(e.op, eval(*e.children[0], env), eval(*e.children[1], env));
      case ExprKind::In: return element_of(eval(*e.children[0], env), eval(*e.children[1], env));
    }
    return Value::undefined();
  }

 private:
  bool statement(const Stmt& s, Env& env) {
    switch (s.kind) {
      case StmtKind::Expr: return eval(*s.expr, env).holds();
      case StmtKind::Not: return !eval(*s.expr, env).holds();
      case StmtKind::Assign: {
        Value v = eval(*s.expr, env);
        env.vars.emplace_back(s.var, v);
        return v.is_defined();
      }
      default: return iterate(s, env);
    }
  }

  bool iterate(const Stmt& s, Env& env) {
    Value coll = eval(*s.expr, env);
    if (coll.kind != Kind::Array && coll.kind != Kind::Object) return false;
    bool every = s.kind == StmtKind::Every;
    for (std::uint32_t i = 0; i < coll.size; ++i) {
      Env inner = env;
      bool object = coll.kind == Kind::Object;
      if (!s.key_var.empty()) inner.vars.emplace_back(s.key_var, object ? Value::from_string(coll.members[i].key) : Value::from_int(i));
      inner.vars.emplace_back(s.var, object ? coll.members[i].value : coll.items[i]);
      bool held = body(s.body, inner);
      if (held != every) return held;
    }
    return every;
  }

  Value list(const Expr& e, Env& env) {
    Value* items = arena_.allocate_array<Value>(e.children.size());
    std::uint32_t n = 0;
    for (const ExprPtr& child : e.children) new (&items[n++]) Value(eval(*child, env));
    return Value::from_array(items, n);
  }

  Value name(const std::string& text, Env& env) {
    if (const Value* v = env.find(text)) return *v;
    if (const ConstantSymbol* c = symbols_.find_constant(*env.module, text)) {
      Env scope{c->module, {}};
      return eval(*c->decl->value, scope);
    }
    if (const HelperSymbol* h = symbols_.find_helper(*env.module, text)) return helper(*h, {});
    return Value::undefined();
  }

  Value member(const Expr& e, Env& env) {
    const Expr& base = *e.children[0];
    if (base.kind == ExprKind::Input) return index(input_, Value::from_string(e.text));
    if (base.kind == ExprKind::Name && !env.find(base.text) && !symbols_.import_package(*env.module, base.text).empty()) {
      return name(base.text + "." + e.text, env);
    }
    return index(eval(base, env), Value::from_string(e.text));
  }

  Value index(const Value& c, const Value& key) {
    if (c.kind == Kind::Object && key.kind == Kind::String) {
      for (std::uint32_t i = 0; i < c.size; ++i) {
        if (c.members[i].key == key.str()) return c.members[i].value;
      }
    }
    if (c.kind == Kind::Array && key.kind == Kind::Int && key.integer >= 0 && key.integer < c.size) return c.items[key.integer];
    return Value::undefined();
  }

  Value helper(const HelperSymbol& h, const std::vector<Value>& args) {
    for (std::size_t d = 0; d < h.definitions.size(); ++d) {
      const HelperDecl& def = *h.definitions[d];
      Env env{h.definition_modules[d], {}};
      for (std::size_t i = 0; i < def.params.size(); ++i) env.vars.emplace_back(def.params[i].name, args[i]);
      if (!body(def.body, env)) continue;
      if (!def.value) return Value::from_bool(true);
      Value v = eval(*def.value, env);
      if (v.is_defined()) return v;
    }
    if (h.default_decl) {
      Env env{h.default_module, {}};
      return eval(*h.default_decl->value, env);
    }
    return Value::undefined();
  }

  Value call(const Expr& e, Env& env) {
    std::vector<Value> args;
    for (const ExprPtr& a : e.children) args.push_back(eval(*a, env));
    if (const HelperSymbol* h = symbols_.find_helper(*env.module, e.text)) return helper(*h, args);
    const BuiltinInfo* b = find_builtin(e.text);
    return b ? runtime::call_builtin(b->index, args, *program_, arena_, scratch_) : Value::undefined();
  }

  static bool number(const Value& v) { return v.kind == Kind::Int || v.kind == Kind::Float; }
  static double real(const Value& v) { return v.kind == Kind::Int ? static_cast<double>(v.integer) : v.number; }

  Value compare(CompareOp op, const Value& a, const Value& b) {
    if (!a.is_defined() || !b.is_defined()) return Value::undefined();
    if (op == CompareOp::Eq || op == CompareOp::Ne) {
      bool equal = runtime::values_equal(a, b, *program_);
      return Value::from_bool(op == CompareOp::Eq ? equal : !equal);
    }
    int c;
    if (number(a) && number(b)) c = real(a) < real(b) ? -1 : real(a) > real(b) ? 1 : 0;
    else if (a.kind == Kind::String && b.kind == Kind::String) c = a.str() < b.str() ? -1 : a.str() > b.str() ? 1 : 0;
    else return Value::undefined();
    switch (op) {
      case CompareOp::Lt: return Value::from_bool(c < 0);
      case CompareOp::Le: return Value::from_bool(c <= 0);
      case CompareOp::Gt: return Value::from_bool(c > 0);
      default: return Value::from_bool(c >= 0);
    }
  }

  Value element_of(const Value& x, const Value& coll) {
    if (!x.is_defined()) return Value::undefined();
    if (coll.kind == Kind::Object) return Value::from_bool(x.kind == Kind::String && index(coll, x).is_defined());
    if (coll.kind != Kind::Array) return Value::undefined();
    for (std::uint32_t i = 0; i < coll.size; ++i) {
      if (runtime::values_equal(x, coll.items[i], *program_)) return Value::from_bool(true);
    }
    return Value::from_bool(false);
  }

  const SymbolTable& symbols_;
  Value input_;
  std::shared_ptr<const runtime::LoadedProgram> program_;
  runtime::Arena arena_;
  runtime::BuiltinScratch scratch_;
};

constexpr const char* kPrelude = R"(package d
import ses
calls := {"GetAccount", "GetSendQuota"}
three := 3
ses_call { input.eventSource == "ses.amazonaws.com" }
api(names) {
  ses_call
  input.eventName in names
}
default grp := "other"
grp := "eu" { startswith(input.awsRegion, "eu-") }
grp := "us" { startswith(input.awsRegion, "us-") }
first_type := t { t := input.resources[0].type }
)";

const char* const kConditions[] = {
    "ses_call", "api(calls)", "api({\"ListIdentities\", \"GetAccount\"})", "ses.long_term_key",
    "not ses.long_term_key", "grp == \"eu\"", "grp != \"other\"", "first_type == \"AWS::SES::Identity\"",
    "input.eventName in calls", "not input.errorCode", "input.errorCode == \"AccessDenied\"",
    "input.errorCode != \"AccessDenied\"", "input.n >= three", "input.n < 2.5", "input.n == \"3\"",
    "not input.n < \"3\"", "some r in input.resources { r.type == \"Other\" }",
    "every r in input.resources { startswith(r.ARN, \"arn:\") }", "some i, r in input.resources { i == 1 }",
    "count(input.resources) > 1", "cidr_contains(\"10.0.0.0/8\", input.sourceIPAddress)",
    "glob_match(\"*Quota\", input.eventName)", "regex_match(`^List`, input.eventName)",
    "x := input.requestParameters.limit\n x > 1", "three == 3", "not three > 2", "\"GetAccount\" in calls",
    "input.requestParameters[\"x.y\"] == true", "lower(input.eventName) == \"getaccount\"",
    "input.tags.team == null", "input.resources[1].ARN != \"arn:2\"",
    // Shapes the peephole pass fuses (field vs constant, field tests), on present,
    // absent and non-string fields.
    "input.awsRegion == \"eu-west-1\"", "input.n == 3", "input.awsRegion in {\"eu-west-1\", \"ap-south-1\"}",
    "input.n in {\"3\"}", "startswith(input.userIdentity.accessKeyId, \"AKIA\")", "startswith(input.n, \"3\")",
    "contains(input.sourceIPAddress, \"amazonaws\")", "not contains(input.awsRegion, \"east\")",
    "glob_match(\"10.*\", input.sourceIPAddress)", "cidr_contains(\"2001:db8::/32\", input.sourceIPAddress)",
};

const char* const kRecords[] = {
    R"({"eventSource":"ses.amazonaws.com","eventName":"GetAccount","awsRegion":"eu-west-1",
        "sourceIPAddress":"10.1.2.3","userIdentity":{"accessKeyId":"AKIA1"},"n":3,
        "resources":[{"type":"AWS::SES::Identity","ARN":"arn:1"},{"type":"Other","ARN":"arn:2"}],
        "requestParameters":{"limit":5,"x.y":true},"tags":{"team":null}})",
    R"({"eventSource":"ses.amazonaws.com","eventName":"GetSendQuota","awsRegion":"us-east-1",
        "sourceIPAddress":"ses.amazonaws.com","userIdentity":{"accessKeyId":"ASIA9"},"n":2.0,
        "errorCode":"AccessDenied","resources":[],"requestParameters":null})",
    R"({"eventSource":"iam.amazonaws.com","eventName":"ListIdentities","awsRegion":"ap-south-1",
        "sourceIPAddress":"2001:db8::1","n":"3","resources":[{"ARN":"x"}],"requestParameters":{"limit":"9"}})",
    R"({"eventName":"GetAccount","n":null,"resources":{"type":"Other"},"tags":[]})",
    R"({})",
};

TEST_CASE("tree evaluator and VM agree on generated rules x records") {
  const std::string pack = testing::read_text(std::string(SESRULES_SOURCE_DIR) + "/stdrules/ses_common.rules");
  std::mt19937 random(12345);
  constexpr std::size_t kConditionCount = std::size(kConditions);
  std::vector<std::vector<std::size_t>> bodies;
  for (std::size_t i = 0; i < kConditionCount; ++i) bodies.push_back({i});
  for (int i = 0; i < 60; ++i) {
    std::vector<std::size_t> body;
    for (std::size_t n = 1 + random() % 3; n > 0; --n) body.push_back(random() % kConditionCount);
    bodies.push_back(body);
  }
  std::string text = kPrelude;
  for (std::size_t b = 0; b < bodies.size(); ++b) {
    text += "alert r" + std::to_string(b) + " {\n meta { title: \"t\" severity: low description: \"d\" }\n when {\n";
    for (std::size_t c : bodies[b]) text += std::string("  ") + kConditions[c] + "\n";
    text += " }\n}\n";
  }
  testing::Compiled optimized = testing::compile_texts({text, pack}, true);
  testing::Compiled plain = testing::compile_texts({text, pack}, false);
  auto loaded_optimized = testing::load_or_fail(optimized.program);
  auto loaded_plain = testing::load_or_fail(plain.program);
  runtime::Vm vm_optimized(loaded_optimized), vm_plain(loaded_plain);
  runtime::DispatchIndex dispatch_optimized(optimized.program), dispatch_plain(plain.program);
  SymbolTable symbols(optimized.modules);
  int held = 0;
  for (const char* json : kRecords) {
    testing::TestRecord record_optimized(optimized.program, json), record_plain(plain.program, json);
    TreeEvaluator tree(symbols, record_optimized.document(), loaded_optimized);
    runtime::Arena arena;
    for (std::size_t b = 0; b < bodies.size(); ++b) {
      CAPTURE(json);
      std::string rule = std::to_string(b) + ": " + optimized.program.rules[b].name;
      for (std::size_t c : bodies[b]) rule += std::string(" | ") + kConditions[c];
      CAPTURE(rule);
      Env env{&optimized.modules[0], {}};
      bool expected = tree.body(optimized.modules[0].detections[b].when, env);
      held += expected;
      auto rule_index = static_cast<std::uint32_t>(b);
      CHECK(testing::rule_holds(vm_optimized, optimized.program, dispatch_optimized, rule_index, record_optimized,
                                arena) == expected);
      CHECK(testing::rule_holds(vm_plain, plain.program, dispatch_plain, rule_index, record_plain, arena) == expected);
    }
  }
  CHECK(held > 20);  // the sample is not trivially all-false
}

}  // namespace
}  // namespace sesrules::compiler
