// Tests lower.cc, lower_expr.cc, lower_sequence.cc, lower_peephole.cc and symbols.cc: rule text is
// parsed, lowered (optimizer on and off), loaded and run on JSON records.
#include <doctest/doctest.h>

#include <algorithm>

#include "lower_test_util.h"
#include "runtime/disassemble.h"

namespace sesrules::compiler {
namespace {
using testing::compile_texts;
using testing::load_or_fail;
using testing::rule_holds;
using testing::TestRecord;

constexpr const char* kHelpers = R"(package t
import ses
sandbox_calls := {"GetAccount", "GetSendQuota"}
limit := 3
ses_call { input.eventSource == "ses.amazonaws.com" }
ses_api(names) {
  ses_call
  input.eventName in names
}
listing { input.eventName == "ListIdentities" }
listing { input.eventName == "ListEmailIdentities" }
default region_group := "other"
region_group := "eu" { startswith(input.awsRegion, "eu-") }
region_group := "us" { startswith(input.awsRegion, "us-") }
twice(x) := y { y := x }
)";

constexpr const char* kSesPack = "package ses\nlong_term_key {\n  startswith(input.userIdentity.accessKeyId, \"AKIA\")\n}\n";

constexpr const char* kRecord = R"({"eventSource":"ses.amazonaws.com","eventName":"GetSendQuota",
 "awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.9","errorCode":null,
 "userIdentity":{"accessKeyId":"AKIAEXAMPLE","arn":"arn:aws:iam::1:user/a"},
 "requestParameters":{"policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\"}]}","x.y":7},
 "resources":[{"type":"AWS::SES::Identity","ARN":"arn:1"},{"type":"Other","ARN":"arn:2"}],
 "count":2,"ratio":2.5,"tags":{"a":"1","b":"2"}})";

TEST_CASE("single-rule conditions on a sample record") {
  struct Case { const char* when; bool holds; };
  const Case cases[] = {
      {"input.eventName == \"GetSendQuota\"", true},
      {"input.eventName != \"GetSendQuota\"", false},
      {"input.missing == \"x\"", false},
      {"input.missing != \"x\"", false},
      {"not input.missing == \"x\"", true},
      {"not input.missing", true},
      {"not input.errorCode", false},  // null is defined and not false: it holds
      {"input.errorCode == null", true},
      {"input.count == 2.0", true},
      {"input.count < 3", true},
      {"input.count < \"3\"", false},
      {"not input.count < \"3\"", true},
      {"input.count == \"2\"", false},
      {"input.ratio > input.count", true},
      {"input.eventName in sandbox_calls", true},
      {"input.eventName in {\"A\", \"B\"}", false},
      {"input.eventName in {input.eventName, \"B\"}", true},
      {"ses_api(sandbox_calls)", true},
      {"ses_api({\"ListIdentities\"})", false},
      {"listing", false},
      {"ses.long_term_key", true},
      {"region_group == \"eu\"", true},
      {"region_group == \"other\"", false},
      {"twice(2) == 2", true},
      {"input.resources[0].ARN == \"arn:1\"", true},
      {"input.resources[5].ARN", false},
      {"input.userIdentity.arn[0]", false},
      {"input.requestParameters[\"x.y\"] == 7", true},
      {"some r in input.resources { r.type == \"Other\" }", true},
      {"some r in input.resources { r.type == \"None\" }", false},
      {"some i, r in input.resources { i == 1; r.ARN == \"arn:2\" }", true},
      {"some k, v in input.tags { k == \"b\"; v == \"2\" }", true},
      {"every r in input.resources { startswith(r.ARN, \"arn:\") }", true},
      {"every r in input.resources { r.type == \"Other\" }", false},
      {"every r in input.missing { r.type == \"Other\" }", false},
      {"some x in sandbox_calls { x == \"GetAccount\" }", true},
      {"p := json_decode(input.requestParameters.policy)\n some st in p.Statement { st.Principal == \"*\" }", true},
      {"x := input.missing\n true", false},
      {"x := input.count\n x == limit", false},
      {"x := input.count\n x < limit", true},
      {"count(input.resources) == 2", true},
      {"count(\"é1\") == 2", true},
      {"lower(\"AbC\") == \"abc\"", true},
      {"glob_match(\"eu-*-1\", input.awsRegion)", true},
      {"glob_match(\"us-*\", input.awsRegion)", false},
      {"regex_match(`^eu-[a-z]+-\\d$`, input.awsRegion)", true},
      {"cidr_contains(\"203.0.113.0/24\", input.sourceIPAddress)", true},
      {"cidr_contains(\"203.0.113.0/24\", input.eventSource)", false},
      {"1 == 1\n input.eventName == \"GetSendQuota\"", true},
      {"1 == 2\n input.eventName == \"GetSendQuota\"", false},
      {"not 1 == 2", true},
      {"\"a\" in sandbox_calls", false},
      {"[1, 2] == [1, 2.0]", true},
      {"input.tags == {\"b\": 1}", false},
  };
  for (bool optimize : {true, false}) {
    for (const Case& c : cases) {
      CAPTURE(optimize);
      std::string when = c.when;
      CAPTURE(when);
      std::string text = std::string(kHelpers) + "alert r {\n meta { title: \"t\" severity: low description: \"d\" }\n when {\n " +
                         c.when + "\n }\n}\n";
      if (std::string(c.when).find("{\"b\": 1}") != std::string::npos) continue;  // not in the grammar
      testing::Compiled compiled = compile_texts({text, kSesPack}, optimize);
      auto loaded = load_or_fail(compiled.program);
      runtime::Vm vm(loaded);
      TestRecord record(compiled.program, kRecord);
      runtime::Arena arena;
      const runtime::Rule& rule = compiled.program.rules.at(0);
      CHECK(rule.name == "t.r");
      INFO(runtime::disassemble(compiled.program));
      runtime::DispatchIndex dispatch(compiled.program);
      CHECK(rule_holds(vm, compiled.program, dispatch, 0, record, arena) == c.holds);
    }
  }
}

TEST_CASE("fields: standard slots first, then only the paths read") {
  testing::Compiled c = compile_texts({R"(package t
unused { input.never.read == 1 }
alert r {
  meta { title: "t" severity: low description: "d" }
  when {
    input.requestParameters.serviceCode == "ses"
    input.resources[0].ARN == "a"
    input.userIdentity.arn == "b"
  }
})"});
  const auto& f = c.program.fields;
  REQUIRE(f.size() == runtime::kStdSlotCount + 2);
  CHECK(f[runtime::kSlotAccessKeyId] == std::vector<std::string>{"userIdentity", "accessKeyId"});
  CHECK(f[runtime::kStdSlotCount] == std::vector<std::string>{"requestParameters", "serviceCode"});
  CHECK(f[runtime::kStdSlotCount + 1] == std::vector<std::string>{"resources"});
  CHECK(c.program.functions.size() == 1);  // `unused` is never lowered
}

TEST_CASE("rule metadata, version and outputs") {
  const std::string text = R"(package acme.ses
alert probe {
  meta {
    title: "Probe"
    severity: high
    description: "D"
    mitre: ["T1526"]
    references: ["https://x"]
    tags: ["ses", "recon"]
  }
  when { input.eventName == "GetAccount" }
  output { region: input.awsRegion }
})";
  testing::Compiled c = compile_texts({text});
  const runtime::Rule& r = c.program.rules.at(0);
  CHECK(r.name == "acme.ses.probe");
  CHECK(r.title == "Probe");
  CHECK(r.severity == runtime::Severity::High);
  CHECK(r.mitre == std::vector<std::string>{"T1526"});
  CHECK(r.tags == std::vector<std::string>{"ses", "recon"});
  CHECK(r.version.size() == 16);
  CHECK(r.pos.line == 2);
  CHECK(compile_texts({text}).program.rules[0].version == r.version);
  CHECK(compile_texts({text + "\n"}).program.rules[0].version == r.version);  // only the rule's own text counts
  REQUIRE(r.outputs.size() == 1);
  auto loaded = load_or_fail(c.program);
  runtime::Vm vm(loaded);
  TestRecord record(c.program, kRecord);
  runtime::Arena arena;
  runtime::Value v = vm.call(r.outputs[0].fn, record.view(), arena);
  CHECK(v.str() == "eu-west-1");
}

constexpr const char* kSequence = R"(package t
ses_api(names) {
  input.eventSource == "ses.amazonaws.com"
  input.eventName in names
}
sequence s {
  meta { title: "t" severity: medium description: "d" }
  by input.userIdentity.accessKeyId
  within 1h
  ordered {
    step list {
      ses_api({"ListIdentities"})
    }
    step verify {
      ses_api({"GetIdentityVerificationAttributes"})
      ip := list.sourceIPAddress
      input.sourceIPAddress == ip
      input.awsRegion == list.awsRegion
    }
  }
  until {
    input.eventName == "DeleteAccessKey"
  }
  suppress 1h
  output { first_region: list.awsRegion }
})";

TEST_CASE("sequence lowering: keys, local/relation split, captures, outputs") {
  testing::Compiled c = compile_texts({kSequence});
  const runtime::Rule& r = c.program.rules.at(0);
  CHECK(r.kind == runtime::RuleKind::Ordered);
  CHECK(r.within_ms == 3600000);
  CHECK(r.suppress_ms == 3600000);
  REQUIRE(r.key_fns.size() == 1);
  REQUIRE(r.steps.size() == 2);
  CHECK(r.steps[0].relation_fn == runtime::kNoFunction);
  CHECK(r.steps[1].relation_fn != runtime::kNoFunction);
  REQUIRE(r.captures.size() == 2);
  CHECK(r.captures[0].step == 0);
  CHECK(r.captures[0].slot == runtime::kSlotSourceIp);
  CHECK(r.captures[1].slot == runtime::kSlotAwsRegion);
  CHECK(r.until_fn != runtime::kNoFunction);

  auto loaded = load_or_fail(c.program);
  runtime::Vm vm(loaded);
  runtime::Arena arena;
  TestRecord verify(c.program, R"({"eventSource":"ses.amazonaws.com","eventName":"GetIdentityVerificationAttributes",
      "sourceIPAddress":"1.2.3.4","awsRegion":"us-east-1","userIdentity":{"accessKeyId":"AKIA1"}})");
  CHECK(vm.holds(r.steps[1].local_fn, verify.view(), arena));
  CHECK_FALSE(vm.holds(r.steps[0].local_fn, verify.view(), arena));
  CHECK(vm.call(r.key_fns[0], verify.view(), arena).str() == "AKIA1");
  runtime::Value same[] = {runtime::Value::from_string("1.2.3.4"), runtime::Value::from_string("us-east-1")};
  runtime::Value other[] = {runtime::Value::from_string("9.9.9.9"), runtime::Value::from_string("us-east-1")};
  runtime::CaptureFrame same_frame{same}, other_frame{other};
  CHECK(vm.holds(r.steps[1].relation_fn, verify.view(), arena, &same_frame));
  CHECK_FALSE(vm.holds(r.steps[1].relation_fn, verify.view(), arena, &other_frame));
  CHECK_FALSE(vm.holds(r.steps[1].relation_fn, verify.view(), arena));  // no captures: undefined
  REQUIRE(r.outputs.size() == 1);
  CHECK(vm.call(r.outputs[0].fn, verify.view(), arena, &same_frame).str() == "us-east-1");
}

TEST_CASE("threshold and unordered sequences") {
  testing::Compiled c = compile_texts({R"(package t
sequence sweep {
  meta { title: "t" severity: high description: "d" }
  by input.userIdentity.accessKeyId, input.recipientAccountId
  within 10m
  threshold distinct input.awsRegion >= 3 {
    input.eventName == "GetSendQuota"
  }
}
sequence combo {
  meta { title: "t" severity: high description: "d" }
  by input.userIdentity.accessKeyId
  within 1h
  unordered at_least 2 {
    step a { input.eventName == "GetAccount" }
    step b { input.eventName == "ListIdentities" }
    step c absent { input.eventName == "X" }
  }
})"});
  const runtime::Rule& sweep = c.program.rules.at(0);
  CHECK(sweep.kind == runtime::RuleKind::Threshold);
  CHECK(sweep.threshold_kind == runtime::ThresholdKind::Distinct);
  CHECK(sweep.threshold_min == 3);
  CHECK(sweep.key_fns.size() == 2);
  CHECK(sweep.distinct_fn != runtime::kNoFunction);
  CHECK(sweep.steps.size() == 1);
  const runtime::Rule& combo = c.program.rules.at(1);
  CHECK(combo.kind == runtime::RuleKind::Unordered);
  CHECK(combo.min_steps == 2);
  CHECK(combo.steps.at(2).absent);
  load_or_fail(c.program);
}

TEST_CASE("helpers across files and packages") {
  testing::Compiled c = compile_texts({
      "package acme.common\nk := \"AKIA\"\nkey_prefix(p) { startswith(input.userIdentity.accessKeyId, p) }\n",
      "package acme.common\nlong { key_prefix(k) }\n",
      R"(package acme.rules
import acme.common as c
alert r {
  meta { title: "t" severity: low description: "d" }
  when { c.long; c.key_prefix(c.k) }
})"});
  auto loaded = load_or_fail(c.program);
  runtime::Vm vm(loaded);
  runtime::Arena arena;
  TestRecord record(c.program, kRecord);
  CHECK(vm.holds(c.program.rules[0].predicate_fn, record.view(), arena));
  TestRecord other(c.program, R"({"userIdentity":{"accessKeyId":"ASIA1"}})");
  CHECK_FALSE(vm.holds(c.program.rules[0].predicate_fn, other.view(), arena));
}

std::vector<runtime::Op> ops_of(const runtime::Program& p, std::uint32_t fn) {
  const runtime::Function& f = p.functions[fn];
  std::vector<runtime::Op> out;
  for (std::uint32_t pc = f.entry; pc < f.entry + f.length; ++pc) out.push_back(p.code[pc].op);
  return out;
}

TEST_CASE("peephole: superinstructions when optimizing, helpers keep their Return") {
  const std::string text = R"(package t
guarded { input.userIdentity.type == "Root" }
alert r {
  meta { title: "t" severity: low description: "d" }
  when {
    input.awsRegion in {"eu-west-1", "us-east-1"}
    startswith(input.userIdentity.accessKeyId, "AKIA")
    guarded
  }
})";
  using runtime::Op;
  testing::Compiled optimized = compile_texts({text}, true);
  const runtime::Program& p = optimized.program;
  INFO(runtime::disassemble(p));
  CHECK(ops_of(p, p.rules[0].predicate_fn) ==
        std::vector<Op>{Op::FieldInSet, Op::JumpUnlessHolds, Op::FieldStartsWith, Op::JumpUnlessHolds,
                        Op::CallFunction, Op::ReturnHolds, Op::ReturnUndefined});
  auto helper = std::find_if(p.functions.begin(), p.functions.end(),
                             [](const runtime::Function& f) { return f.name == "t.guarded"; });
  REQUIRE(helper != p.functions.end());
  CHECK(ops_of(p, static_cast<std::uint32_t>(helper - p.functions.begin())) ==
        std::vector<Op>{Op::EqFieldConst, Op::JumpUnlessHolds, Op::LoadConst, Op::Return, Op::ReturnUndefined});
  testing::Compiled plain = compile_texts({text}, false);
  for (const runtime::Instr& in : plain.program.code) CHECK(in.op < Op::EqFieldConst);
}

}  // namespace
}  // namespace sesrules::compiler
