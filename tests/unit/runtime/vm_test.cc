// Tests vm.cc, loaded_program.cc and verify.cc on hand-assembled programs:
// comparison and Undefined semantics, sets, iteration, calls, captures, budget.
#include <doctest/doctest.h>

#include "runtime/vm.h"
#include "test_program.h"

namespace sesrules::runtime {
namespace {
using testing::op;
using testing::TestProgram;

struct Harness {
  explicit Harness(Program p) {
    auto loaded = LoadedProgram::load(std::move(p));
    std::string message = loaded.ok() ? "" : loaded.status().message();
    INFO(message);
    REQUIRE(loaded.ok());
    program = loaded.value();
    vm = std::make_unique<Vm>(program);
    record.fields = fields;
  }
  Value call(std::uint32_t fn, std::span<const Value> args = {}, const CaptureFrame* captures = nullptr) {
    return vm->call(fn, record, arena, captures, args);
  }
  std::shared_ptr<const LoadedProgram> program;
  std::unique_ptr<Vm> vm;
  std::vector<Value> fields = std::vector<Value>(kStdSlotCount);
  RecordView record;
  Arena arena;
};

// fn(a, b) = a <op> b
Program binary_program(Op o) {
  TestProgram t;
  t.function("f", {op(Op::LoadLocal, 0), op(Op::LoadLocal, 1), op(o), op(Op::Return)}, 2, 2);
  return t.program;
}

std::string show(const Value& v) {
  if (!v.is_defined()) return "undefined";
  std::string out;
  append_json(out, v);
  return out;
}

TEST_CASE("comparisons follow the Undefined rules") {
  const Value u = Value::undefined(), one = Value::from_int(1), one_f = Value::from_double(1.0),
              two = Value::from_int(2), a = Value::from_string("a"), b = Value::from_string("b"), n = Value::null(),
              t = Value::from_bool(true);
  struct Case { Op o; Value x, y; const char* expected; };
  const Case cases[] = {
      {Op::Eq, one, one_f, "true"},  {Op::Eq, one, a, "false"},     {Op::Eq, u, one, "undefined"},
      {Op::Ne, one, u, "undefined"}, {Op::Ne, a, b, "true"},        {Op::Eq, n, n, "true"},
      {Op::Lt, one, two, "true"},    {Op::Lt, one_f, two, "true"},  {Op::Lt, one, a, "undefined"},
      {Op::Ge, a, b, "false"},       {Op::Le, a, a, "true"},        {Op::Gt, t, t, "undefined"},
      {Op::Eq, t, one, "false"},     {Op::Lt, n, n, "undefined"},
  };
  for (const Case& c : cases) {
    CAPTURE(static_cast<int>(c.o));
    CAPTURE(show(c.x));
    CAPTURE(show(c.y));
    Harness h(binary_program(c.o));
    Value args[] = {c.x, c.y};
    CHECK(show(h.call(0, args)) == c.expected);
  }
}

TEST_CASE("fields, members, indexes, sets and Not") {
  TestProgram t;
  std::uint32_t key = t.constant_string("k");
  t.program.string_sets = {{"GetAccount", "GetSendQuota"}};
  // f0: eventName in set; f1: not errorCode; f2: local0.k; f3: local0[local1]; f4: local0 in local1
  t.function("in_set", {op(Op::LoadField, kSlotEventName), op(Op::InSet, 0), op(Op::Return)});
  t.function("not", {op(Op::LoadField, kSlotErrorCode), op(Op::Not), op(Op::Return)});
  t.function("member", {op(Op::LoadLocal, 0), op(Op::Member, key), op(Op::Return)}, 1, 1);
  t.function("index", {op(Op::LoadLocal, 0), op(Op::LoadLocal, 1), op(Op::Index), op(Op::Return)}, 2, 2);
  t.function("in", {op(Op::LoadLocal, 0), op(Op::LoadLocal, 1), op(Op::In), op(Op::Return)}, 2, 2);
  t.function("in_loaded_set", {op(Op::LoadLocal, 0), op(Op::LoadSet, 0), op(Op::In), op(Op::Return)}, 1, 1);
  Harness h(t.program);
  h.fields[kSlotEventName] = Value::from_string("GetAccount");
  CHECK(show(h.call(0)) == "true");
  h.fields[kSlotEventName] = Value::from_string("Other");
  CHECK(show(h.call(0)) == "false");
  h.fields[kSlotEventName] = Value::undefined();
  CHECK(show(h.call(0)) == "undefined");
  CHECK(show(h.call(1)) == "true");
  h.fields[kSlotErrorCode] = Value::from_bool(false);
  CHECK(show(h.call(1)) == "true");
  h.fields[kSlotErrorCode] = Value::from_string("AccessDenied");
  CHECK(show(h.call(1)) == "false");

  Member members[] = {{"k", Value::from_int(5)}, {"j", Value::from_int(6)}};
  Value object = Value::from_object(members, 2);
  Value items[] = {Value::from_string("x"), Value::from_int(3)};
  Value array = Value::from_array(items, 2);
  Value one_arg[] = {object};
  CHECK(show(h.call(2, one_arg)) == "5");
  Value not_object[] = {array};
  CHECK(show(h.call(2, not_object)) == "undefined");
  struct Case { Value container, key; const char* expected; };
  const Case cases[] = {{array, Value::from_int(1), "3"},          {array, Value::from_int(2), "undefined"},
                        {array, Value::from_int(-1), "undefined"}, {object, Value::from_string("j"), "6"},
                        {object, Value::from_int(0), "undefined"}, {Value::undefined(), Value::from_int(0), "undefined"}};
  for (const Case& c : cases) {
    Value args[] = {c.container, c.key};
    CHECK(show(h.call(3, args)) == c.expected);
  }
  Value in_args[][2] = {{Value::from_int(3), array}, {Value::from_string("k"), object}, {Value::from_int(4), array},
                        {Value::from_int(1), Value::from_string("1")}};
  const char* in_expected[] = {"true", "true", "false", "undefined"};
  for (int i = 0; i < 4; ++i) CHECK(show(h.call(4, in_args[i])) == in_expected[i]);
  Value s[] = {Value::from_string("GetSendQuota")};
  CHECK(show(h.call(5, s)) == "true");
  CHECK(h.call(0, one_arg).kind == Kind::Undefined);  // wrong argument count
}

// some x in local0 { x == local1 }: locals 0,1 params; 2..5 iteration.
TEST_CASE("iteration over arrays, objects and sets") {
  TestProgram t;
  std::uint32_t true_const = [&] {
    Constant c;
    c.kind = Kind::Bool;
    c.boolean = true;
    t.program.constants.push_back(c);
    return 0u;
  }();
  t.program.string_sets = {{"a", "b"}};
  t.function("some", {op(Op::LoadLocal, 0), op(Op::IterInit, 9, 2), op(Op::IterNext, 9, 2), op(Op::LoadLocal, 5),
                      op(Op::LoadLocal, 1), op(Op::Eq), op(Op::JumpUnlessHolds, 2), op(Op::LoadConst, true_const),
                      op(Op::Return), op(Op::ReturnUndefined)},
             2, 6);
  Harness h(t.program);
  Value items[] = {Value::from_int(1), Value::from_int(2)};
  Member members[] = {{"k", Value::from_int(2)}};
  struct Case { Value coll, x; bool holds; };
  const Case cases[] = {{Value::from_array(items, 2), Value::from_int(2), true},
                        {Value::from_array(items, 2), Value::from_int(3), false},
                        {Value::from_object(members, 1), Value::from_int(2), true},
                        {Value::from_set(0), Value::from_string("b"), true},
                        {Value::from_set(0), Value::from_string("c"), false},
                        {Value::from_string("ab"), Value::from_string("a"), false},
                        {Value::undefined(), Value::from_int(1), false}};
  for (const Case& c : cases) {
    Value args[] = {c.coll, c.x};
    CHECK(h.call(0, args).holds() == c.holds);
  }
}

TEST_CASE("calls, captures, arrays and the instruction budget") {
  TestProgram t;
  std::uint32_t s = t.constant_string("x");
  std::uint32_t callee = t.function("id", {op(Op::LoadLocal, 0), op(Op::Return)}, 1, 1);
  t.function("caller", {op(Op::LoadConst, s), op(Op::CallFunction, callee, 1), op(Op::Return)});
  t.function("capture", {op(Op::LoadCapture, 1), op(Op::Return)});
  t.function("array", {op(Op::LoadConst, s), op(Op::LoadConst, s), op(Op::MakeArray, 2), op(Op::Return)});
  t.function("forever", {op(Op::Jump, 0)});
  t.function("forever_via_call", {op(Op::CallFunction, 4, 0), op(Op::Return)});
  Rule rule;
  rule.name = "r";
  rule.kind = RuleKind::Ordered;
  Step step;
  step.name = "a";
  step.local_fn = 1;
  rule.steps.push_back(step);
  rule.captures = {{0, kSlotEventName}, {0, kSlotAwsRegion}};
  t.program.rules.push_back(rule);
  Harness h(t.program);
  CHECK(show(h.call(1)) == "\"x\"");
  Value captured[] = {Value::from_int(1), Value::from_string("eu-west-1")};
  CaptureFrame frame{captured};
  CHECK(show(h.call(2, {}, &frame)) == "\"eu-west-1\"");
  CHECK(show(h.call(2)) == "undefined");
  CHECK(show(h.call(3)) == "[\"x\",\"x\"]");
  CHECK(h.vm->budget_exhausted() == 0);
  CHECK(show(h.call(4)) == "undefined");
  CHECK(show(h.call(5)) == "undefined");
  CHECK(h.vm->budget_exhausted() == 2);
  CHECK(show(h.call(1)) == "\"x\"");  // the budget is per call
}

// Each superinstruction against the sequence it replaces, on a field that is a
// matching string, another string, a number, and absent.
// The operands the fused-test cases share: set 0, glob 0, CIDR 0 and three constants.
struct FusedOperands {
  FusedOperands() {
    t.program.string_sets = {{"eu-west-1", "us-east-1"}};
    t.program.globs = {"eu-*"};
    t.program.cidrs = {"10.0.0.0/8"};
    eu = t.constant_string("eu-west-1");
    prefix = t.constant_string("eu-");
    two = t.constant_int(2);
  }
  TestProgram t;
  std::uint32_t eu = 0, prefix = 0, two = 0;
};

TEST_CASE("superinstructions equal the sequences they replace") {
  FusedOperands operands;
  TestProgram& t = operands.t;
  std::uint32_t eu = operands.eu, prefix = operands.prefix, two = operands.two;
  auto sw = static_cast<std::uint32_t>(Builtin::startswith), contains = static_cast<std::uint32_t>(Builtin::contains);
  auto slot = static_cast<std::uint16_t>(kSlotAwsRegion);
  struct Pair { Instr fused; std::vector<Instr> plain; };
  const std::vector<Pair> pairs = {
      {op(Op::EqFieldConst, eu, slot), {op(Op::LoadField, slot), op(Op::LoadConst, eu), op(Op::Eq)}},
      {op(Op::EqFieldConst, two, slot), {op(Op::LoadField, slot), op(Op::LoadConst, two), op(Op::Eq)}},
      {op(Op::FieldInSet, 0, slot), {op(Op::LoadField, slot), op(Op::InSet, 0)}},
      {op(Op::FieldGlob, 0, slot), {op(Op::LoadField, slot), op(Op::GlobMatch, 0)}},
      {op(Op::FieldCidr, 0, slot), {op(Op::LoadField, slot), op(Op::CidrContains, 0)}},
      {op(Op::FieldStartsWith, prefix, slot),
       {op(Op::LoadField, slot), op(Op::LoadConst, prefix), op(Op::CallBuiltin, sw, 2)}},
      {op(Op::FieldContains, prefix, slot),
       {op(Op::LoadField, slot), op(Op::LoadConst, prefix), op(Op::CallBuiltin, contains, 2)}},
  };
  for (const Pair& pair : pairs) {
    t.function("fused", {pair.fused, op(Op::Return)});
    std::vector<Instr> plain = pair.plain;
    plain.push_back(op(Op::Return));
    t.function("plain", plain);
  }
  // ReturnHolds against the predicate tail it replaces.
  auto yes = static_cast<std::uint32_t>(t.program.constants.size());
  t.program.constants.push_back(Constant{Kind::Bool, true, 0, 0, ""});
  t.function("fused", {op(Op::LoadField, slot), op(Op::ReturnHolds)});
  t.function("plain", {op(Op::LoadField, slot), op(Op::JumpUnlessHolds, 4), op(Op::LoadConst, yes), op(Op::Return),
                       op(Op::ReturnUndefined)});
  Harness h(t.program);
  const Value values[] = {Value::from_string("eu-west-1"), Value::from_string("10.1.2.3"), Value::from_int(2),
                          Value::from_bool(false), Value::undefined()};
  for (const Value& v : values) {
    h.fields[kSlotAwsRegion] = v;  // record.fields views this vector
    for (std::uint32_t fn = 0; fn < h.program->program().functions.size(); fn += 2) {
      CAPTURE(show(v));
      CAPTURE(fn);
      CHECK(show(h.call(fn)) == show(h.call(fn + 1)));
    }
  }
}

TEST_CASE("holds() on conjunctions of field tests agrees with the dispatch loop") {
  FusedOperands operands;
  TestProgram& t = operands.t;
  std::uint32_t eu = operands.eu, prefix = operands.prefix, two = operands.two;
  auto region = static_cast<std::uint16_t>(kSlotAwsRegion), ip = static_cast<std::uint16_t>(kSlotSourceIp);
  const std::vector<Instr> tests = {
      op(Op::EqFieldConst, eu, region), op(Op::EqFieldConst, two, ip),  op(Op::FieldInSet, 0, region),
      op(Op::FieldGlob, 0, ip),         op(Op::FieldCidr, 0, ip),       op(Op::FieldStartsWith, prefix, region),
      op(Op::FieldContains, prefix, ip),
  };
  for (const Instr& a : tests) {
    t.function("one", {a, op(Op::ReturnHolds), op(Op::ReturnUndefined)});
    for (const Instr& b : tests) {
      t.function("two", {a, op(Op::JumpUnlessHolds, 4), b, op(Op::ReturnHolds), op(Op::ReturnUndefined)});
    }
  }
  // `not input.x` (LoadField; Not) alone, before and after a fused test.
  const Instr not_region[] = {op(Op::LoadField, region), op(Op::Not)};
  t.function("not", {not_region[0], not_region[1], op(Op::ReturnHolds), op(Op::ReturnUndefined)});
  t.function("not, test", {not_region[0], not_region[1], op(Op::JumpUnlessHolds, 5), tests[4], op(Op::ReturnHolds),
                           op(Op::ReturnUndefined)});
  t.function("test, not", {tests[2], op(Op::JumpUnlessHolds, 5), op(Op::LoadField, ip), op(Op::Not),
                           op(Op::ReturnHolds), op(Op::ReturnUndefined)});
  // Shapes the shortcut must leave to the dispatch loop.
  std::uint32_t first_other = static_cast<std::uint32_t>(t.program.functions.size());
  t.function("not, return", {not_region[0], not_region[1], op(Op::Return)});
  t.function("param", {tests[0], op(Op::ReturnHolds)}, 1, 1);
  t.function("jump elsewhere", {tests[0], op(Op::JumpUnlessHolds, 4), tests[2], op(Op::ReturnHolds),
                                 op(Op::LoadConst, two), op(Op::Return)});
  t.function("plain field", {op(Op::LoadField, region), op(Op::ReturnHolds)});
  t.function("return", {tests[0], op(Op::Return)});
  Harness h(t.program);
  for (std::uint32_t fn = 0; fn < h.program->function_count(); ++fn) {
    CAPTURE(fn);
    CHECK((h.program->function(fn).field_tests != 0) == (fn < first_other));
  }
  const Value values[] = {Value::from_string("eu-west-1"), Value::from_string("10.1.2.3"), Value::from_string("eu-x"),
                          Value::from_int(2), Value::from_bool(false), Value::from_bool(true), Value::null(),
                          Value::undefined()};
  for (const Value& r : values) {
    for (const Value& i : values) {
      h.fields[kSlotAwsRegion] = r;
      h.fields[kSlotSourceIp] = i;
      for (std::uint32_t fn = 0; fn < h.program->function_count(); ++fn) {
        CAPTURE(show(r));
        CAPTURE(show(i));
        CAPTURE(fn);
        CHECK(h.vm->holds(fn, h.record, h.arena) == h.call(fn).holds());
      }
    }
  }
}

TEST_CASE("the budget stops loops charged at backward jumps and calls") {
  TestProgram t;
  // A loop of 3 instructions: about a third of the budget in iterations.
  t.function("loop", {op(Op::LoadUndefined), op(Op::Pop), op(Op::Jump, 0)});
  t.function("calls", {op(Op::CallFunction, 0), op(Op::Return)});
  t.function("short", {op(Op::LoadUndefined), op(Op::Return)});
  Harness h(t.program);
  CHECK(show(h.call(0)) == "undefined");
  CHECK(show(h.call(1)) == "undefined");
  CHECK(h.vm->budget_exhausted() == 2);
  CHECK(show(h.call(2)) == "undefined");
  CHECK(h.vm->budget_exhausted() == 2);
}

TEST_CASE("the verifier rejects malformed code") {
  struct Case { const char* name; std::vector<Instr> code; std::uint16_t locals; const char* message; };
  const std::vector<Case> cases = {
      {"underflow", {op(Op::Eq), op(Op::Return)}, 0, "stack underflow"},
      {"jump out of range", {op(Op::Jump, 7)}, 0, "jump target"},
      {"runs off the end", {op(Op::LoadUndefined), op(Op::Pop)}, 0, "runs off the end"},
      {"bad slot", {op(Op::LoadField, 99), op(Op::Return)}, 0, "field slot"},
      {"bad fused slot", {op(Op::FieldInSet, 0, 99), op(Op::Return)}, 0, "field slot 99"},
      {"bad fused set", {op(Op::FieldInSet, 5, 0), op(Op::Return)}, 0, "set"},
      {"startswith of a number", {op(Op::FieldStartsWith, 1, 0), op(Op::Return)}, 0, "string constant"},
      {"return holds depth", {op(Op::ReturnHolds)}, 0, "stack underflow"},
      {"bad local", {op(Op::LoadLocal, 1), op(Op::Return)}, 1, "local"},
      {"bad builtin arity", {op(Op::LoadUndefined), op(Op::CallBuiltin, 0, 1), op(Op::Return)}, 0, "builtin"},
      {"return depth", {op(Op::LoadUndefined), op(Op::LoadUndefined), op(Op::Return)}, 0, "stack underflow"},
      {"inconsistent depth",
       {op(Op::LoadUndefined), op(Op::JumpUnlessHolds, 3), op(Op::LoadUndefined), op(Op::LoadUndefined), op(Op::Return)},
       0, "inconsistent stack depth"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    TestProgram t;
    t.constant_string("s");
    t.constant_int(1);
    t.function("f", c.code, 0, c.locals);
    auto loaded = LoadedProgram::load(t.program);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().message().find(c.message) != std::string::npos);
  }
  TestProgram recursive;
  recursive.function("a", {op(Op::CallFunction, 1), op(Op::Return)});
  recursive.function("b", {op(Op::CallFunction, 0), op(Op::Return)});
  auto loaded = LoadedProgram::load(recursive.program);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().message().find("recursive") != std::string::npos);
}

}  // namespace
}  // namespace sesrules::runtime
