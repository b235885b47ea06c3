// Tests parse.cc, parse_expr.cc, parse_decl.cc, grammar.h and grammar_errors.h:
// grammar analysis, AST shapes, syntax messages, recovery, limits, comments.
#include <doctest/doctest.h>

#include <tao/pegtl/contrib/analyze.hpp>

#include <filesystem>

#include "compiler/builtins.h"
#include "compiler/compile.h"
#include "compiler/format.h"
#include "compiler/grammar.h"
#include "compiler/parse.h"
#include "compiler/parse_tree.h"
#include "test_util.h"

namespace sesrules::compiler {
namespace {
using testing::codes;

struct Parsed {
  std::optional<Module> module;
  Diagnostics diagnostics;
};

Parsed parse_text(const std::string& text) {
  Parsed p;
  SourceFile file("t.rules", text);
  p.module = parse_module(file, 0, p.diagnostics);
  return p;
}

std::string first_message(const Parsed& p) {
  return p.diagnostics.items().empty() ? "" : p.diagnostics.items()[0].message;
}

TEST_CASE("grammar has no analysis issues") {
  CHECK(tao::pegtl::analyze<grammar::file>() == 0);
}

// The parse-tree control matches grammar::reserved with detail::is_reserved_word;
// both must accept exactly the same words.
TEST_CASE("fast keyword check agrees with grammar::reserved") {
  namespace pegtl = tao::pegtl;
  const char* words[] = {"package", "import", "as", "default", "alert", "sequence", "meta", "when", "output", "by",
                         "within", "ordered", "unordered", "at_least", "threshold", "step", "absent", "until",
                         "suppress", "some", "every", "in", "not", "input", "true", "false", "null", "count",
                         "distinct", "asx", "a", "in_", "input2", "nul", "nulls", "True", "_in", "eventName", "x"};
  int reserved = 0;
  for (std::string_view word : words) {
    pegtl::memory_input in(word.data(), word.size(), "");
    bool grammar_says = pegtl::parse<pegtl::seq<grammar::reserved, pegtl::eof>>(in);
    CHECK_MESSAGE(detail::is_reserved_word(word) == grammar_says, word);
    reserved += grammar_says ? 1 : 0;
  }
  CHECK(reserved == 27);
}

template <typename Rule>
using NameSelector = tao::pegtl::parse_tree::selector<Rule, tao::pegtl::parse_tree::store_content::on<grammar::name>>;

// The tree builder matches grammar::name with one identifier scan; it must
// accept exactly what the grammar's `!reserved identifier` accepts.
TEST_CASE("fast name matching agrees with grammar::name") {
  namespace pegtl = tao::pegtl;
  const char* words[] = {"x", "_", "_a1", "eventName", "in", "input", "input2", "in_", "1abc", "9", "a-b",
                         "True", "null", "nulls", "count", "at_least", "at_least_2", "-x", "\xc3\xa9t\xc3\xa9", ""};
  for (std::string_view word : words) {
    CAPTURE(word);
    pegtl::memory_input plain(word.data(), word.size(), "");
    bool grammar_says = pegtl::parse<pegtl::seq<grammar::name, pegtl::eof>>(plain);
    using Input = pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf, const char*>;
    Input in(word.data(), word.data() + word.size(), "");
    grammar::SyntaxState syntax{word.data(), {}};
    detail::TreeState tree;
    const detail::Node* root =
        detail::parse_tree<pegtl::seq<grammar::name, pegtl::eof>, NameSelector>(in, syntax, tree);
    CHECK((root != nullptr) == grammar_says);
    if (root != nullptr) {
      REQUIRE(root->children.size() == 1);
      CHECK(root->children[0]->is_type<grammar::name>());
      CHECK(root->children[0]->string_view() == word);
    }
  }
}

// grammar::first_chars lets the tree builder reject a rule on its first byte.
// With the plain grammar: wherever a listed rule matches (or gets far enough to
// raise) in real rule text, its first byte is listed; it never matches empty input.
template <typename Rule>
void check_first_chars(const std::vector<std::string>& texts) {
  namespace pegtl = tao::pegtl;
  std::string_view allowed = grammar::first_chars<Rule>;
  CAPTURE(pegtl::demangle<Rule>());
  REQUIRE_FALSE(allowed.empty());
  std::string_view nothing;
  pegtl::memory_input empty(nothing.data(), nothing.size(), "");
  CHECK_FALSE(pegtl::parse<Rule>(empty));
  for (const std::string& text : texts) {
    for (std::size_t at = 0; at < text.size(); ++at) {
      pegtl::memory_input in(text.data() + at, text.data() + text.size(), "");
      bool started = false;
      try {
        started = pegtl::parse<Rule>(in);
      } catch (const pegtl::parse_error&) {
        started = true;
      }
      if (started) CHECK_MESSAGE(allowed.find(text[at]) != std::string_view::npos, text.substr(at, 20));
    }
  }
}

template <typename... Rules>
void check_all_first_chars(const std::vector<std::string>& texts) {
  (check_first_chars<Rules>(texts), ...);
}

TEST_CASE("first_chars lists every byte its rules can start with") {
  namespace g = grammar;
  std::vector<std::string> texts = {
      "package p\nalert a {\n  meta { title: \"t\\n\" severity: low mitre: [\"T1\"] }\n"
      "  when {\n    some x in input.a { x == -1.5e3 }\n    every k, y in [1, `r`] { not y }\n"
      "    input.b[\"k\"][0] in {\"a\", \"b\",}\n    f(set(), (1), true, false, null, -2) != 3\n  }\n"
      "  output { o: input.c }\n}\n"
      "sequence s {\n  meta { title: \"t\" }\n  by input.d, input.e\n  within 5m\n"
      "  ordered { step one { input.e == 1 } step two absent { true } }\n"
      "  unordered at_least 1 { step t { input.x } }\n  threshold distinct input.f >= 2 { input.f }\n"
      "  until { input.g }\n  suppress 1h\n}\n"};
  for (const auto& entry : std::filesystem::directory_iterator(std::string(SESRULES_SOURCE_DIR) + "/stdrules")) {
    if (entry.path().extension() == ".rules") texts.push_back(testing::read_text(entry.path().string()));
  }
  check_all_first_chars<g::string_lit, g::raw_string, g::number, g::kw_true, g::kw_false, g::kw_null, g::literal,
                        g::kw_input, g::set_empty, g::paren, g::set_lit, g::array_lit, g::member_op, g::index_op,
                        g::call_op, g::some_stmt, g::every_stmt, g::not_stmt, g::meta_section, g::when_section,
                        g::output_section, g::by_section, g::within_section, g::ordered_section,
                        g::unordered_section, g::threshold_section, g::until_section, g::suppress_section>(texts);
}

TEST_CASE("keywords are names only when followed by identifier characters") {
  Parsed ok = parse_text("package t\nalert x {\n  when { input.asx == in_1; not nulls in [truex] }\n}\n");
  CHECK(ok.diagnostics.items().empty());
  CHECK(codes(parse_text("package t\nalert in {}\n").diagnostics) == "E108");
  CHECK(codes(parse_text("package t\nalert input2 {}\n").diagnostics).empty());
}

TEST_CASE("builtins table lookup") {
  const BuiltinInfo* info = find_builtin("regex_match");
  REQUIRE(info != nullptr);
  CHECK(info->arity == 2);
  CHECK(info->constant_first_arg);
  CHECK(builtins()[info->index].name == "regex_match");
  CHECK(find_builtin("nope") == nullptr);
}

TEST_CASE("expressions parse to the expected AST") {
  struct Case { const char* source; const char* dump; };
  const Case cases[] = {
      {"input.eventName == \"A\"", "expr cmp==(member(input, eventName), \"A\")"},
      {"input.requestParameters[\"x.y\"] != 1", "expr cmp!=(member(member(input, requestParameters), x.y), 1)"},
      {"input.resources[0].ARN", "expr member(index(member(input, resources), 0), ARN)"},
      {"input.eventName in {\"A\", \"B\",}", "expr in(member(input, eventName), set(\"A\", \"B\"))"},
      {"ses.long_term_key", "expr member(name(ses), long_term_key)"},
      {"common.f(1, [2, 3.5], set())", "expr call:common.f(1, array(2, 3.5), set())"},
      {"x := -3", "assign x := -3"},
      {"not input.errorCode", "not member(input, errorCode)"},
      {"regex_match(`^a\\d$`, \"\\u00e9\\n\")", "expr call:regex_match(\"^a\\\\d$\", \"é\\n\")"},
      {"count(x) >= 2", "expr call:count(name(x)) cmp>=(call:count(name(x)), 2)"},
      {"some i, r in input.resources { r.type == null }",
       "some i, r in member(input, resources)\n    expr cmp==(member(name(r), type), null)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    Parsed p = parse_text(std::string("package t\nh {\n  ") + c.source + "\n}\n");
    REQUIRE(p.module);
    CHECK(codes(p.diagnostics) == "");
    std::string dump = dump_ast(*p.module);
    std::string expected = std::string("package t\nhelper h\n  ") + c.dump + "\n";
    if (std::string(c.source).rfind("count", 0) == 0) expected = "package t\nhelper h\n  expr cmp>=(call:count(name(x)), 2)\n";
    CHECK(dump == expected);
  }
}

TEST_CASE("declarations: constants, defaults, helpers, functions, detections") {
  Parsed p = parse_text(R"(package acme.ses
import ses
import acme.common as c
calls := {"A", "B"}
default grp := "other"
grp := "eu" { startswith(input.awsRegion, "eu-") }
f(names) { input.eventName in names }
alert a {
  meta { title: "t" severity: low description: "d" }
  when { f(calls); c.x }
  by input.userIdentity.accessKeyId
  suppress 1h
  output { region: input.awsRegion }
}
sequence s {
  by input.userIdentity.accessKeyId, input.awsRegion
  within 10m
  unordered at_least 2 {
    step one { f(calls) }
    step two absent { f(calls) }
  }
}
sequence t {
  within 1d
  threshold distinct input.awsRegion >= 3 { f(calls) }
}
)");
  REQUIRE(p.module);
  CHECK(codes(p.diagnostics) == "");
  const Module& m = *p.module;
  CHECK(m.package == "acme.ses");
  REQUIRE(m.imports.size() == 2);
  CHECK(m.imports[0].alias == "ses");
  CHECK(m.imports[1].alias == "c");
  CHECK(m.constants.size() == 1);
  CHECK(m.defaults.size() == 1);
  REQUIRE(m.helpers.size() == 2);
  CHECK(m.helpers[0].value != nullptr);
  CHECK(m.helpers[1].is_function);
  REQUIRE(m.detections.size() == 3);
  CHECK(m.detections[0].when.size() == 2);
  CHECK(m.detections[0].suppress->ms == 3'600'000);
  CHECK(m.detections[1].by.size() == 2);
  CHECK(m.detections[1].at_least == 2);
  CHECK(m.detections[1].steps[1].absent);
  CHECK(m.detections[2].within->ms == 86'400'000);
  CHECK(m.detections[2].sequence_kind == SequenceKind::Threshold);
  CHECK(m.detections[2].threshold_min == 3);
  CHECK(m.items.size() == 7);
}

TEST_CASE("syntax errors speak the user's language") {
  struct Case { const char* source; const char* code; const char* message; };
  const Case cases[] = {
      {"package t\nsequence s {\n  within 10\n}\n", "E103", "expected a duration such as `10m` (units: ms, s, m, h, d); found end of line"},
      {"package t\nh {\n  f(1, 2\n}\n", "E101", "expected `,` or `)` (to close `(` at 3:4); found `}`"},
      {"package t\nh {\n  a\n", "E102", "`}` expected (to close `{` at 2:3); statements are separated by new lines or `;`; found end of file"},
      {"package t\nh {\n  x := \"abc\n}\n", "E104", "unterminated string: expected `\"` before the end of the line; found end of line"},
      {"package t\nh {\n  x := \"a\\q\"\n}\n", "E104", "invalid escape in string; use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX (or a raw string in backquotes); found `q`"},
      {"h { a }\n", "E101", "expected `package <name>` at the start of the file; found `h`"},
      {"package t\nh\n", "E101", "expected `:=` or `{` after the name of a helper or constant; found end of file"},
      {"package t\nalert within {}\n", "E108", "`within` is a keyword and cannot be used as a name"},
      {"package t\nalert 5 {}\n", "E101", "expected a name; found `5`"},
      {"package t\nsequence s {\n  within 99999999999999999d\n}\n", "E103", "duration `99999999999999999d` is too large"},
      {"package t\nc := 99999999999999999999\n", "E107", "integer literal does not fit in 64 bits"},
      {"package t\n}\n", "E101", "expected a declaration: a helper, constant, `default`, `alert` or `sequence`; found `}`"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    Parsed p = parse_text(c.source);
    REQUIRE(!p.diagnostics.items().empty());
    CHECK(p.diagnostics.items()[0].code == c.code);
    CHECK(first_message(p) == c.message);
  }
}

TEST_CASE("recovery reports independent errors in several items") {
  Parsed p = parse_text("package t\na {\n  x ==\n}\nb { ok }\nc {\n  f(\n}\nd { fine }\n");
  REQUIRE(p.module);
  CHECK(codes(p.diagnostics) == "E101 E101");
  REQUIRE(p.module->helpers.size() == 2);
  CHECK(p.module->helpers[0].name == "b");
  CHECK(p.module->helpers[1].name == "d");
}

TEST_CASE("error limit stops parsing and says so") {
  std::string text = "package t\n";
  for (int i = 0; i < 80; ++i) text += "h" + std::to_string(i) + " {\n  x ==\n}\n";
  Parsed p = parse_text(text);
  CHECK(p.diagnostics.error_count() == kDefaultErrorLimit);
  CHECK(p.diagnostics.items().back().code == "E106");
}

TEST_CASE("deep nesting is an error, not a crash") {
  for (int depth : {100, 300, 100000}) {
    CAPTURE(depth);
    std::string text = "package t\nh {\n  " + std::string(static_cast<std::size_t>(depth), '(') + "1" +
                       std::string(static_cast<std::size_t>(depth), ')') + "\n}\n";
    Parsed p = parse_text(text);
    if (depth <= static_cast<int>(kMaxNesting)) {
      CHECK(codes(p.diagnostics) == "");
    } else {
      CHECK(codes(p.diagnostics) == "E105");
    }
  }
  std::string chain = "package t\nh {\n  input";
  for (int i = 0; i < 5000; ++i) chain += ".a";
  Parsed p = parse_text(chain + "\n}\n");
  CHECK(codes(p.diagnostics) == "E105");
}

TEST_CASE("large literals parse") {
  std::string big(200000, 'x');
  std::string set = "{";
  for (int i = 0; i < 20000; ++i) set += "\"v" + std::to_string(i) + "\", ";
  set += "\"end\"}";
  Parsed p = parse_text("package t\n" + big + " := \"" + big + "\"\ns := " + set + "\n");
  REQUIRE(p.module);
  CHECK(codes(p.diagnostics) == "");
  CHECK(p.module->constants[0].value->text.size() == big.size());
  CHECK(p.module->constants[1].value->children.size() == 20001);
}

TEST_CASE("comments are kept with their trailing flag") {
  Parsed p = parse_text("# head\npackage t # after package\nh {\n  x := \"#not\" # tail\n  # own\n}\n");
  REQUIRE(p.module);
  REQUIRE(p.module->comments.size() == 4);
  CHECK(p.module->comments[0].text == " head");
  CHECK_FALSE(p.module->comments[0].trailing);
  CHECK(p.module->comments[1].trailing);
  CHECK(p.module->comments[2].text == " tail");
  CHECK(p.module->comments[2].trailing);
  CHECK_FALSE(p.module->comments[3].trailing);
}

TEST_CASE("spans are byte offsets") {
  Parsed p = parse_text("package t\nh {\n  input.eventName\n}\n");
  REQUIRE(p.module);
  const Expr& e = *p.module->helpers[0].body[0].expr;
  CHECK(e.span.begin == 16);
  CHECK(e.span.end == 31);
  CHECK(e.children[0]->span.end == 21);
}

}  // namespace
}  // namespace sesrules::compiler

namespace sesrules::compiler {
namespace {

// Deterministic mutations of the golden inputs: the parser and checks must not
// crash, and whatever parses cleanly must format idempotently.
TEST_CASE("mutated inputs never crash the front end") {
  std::vector<std::string> seeds;
  for (const char* folder : {"/tests/golden/diag", "/tests/golden/fmt"}) {
    std::string dir = std::string(SESRULES_SOURCE_DIR) + folder;
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".rules") seeds.push_back(testing::read_text(entry.path().string()));
    }
  }
  REQUIRE(!seeds.empty());
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = "{}()[]\",.:=#`\n ;ab_0-<>!\\";
  for (int round = 0; round < 600; ++round) {
    std::string text = seeds[next() % seeds.size()];
    for (int edits = 1 + static_cast<int>(next() % 4); edits > 0 && !text.empty(); --edits) {
      std::size_t at = next() % text.size();
      switch (next() % 3) {
        case 0: text.erase(at, 1 + next() % 8); break;
        case 1: text.insert(at, 1, alphabet[next() % alphabet.size()]); break;
        default: text[at] = alphabet[next() % alphabet.size()]; break;
      }
    }
    CAPTURE(text);
    CompileInput input;
    input.files.emplace_back("m.rules", text);
    input.lower = false;
    CompileResult result = compile(std::move(input));
    if (result.modules.size() != 1) continue;
    Diagnostics diagnostics;
    SourceFile file("m.rules", text);
    std::optional<std::string> once = format_source(file, diagnostics);
    if (!once) continue;
    Diagnostics again_diagnostics;
    std::optional<std::string> twice = format_source(SourceFile("m2.rules", *once), again_diagnostics);
    REQUIRE(twice);
    CHECK(*twice == *once);
  }
}

}  // namespace
}  // namespace sesrules::compiler
