// The sesrules grammar in PEGTL 3.2.7, one rule per non-terminal of
// grammar/sesrules.peg (the text docs/language.md quotes). parse.cc runs
// `header` once and then `item` repeatedly so it can recover between top-level
// items; `file` is the whole grammar for analysis (parse_test.cc asserts
// tao::pegtl::analyze<file>() finds no problems).
//
// Every must<> names a rule that has a sentence in grammar_errors.h. Rules whose
// first character opens a bracket are listed in is_opener<> (grammar_errors.h)
// so that an unclosed bracket names where it was opened.
// Newlines end statements: binary operators must stay on the line of their left
// operand (ws_inline before them), while brackets may span lines.
#pragma once

#include <string_view>

#include <tao/pegtl.hpp>

namespace sesrules::compiler::grammar {

namespace pegtl = tao::pegtl;
using pegtl::at;
using pegtl::eof;
using pegtl::if_must;
using pegtl::list;
using pegtl::must;
using pegtl::not_at;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::rep;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;
using pegtl::string;
using pegtl::until;

// ---- lexical ------------------------------------------------------------
struct comment : seq<one<'#'>, star<pegtl::not_one<'\n'>>> {};
struct ws_inline : star<sor<one<' ', '\t', '\r'>, comment>> {};
struct ws : star<sor<pegtl::space, comment>> {};

struct kw_package : TAO_PEGTL_KEYWORD("package") {};
struct kw_import : TAO_PEGTL_KEYWORD("import") {};
struct kw_as : TAO_PEGTL_KEYWORD("as") {};
struct kw_default : TAO_PEGTL_KEYWORD("default") {};
struct kw_alert : TAO_PEGTL_KEYWORD("alert") {};
struct kw_sequence : TAO_PEGTL_KEYWORD("sequence") {};
struct kw_meta : TAO_PEGTL_KEYWORD("meta") {};
struct kw_when : TAO_PEGTL_KEYWORD("when") {};
struct kw_output : TAO_PEGTL_KEYWORD("output") {};
struct kw_by : TAO_PEGTL_KEYWORD("by") {};
struct kw_within : TAO_PEGTL_KEYWORD("within") {};
struct kw_ordered : TAO_PEGTL_KEYWORD("ordered") {};
struct kw_unordered : TAO_PEGTL_KEYWORD("unordered") {};
struct kw_at_least : TAO_PEGTL_KEYWORD("at_least") {};
struct kw_threshold : TAO_PEGTL_KEYWORD("threshold") {};
struct kw_count : TAO_PEGTL_KEYWORD("count") {};        // contextual: also a builtin
struct kw_distinct : TAO_PEGTL_KEYWORD("distinct") {};  // contextual
struct kw_step : TAO_PEGTL_KEYWORD("step") {};
struct kw_absent : TAO_PEGTL_KEYWORD("absent") {};
struct kw_until : TAO_PEGTL_KEYWORD("until") {};
struct kw_suppress : TAO_PEGTL_KEYWORD("suppress") {};
struct kw_some : TAO_PEGTL_KEYWORD("some") {};
struct kw_every : TAO_PEGTL_KEYWORD("every") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_input : TAO_PEGTL_KEYWORD("input") {};
struct kw_true : TAO_PEGTL_KEYWORD("true") {};
struct kw_false : TAO_PEGTL_KEYWORD("false") {};
struct kw_null : TAO_PEGTL_KEYWORD("null") {};

struct reserved
    : sor<kw_package, kw_import, kw_as, kw_default, kw_alert, kw_sequence, kw_meta, kw_when, kw_output, kw_by,
          kw_within, kw_ordered, kw_unordered, kw_at_least, kw_threshold, kw_step, kw_absent, kw_until,
          kw_suppress, kw_some, kw_every, kw_in, kw_not, kw_input, kw_true, kw_false, kw_null> {};

// name <- !reserved [A-Za-z_][A-Za-z0-9_]*
struct name : seq<not_at<reserved>, pegtl::identifier> {};
struct dotted_name : list<name, one<'.'>> {};

// string <- '"' (escape / [^"\\\n])* '"'
struct escape_char : sor<one<'"', '\\', '/', 'b', 'f', 'n', 'r', 't'>, seq<one<'u'>, rep<4, pegtl::xdigit>>> {};
struct escape : seq<one<'\\'>, must<escape_char>> {};
struct string_char : sor<escape, pegtl::not_one<'"', '\\', '\n'>> {};
struct string_close : one<'"'> {};
struct string_lit : seq<one<'"'>, star<string_char>, must<string_close>> {};
struct raw_string_close : one<'`'> {};
struct raw_string : seq<one<'`'>, star<pegtl::not_one<'`'>>, must<raw_string_close>> {};

struct fraction : seq<one<'.'>, plus<pegtl::digit>> {};
struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, plus<pegtl::digit>> {};
struct number : seq<opt<one<'-'>>, plus<pegtl::digit>, opt<fraction>, opt<exponent>, not_at<pegtl::identifier_other>> {};
struct integer : seq<plus<pegtl::digit>, not_at<pegtl::identifier_other>> {};
// duration <- [0-9]+ ('ms' / 's' / 'm' / 'h' / 'd')
struct duration_unit : sor<string<'m', 's'>, one<'s', 'm', 'h', 'd'>> {};
struct duration : seq<plus<pegtl::digit>, duration_unit, not_at<pegtl::identifier_other>> {};

// ---- expressions ----------------------------------------------------------
struct expr;
struct operand;
struct paren_close : one<')'> {};
struct bracket_close : one<']'> {};
struct brace_close : one<'}'> {};
struct set_close : one<'}'> {};
struct array_close : one<']'> {};
struct args_close : one<')'> {};
struct comma : seq<ws, one<','>, ws> {};

struct set_empty : seq<string<'s', 'e', 't'>, one<'('>, ws, one<')'>> {};
struct paren : seq<one<'('>, ws, must<expr>, ws, must<paren_close>> {};
// set <- '{' expr (',' expr)* ','? '}'
struct set_lit : seq<one<'{'>, ws, must<expr>, star<comma, expr>, opt<comma>, ws, must<set_close>> {};
struct array_lit : seq<one<'['>, ws, opt<expr, star<comma, expr>, opt<comma>>, ws, must<array_close>> {};
struct literal : sor<string_lit, raw_string, number, kw_true, kw_false, kw_null> {};
struct primary : sor<literal, kw_input, set_empty, name, paren, set_lit, array_lit> {};

struct member_op : seq<one<'.'>, must<name>> {};
struct index_op : seq<one<'['>, ws, must<expr>, ws, must<bracket_close>> {};
struct call_args : opt<expr, star<comma, expr>, opt<comma>> {};
struct call_op : seq<one<'('>, ws, call_args, ws, must<args_close>> {};
// postfix <- primary ('.' name / '[' expr ']' / '(' args ')')*
struct postfix : seq<primary, star<sor<member_op, index_op, call_op>>> {};
struct operand : seq<postfix> {};

struct cmp_op : sor<string<'=', '='>, string<'!', '='>, string<'<', '='>, string<'>', '='>, one<'<'>, one<'>'>> {};
struct compare_tail : seq<ws_inline, cmp_op, ws, must<operand>> {};
struct in_tail : seq<ws_inline, kw_in, ws, must<operand>> {};
// expr <- operand (cmp_op operand / 'in' operand)?
struct expr : seq<postfix, opt<sor<compare_tail, in_tail>>> {};

// ---- statements -------------------------------------------------------------
struct block;
struct assign_op : string<':', '='> {};
struct loop_vars : seq<must<name>, opt<comma, must<name>>> {};
struct some_stmt : seq<kw_some, ws, loop_vars, ws, must<kw_in>, ws, must<expr>, ws, must<block>> {};
struct every_stmt : seq<kw_every, ws, loop_vars, ws, must<kw_in>, ws, must<expr>, ws, must<block>> {};
struct not_stmt : seq<kw_not, ws, must<expr>> {};
struct assign_stmt : seq<name, ws_inline, assign_op, ws, must<expr>> {};
struct expr_stmt : seq<expr> {};
struct stmt : sor<some_stmt, every_stmt, not_stmt, assign_stmt, expr_stmt> {};
// sep <- (ws_inline (';' / newline))+  -- newlines and semicolons end statements
struct sep : seq<ws_inline, one<';', '\n'>, star<sor<pegtl::space, comment, one<';'>>>> {};
struct block_close : one<'}'> {};
struct block : seq<one<'{'>, ws, opt<stmt, star<sep, stmt>>, ws, must<block_close>> {};

// ---- detections -----------------------------------------------------------------
struct entry_colon : one<':'> {};
struct meta_entry : seq<name, ws, must<entry_colon>, ws, must<expr>> {};
struct meta_body : seq<one<'{'>, ws, star<meta_entry, ws>, must<brace_close>> {};
struct meta_section : seq<kw_meta, ws, must<meta_body>> {};
struct when_section : seq<kw_when, ws, must<block>> {};
struct output_entry : seq<name, ws, must<entry_colon>, ws, must<expr>> {};
struct output_body : seq<one<'{'>, ws, star<output_entry, ws>, must<brace_close>> {};
struct output_section : seq<kw_output, ws, must<output_body>> {};
struct by_section : seq<kw_by, ws, must<expr>, star<seq<ws_inline, one<','>, ws>, must<expr>>> {};
struct within_section : seq<kw_within, ws, must<duration>> {};
struct suppress_section : seq<kw_suppress, ws, must<duration>> {};
struct until_section : seq<kw_until, ws, must<block>> {};
struct step_decl : seq<kw_step, ws, must<name>, opt<ws, kw_absent>, ws, must<block>> {};
struct steps_body : seq<one<'{'>, ws, must<step_decl>, star<ws, step_decl>, ws, must<brace_close>> {};
struct ordered_section : seq<kw_ordered, ws, must<steps_body>> {};
struct at_least : seq<kw_at_least, ws, must<integer>> {};
struct unordered_section : seq<kw_unordered, opt<ws, at_least>, ws, must<steps_body>> {};
struct threshold_distinct : seq<kw_distinct, ws, must<operand>> {};
struct threshold_measure : sor<kw_count, threshold_distinct> {};
struct threshold_ge : string<'>', '='> {};
struct threshold_section
    : seq<kw_threshold, ws, must<threshold_measure>, ws, must<threshold_ge>, ws, must<integer>, ws, must<block>> {};
struct section : sor<meta_section, when_section, output_section, by_section, within_section, ordered_section,
                     unordered_section, threshold_section, until_section, suppress_section> {};
struct detection_close : one<'}'> {};
struct detection_body : seq<one<'{'>, ws, star<section, ws>, must<detection_close>> {};
struct detection_kind : sor<kw_alert, kw_sequence> {};
struct detection : seq<detection_kind, ws, must<name>, ws, must<detection_body>> {};

// ---- top level --------------------------------------------------------------------
struct params : seq<one<'('>, ws, opt<name, star<comma, must<name>>>, ws, must<paren_close>> {};
struct helper_value : seq<ws_inline, assign_op, ws, must<expr>> {};
struct helper_rest : sor<seq<helper_value, opt<ws_inline, block>>, seq<ws, block>> {};
// constant_or_helper <- name params? (':=' expr)? block?   (at least one of the two)
struct constant_or_helper : seq<name, opt<params>, must<helper_rest>> {};
struct default_decl : seq<kw_default, ws, must<name>, ws, must<assign_op>, ws, must<expr>> {};
struct item_start : sor<default_decl, detection, constant_or_helper> {};
struct item : seq<ws, must<item_start>> {};

struct package_decl : seq<kw_package, ws, must<dotted_name>> {};
struct import_alias : seq<kw_as, ws, must<name>> {};
struct import_decl : seq<kw_import, ws, must<dotted_name>, opt<ws_inline, import_alias>> {};
struct header : seq<ws, must<package_decl>, star<ws, import_decl>> {};

// The whole grammar, for analysis and documentation; parse.cc drives header/item.
struct file : seq<header, star<ws, item_start>, ws, eof> {};

// The bytes some often-tried rules can start with; none of them matches empty.
// The parse-tree builder (parse_tree.h) fails them at once on any other byte,
// without running the alternatives' hooks. Checked by parse_test.cc.
template <typename Rule>
inline constexpr std::string_view first_chars{};  // not listed
template <> inline constexpr std::string_view first_chars<string_lit> = "\"";
template <> inline constexpr std::string_view first_chars<raw_string> = "`";
template <> inline constexpr std::string_view first_chars<number> = "-0123456789";
template <> inline constexpr std::string_view first_chars<kw_true> = "t";
template <> inline constexpr std::string_view first_chars<kw_false> = "f";
template <> inline constexpr std::string_view first_chars<kw_null> = "n";
template <> inline constexpr std::string_view first_chars<literal> = "\"`-0123456789tfn";
template <> inline constexpr std::string_view first_chars<kw_input> = "i";
template <> inline constexpr std::string_view first_chars<set_empty> = "s";
template <> inline constexpr std::string_view first_chars<paren> = "(";
template <> inline constexpr std::string_view first_chars<set_lit> = "{";
template <> inline constexpr std::string_view first_chars<array_lit> = "[";
template <> inline constexpr std::string_view first_chars<member_op> = ".";
template <> inline constexpr std::string_view first_chars<index_op> = "[";
template <> inline constexpr std::string_view first_chars<call_op> = "(";
template <> inline constexpr std::string_view first_chars<some_stmt> = "s";
template <> inline constexpr std::string_view first_chars<every_stmt> = "e";
template <> inline constexpr std::string_view first_chars<not_stmt> = "n";
template <> inline constexpr std::string_view first_chars<meta_section> = "m";
template <> inline constexpr std::string_view first_chars<when_section> = "w";
template <> inline constexpr std::string_view first_chars<output_section> = "o";
template <> inline constexpr std::string_view first_chars<by_section> = "b";
template <> inline constexpr std::string_view first_chars<within_section> = "w";
template <> inline constexpr std::string_view first_chars<ordered_section> = "o";
template <> inline constexpr std::string_view first_chars<unordered_section> = "u";
template <> inline constexpr std::string_view first_chars<threshold_section> = "t";
template <> inline constexpr std::string_view first_chars<until_section> = "u";
template <> inline constexpr std::string_view first_chars<suppress_section> = "s";

}  // namespace sesrules::compiler::grammar
