// Syntax error sentences, one per rule that appears inside must<>, in the
// user's words (never a C++ rule name). error_control<> raises them; a rule used
// in must<> without a sentence here fails to compile (static_assert in raise).
// Closing brackets name their opener ("`}` expected (to close `{` at 4:12)"):
// rules listed as openers push their start offset in SyntaxState.
// Tested by parse_test.cc (messages) and the tests/golden/diag syntax cases.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/diagnostics.h"
#include "compiler/grammar.h"

namespace sesrules::compiler::grammar {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off
template <> inline constexpr const char* error_message<escape_char> = "invalid escape in string; use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX (or a raw string in backquotes)";
template <> inline constexpr const char* error_message<string_close> = "unterminated string: expected `\"` before the end of the line";
template <> inline constexpr const char* error_message<raw_string_close> = "unterminated raw string: expected a closing backquote";
template <> inline constexpr const char* error_message<expr> = "expected an expression";
template <> inline constexpr const char* error_message<operand> = "expected a value after the operator";
template <> inline constexpr const char* error_message<name> = "expected a name";
template <> inline constexpr const char* error_message<dotted_name> = "expected a package name such as `acme.ses`";
template <> inline constexpr const char* error_message<kw_in> = "expected `in` after the loop variable";
template <> inline constexpr const char* error_message<block> = "expected `{` to start a block of conditions";
template <> inline constexpr const char* error_message<entry_colon> = "expected `:` after the field name";
template <> inline constexpr const char* error_message<meta_body> = "expected `{` after `meta`";
template <> inline constexpr const char* error_message<output_body> = "expected `{` after `output`";
template <> inline constexpr const char* error_message<steps_body> = "expected `{` with one or more `step name { ... }`";
template <> inline constexpr const char* error_message<step_decl> = "expected `step name { ... }`";
template <> inline constexpr const char* error_message<duration> = "expected a duration such as `10m` (units: ms, s, m, h, d)";
template <> inline constexpr const char* error_message<integer> = "expected a whole number";
template <> inline constexpr const char* error_message<threshold_measure> = "expected `count` or `distinct <field>` after `threshold`";
template <> inline constexpr const char* error_message<threshold_ge> = "expected `>=` and a number in a threshold";
template <> inline constexpr const char* error_message<detection_body> = "expected `{` after the detection name";
template <> inline constexpr const char* error_message<helper_rest> = "expected `:=` or `{` after the name of a helper or constant";
template <> inline constexpr const char* error_message<assign_op> = "expected `:=` after the name";
template <> inline constexpr const char* error_message<item_start> = "expected a declaration: a helper, constant, `default`, `alert` or `sequence`";
template <> inline constexpr const char* error_message<package_decl> = "expected `package <name>` at the start of the file";
// Closers: %o is replaced by the opener's line:column.
template <> inline constexpr const char* error_message<paren_close> = "`)` expected (to close `(` at %o)";
template <> inline constexpr const char* error_message<bracket_close> = "`]` expected (to close `[` at %o)";
template <> inline constexpr const char* error_message<set_close> = "expected `,` or `}` (to close `{` at %o)";
template <> inline constexpr const char* error_message<array_close> = "expected `,` or `]` (to close `[` at %o)";
template <> inline constexpr const char* error_message<args_close> = "expected `,` or `)` (to close `(` at %o)";
template <> inline constexpr const char* error_message<brace_close> = "`}` expected (to close `{` at %o)";
template <> inline constexpr const char* error_message<block_close> = "`}` expected (to close `{` at %o); statements are separated by new lines or `;`";
template <> inline constexpr const char* error_message<detection_close> = "`}` expected (to close `{` at %o); a detection holds meta, when, by, within, ordered, unordered, threshold, until, suppress and output sections";
// clang-format on

template <typename Rule> inline constexpr bool is_closer = false;
template <> inline constexpr bool is_closer<paren_close> = true;
template <> inline constexpr bool is_closer<bracket_close> = true;
template <> inline constexpr bool is_closer<brace_close> = true;
template <> inline constexpr bool is_closer<set_close> = true;
template <> inline constexpr bool is_closer<array_close> = true;
template <> inline constexpr bool is_closer<args_close> = true;
template <> inline constexpr bool is_closer<block_close> = true;
template <> inline constexpr bool is_closer<detection_close> = true;

template <typename Rule> inline constexpr bool is_opener = false;
template <> inline constexpr bool is_opener<paren> = true;
template <> inline constexpr bool is_opener<set_lit> = true;
template <> inline constexpr bool is_opener<array_lit> = true;
template <> inline constexpr bool is_opener<index_op> = true;
template <> inline constexpr bool is_opener<call_op> = true;
template <> inline constexpr bool is_opener<params> = true;
template <> inline constexpr bool is_opener<block> = true;
template <> inline constexpr bool is_opener<meta_body> = true;
template <> inline constexpr bool is_opener<output_body> = true;
template <> inline constexpr bool is_opener<steps_body> = true;
template <> inline constexpr bool is_opener<detection_body> = true;

template <typename Rule> inline constexpr DiagCode error_code = DiagCode::E101;
template <> inline constexpr DiagCode error_code<escape_char> = DiagCode::E104;
template <> inline constexpr DiagCode error_code<string_close> = DiagCode::E104;
template <> inline constexpr DiagCode error_code<raw_string_close> = DiagCode::E104;
template <> inline constexpr DiagCode error_code<duration> = DiagCode::E103;

// Per-parse state threaded through the control: the text base (so offsets are
// absolute) and the stack of open brackets.
struct SyntaxState {
  const char* text_begin = nullptr;
  std::vector<std::uint32_t> openers;
};

// Thrown by error_control::raise and caught in parse.cc (never escapes parse).
struct SyntaxError {
  DiagCode code;
  std::uint32_t offset;           // where the error was noticed
  std::string message;            // may contain %o (opener position, filled by parse.cc)
  std::uint32_t opener = 0;       // offset of the unclosed opener when is_closer
  bool has_opener = false;
};

template <typename Rule>
struct error_control : pegtl::normal<Rule> {
  template <typename Input>
  static std::uint32_t offset(const Input& in, const SyntaxState& state) {
    return static_cast<std::uint32_t>(in.current() - state.text_begin);
  }
  template <typename Input, typename... States>
  static void start(const Input& in, SyntaxState& state, States&&...) {
    if constexpr (is_opener<Rule>) state.openers.push_back(offset(in, state));
  }
  template <typename Input, typename... States>
  static void success(const Input&, SyntaxState& state, States&&...) {
    if constexpr (is_opener<Rule>) state.openers.pop_back();
  }
  template <typename Input, typename... States>
  static void failure(const Input&, SyntaxState& state, States&&...) {
    if constexpr (is_opener<Rule>) state.openers.pop_back();
  }
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, SyntaxState& state, States&&...) {
    static_assert(error_message<Rule> != nullptr, "every must<> rule needs a sentence in grammar_errors.h");
    SyntaxError error{error_code<Rule>, offset(in, state), error_message<Rule>, 0, false};
    if constexpr (is_closer<Rule>) {
      if (!state.openers.empty()) {
        error.opener = state.openers.back();
        error.has_opener = true;
        if (in.empty()) error.code = DiagCode::E102;
      }
    }
    throw error;
  }
};

}  // namespace sesrules::compiler::grammar
