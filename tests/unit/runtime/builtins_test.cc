// Tests builtins_impl.cc: glob, CIDR, string builtins, count, json_decode,
// to_number and type tests, including Undefined and wrong-typed arguments.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "runtime/builtins_impl.h"
#include "runtime/loaded_program.h"
#include "test_program.h"

namespace sesrules::runtime {
namespace {

TEST_CASE("glob patterns") {
  struct Case { const char* pattern; const char* text; bool match; };
  const Case cases[] = {
      {"eu-*", "eu-west-1", true},   {"eu-*-1", "eu-west-1", true}, {"eu-*-2", "eu-west-1", false},
      {"?s-east-1", "us-east-1", true}, {"[ue][su]-*", "eu-west-1", true}, {"[!e]u-*", "eu-west-1", false},
      {"us-[a-f]*", "us-east-1", true}, {"*", "", true},            {"a*b*c", "aXbYbZc", true},
      {"a*b*c", "aXbYbZ", false},    {"", "x", false},              {"[", "[", true},
      {"**x", "abx", true},          {"a?", "a", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    CAPTURE(c.text);
    CHECK(glob_match(c.pattern, c.text) == c.match);
  }
}

TEST_CASE("CIDR blocks: IPv4, IPv6, non-IP strings") {
  struct Case { const char* cidr; const char* ip; bool inside; };
  const Case cases[] = {
      {"203.0.113.0/24", "203.0.113.9", true},     {"203.0.113.0/24", "203.0.114.9", false},
      {"10.0.0.0/8", "10.255.1.1", true},          {"10.0.0.0/9", "10.128.0.1", false},
      {"0.0.0.0/0", "8.8.8.8", true},              {"198.51.100.7", "198.51.100.7", true},
      {"2001:db8::/32", "2001:db8:1::5", true},    {"2001:db8::/32", "2001:db9::5", false},
      {"2001:db8::/32", "203.0.113.9", false},     {"203.0.113.0/24", "ses.amazonaws.com", false},
      {"203.0.113.0/24", "AWS Internal", false},   {"203.0.113.0/24", "", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.cidr);
    CAPTURE(c.ip);
    auto block = parse_cidr(c.cidr);
    REQUIRE(block);
    CHECK(cidr_block_contains(*block, c.ip) == c.inside);
  }
  for (const char* bad : {"10.0.0.0/33", "nope", "1.2.3.4/x", "2001:db8::/129", ""}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_cidr(bad));
  }
}

TEST_CASE("contains_bytes agrees with string_view::find on every small text and needle") {
  std::vector<std::string> strings{""};
  for (std::size_t begin = 0, length = 0; length < 6; ++length) {
    std::size_t end = strings.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (char c : {'s', 'c', 'a'}) strings.push_back(strings[i] + c);
    }
    begin = end;
  }
  for (const std::string& text : strings) {
    for (const std::string& needle : strings) {
      if (contains_bytes(text, needle) != (std::string_view(text).find(needle) != std::string_view::npos)) {
        CAPTURE(text);
        CAPTURE(needle);
        FAIL("contains_bytes disagrees with find");
      }
    }
  }
  // Longer text, with needles taken from it (found) or changed in their last byte.
  std::mt19937 rng(3);
  for (int i = 0; i < 200000; ++i) {
    std::string text, needle;
    for (std::size_t n = rng() % 80; n > 0; --n) text += "sca"[rng() % 3];
    if (!text.empty() && rng() % 2) {
      std::size_t at = rng() % text.size();
      needle = text.substr(at, 1 + rng() % 12);
      if (rng() % 2) needle.back() = "sca"[rng() % 3];
    } else {
      for (std::size_t n = rng() % 10; n > 0; --n) needle += "sca"[rng() % 3];
    }
    if (contains_bytes(text, needle) != (std::string_view(text).find(needle) != std::string_view::npos)) {
      CAPTURE(text);
      CAPTURE(needle);
      FAIL("contains_bytes disagrees with find");
    }
  }
  CHECK(contains_bytes("aws-sdk-go/1.44 scanner-12 (linux)", "scanner-12"));
  CHECK_FALSE(contains_bytes("aws-sdk-go/1.44 scanner-12 (linux)", "scanner-13"));
}

struct BuiltinHarness {
  BuiltinHarness() {
    testing::TestProgram t;
    t.program.string_sets = {{"a", "b", "c"}};
    program = LoadedProgram::load(t.program).value();
  }
  std::string run(Builtin b, std::vector<Value> args) {
    Value v = call_builtin(static_cast<std::uint32_t>(b), args, *program, arena, scratch);
    if (!v.is_defined()) return "undefined";
    std::string out;
    append_json(out, v);
    return out;
  }
  std::shared_ptr<const LoadedProgram> program;
  Arena arena;
  BuiltinScratch scratch;
};

TEST_CASE("builtins by table row") {
  BuiltinHarness h;
  auto s = [](const char* text) { return Value::from_string(text); };
  Value items[] = {Value::from_int(1), Value::from_int(2)};
  struct Case { Builtin b; std::vector<Value> args; const char* expected; };
  const std::vector<Case> cases = {
      {Builtin::startswith, {s("AKIA123"), s("AKIA")}, "true"},
      {Builtin::startswith, {s("ASIA123"), s("AKIA")}, "false"},
      {Builtin::startswith, {Value::undefined(), s("AKIA")}, "undefined"},
      {Builtin::startswith, {Value::from_int(1), s("1")}, "undefined"},
      {Builtin::endswith, {s("a.json"), s(".json")}, "true"},
      {Builtin::contains, {s("arn:aws:ses"), s(":ses")}, "true"},
      {Builtin::lower, {s("GetAccount")}, "\"getaccount\""},
      {Builtin::upper, {s("eu-west-1")}, "\"EU-WEST-1\""},
      {Builtin::glob_match, {s("Get*"), s("GetAccount")}, "true"},
      {Builtin::regex_match, {s("^Get(Account|SendQuota)$"), s("GetAccount")}, "true"},
      {Builtin::regex_match, {s("Quota"), s("GetSendQuota")}, "true"},
      {Builtin::regex_match, {s("("), s("x")}, "undefined"},
      {Builtin::cidr_contains, {s("10.0.0.0/8"), s("10.1.2.3")}, "true"},
      {Builtin::count, {Value::from_array(items, 2)}, "2"},
      {Builtin::count, {Value::from_set(0)}, "3"},
      {Builtin::count, {s("héllo")}, "5"},
      {Builtin::count, {Value::from_int(3)}, "undefined"},
      {Builtin::json_decode, {s("{\"a\":[1,\"x\",true,null,2.5]}")}, "{\"a\":[1,\"x\",true,null,2.5]}"},
      {Builtin::json_decode, {s("{broken")}, "undefined"},
      {Builtin::to_number, {s("42")}, "42"},
      {Builtin::to_number, {s("2.5")}, "2.5"},
      {Builtin::to_number, {s("4x")}, "undefined"},
      {Builtin::to_number, {Value::from_bool(true)}, "1"},
      {Builtin::is_string, {s("x")}, "true"},
      {Builtin::is_number, {Value::from_double(1.5)}, "true"},
      {Builtin::is_bool, {s("true")}, "false"},
      {Builtin::is_array, {Value::from_array(items, 2)}, "true"},
      {Builtin::is_object, {s("{}")}, "false"},
      {Builtin::is_null, {Value::null()}, "true"},
      {Builtin::is_null, {Value::undefined()}, "undefined"},
  };
  for (const Case& c : cases) {
    CAPTURE(builtin_name(static_cast<std::uint32_t>(c.b)));
    CHECK(h.run(c.b, c.args) == c.expected);
  }
  CHECK(std::string(builtin_name(0)) == "startswith");
  CHECK(builtin_arity(static_cast<std::uint32_t>(Builtin::count)) == 1);
}

}  // namespace
}  // namespace sesrules::runtime
