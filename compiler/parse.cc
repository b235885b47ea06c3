// parse stage driver: nesting pre-check, header, then one top-level item at a
// time with recovery, plus comment collection. Error positions are absolute byte
// offsets; SyntaxError messages get the opener position and the token found.
// Tested by parse_test.cc and the tests/golden/diag syntax cases.
#include "compiler/parse.h"

#include <array>
#include <cctype>

#include "compiler/grammar.h"
#include "compiler/grammar_errors.h"
#include "compiler/parse_convert.h"
#include "compiler/parse_tree.h"

namespace sesrules::compiler {
namespace {

namespace g = grammar;
namespace pegtl = tao::pegtl;

template <typename Rule>
using Selector = pegtl::parse_tree::selector<
    Rule,
    pegtl::parse_tree::store_content::on<
        g::name, g::dotted_name, g::string_lit, g::raw_string, g::number, g::integer, g::duration, g::kw_true,
        g::kw_false, g::kw_null, g::kw_input, g::set_empty, g::set_lit, g::array_lit, g::paren, g::member_op,
        g::index_op, g::call_op, g::postfix, g::cmp_op, g::compare_tail, g::in_tail, g::expr, g::some_stmt,
        g::every_stmt, g::not_stmt, g::assign_stmt, g::expr_stmt, g::block, g::meta_entry, g::meta_section,
        g::when_section, g::output_entry, g::output_section, g::by_section, g::within_section, g::suppress_section,
        g::until_section, g::step_decl, g::kw_absent, g::ordered_section, g::at_least, g::unordered_section,
        g::kw_count, g::threshold_distinct, g::threshold_section, g::detection_kind, g::detection, g::params,
        g::helper_value, g::constant_or_helper, g::default_decl, g::package_decl, g::import_alias,
        g::import_decl>>;

using Input = pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf, const char*>;

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }

// What the parser saw where it stopped, for "..., found `x`".
std::string describe_found(std::string_view text, std::uint32_t at) {
  if (at >= text.size()) return "found end of file";
  char c = text[at];
  if (c == '\n' || c == '\r') return "found end of line";
  std::size_t end = at + 1;
  if (is_name_start(c) || std::isdigit(static_cast<unsigned char>(c))) {
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
  }
  std::string token(text.substr(at, std::min<std::size_t>(end - at, 40)));
  return "found `" + token + "`";
}

// The word at `at` if it is a reserved keyword (for E108), else "".
std::string keyword_at(std::string_view text, std::uint32_t at) {
  Input in(text.data() + at, text.data() + text.size(), "");
  if (!pegtl::parse<pegtl::seq<g::reserved>>(in)) return {};
  return std::string(text.substr(at, static_cast<std::size_t>(in.current() - (text.data() + at))));
}

void report(const grammar::SyntaxError& error, const SourceFile& file, std::uint32_t file_index,
            Diagnostics& diagnostics) {
  if (error.message == grammar::error_message<g::name>) {
    if (std::string word = keyword_at(file.text(), error.offset); !word.empty()) {
      Span span{file_index, error.offset, error.offset + static_cast<std::uint32_t>(word.size())};
      diagnostics.add(Diagnostic::make(DiagCode::E108, span,
                                       "`" + word + "` is a keyword and cannot be used as a name", "keyword"));
      return;
    }
  }
  std::string message = error.message;
  std::string label = "expected here";
  if (std::size_t at = message.find("%o"); at != std::string::npos) {
    LineCol opener = file.line_col(error.opener);
    message.replace(at, 2, std::to_string(opener.line) + ":" + std::to_string(opener.column));
  }
  message += "; " + describe_found(file.text(), error.offset);
  std::uint32_t at = error.offset;
  // At the end of the file, point just after the last token rather than at a blank last line.
  if (at >= file.text().size()) {
    while (at > 0 && std::isspace(static_cast<unsigned char>(file.text()[at - 1]))) --at;
  }
  std::uint32_t end = at < file.text().size() ? at + 1 : at;
  Diagnostic d = Diagnostic::make(error.code, Span{file_index, at, end}, message, label);
  if (error.has_opener) d.with_secondary(Span{file_index, error.opener, error.opener + 1}, "opened here");
  diagnostics.add(std::move(d));
}

// A set of bytes, for skipping runs of bytes a scan does not care about.
struct ByteSet {
  std::array<bool, 256> member{};
  constexpr explicit ByteSet(std::string_view bytes) {
    for (char c : bytes) member[static_cast<unsigned char>(c)] = true;
  }
  bool contains(char c) const { return member[static_cast<unsigned char>(c)]; }
};

// The index of the next byte after `i` that is in `stop` (or the end).
std::uint32_t skip_to_next(const std::string& text, std::uint32_t i, const ByteSet& stop) {
  while (i + 1 < text.size() && !stop.contains(text[i + 1])) ++i;
  return i;
}

// From an opening quote at `i`: the index of its closing quote, of the end of
// the line, or of the end of the text. A backslash skips the next byte.
std::uint32_t skip_string(const std::string& text, std::uint32_t i) {
  char quote = text[i];
  for (++i; i < text.size() && text[i] != quote && text[i] != '\n'; ++i) {
    if (quote == '"' && text[i] == '\\') ++i;
  }
  return i;
}

// One scan before parsing, skipping strings and comments: collects the comments
// (for fmt) and, since brackets nest through recursive grammar rules, refuses
// deep nesting (E105) instead of risking the stack. Returns false on E105.
// (One pass instead of two: this scan is a noticeable part of compiling large files.)
bool prescan(const SourceFile& file, std::uint32_t file_index, Diagnostics& diagnostics,
             std::vector<Comment>& comments) {
  static constexpr ByteSet kSpecial("\n#\"`([{)]}");
  const std::string& text = file.text();
  std::uint32_t depth = 0;
  bool code_on_line = false;
  for (std::uint32_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      code_on_line = false;
    } else if (c == '#') {
      std::uint32_t begin = i;
      while (i < text.size() && text[i] != '\n') ++i;
      std::uint32_t end = i;
      while (end > begin && (text[end - 1] == '\r' || text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
      comments.push_back(Comment{Span{file_index, begin, end}, text.substr(begin + 1, end - begin - 1), code_on_line});
      code_on_line = false;
    } else if (c == '"' || c == '`') {
      code_on_line = true;
      i = skip_string(text, i);
      if (i < text.size() && text[i] == '\n') code_on_line = false;
    } else if (c == '(' || c == '[' || c == '{') {
      code_on_line = true;
      if (++depth > kMaxNesting) {
        diagnostics.add(Diagnostic::make(DiagCode::E105, Span{file_index, i, i + 1},
                                         "brackets nested too deeply (more than " + std::to_string(kMaxNesting) +
                                             " levels)",
                                         "too deep"));
        return false;
      }
    } else if (c == ')' || c == ']' || c == '}') {
      code_on_line = true;
      if (depth > 0) --depth;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      code_on_line = true;
      i = skip_to_next(text, i, kSpecial);  // nothing before the next special byte changes the state
    }
  }
  return true;
}

// Next line at or after `from` that starts with a name at column 1.
std::uint32_t next_item_start(std::string_view text, std::uint32_t from) {
  for (std::size_t at = text.find('\n', from); at != std::string_view::npos; at = text.find('\n', at + 1)) {
    if (at + 1 < text.size() && is_name_start(text[at + 1])) return static_cast<std::uint32_t>(at + 1);
  }
  return static_cast<std::uint32_t>(text.size());
}

std::uint32_t skip_space(std::string_view text, std::uint32_t at) {
  while (at < text.size()) {
    if (text[at] == '#') {
      while (at < text.size() && text[at] != '\n') ++at;
    } else if (std::isspace(static_cast<unsigned char>(text[at]))) {
      ++at;
    } else {
      break;
    }
  }
  return at;
}

// Parses Rule at `at` into `tree`; returns the root and advances `at`, or
// reports and returns null (then `at` is unchanged).
template <typename Rule>
const detail::Node* parse_piece(const SourceFile& file, std::uint32_t file_index, std::uint32_t& at,
                                detail::TreeState& tree, Diagnostics& diagnostics) {
  const std::string& text = file.text();
  Input in(text.data() + at, text.data() + text.size(), file.path().c_str());
  g::SyntaxState state{text.data(), {}};
  try {
    const detail::Node* root = detail::parse_tree<Rule, Selector>(in, state, tree);
    if (root) at = static_cast<std::uint32_t>(in.current() - text.data());
    return root;
  } catch (const g::SyntaxError& error) {
    report(error, file, file_index, diagnostics);
    return nullptr;
  }
}

}  // namespace

namespace detail {

// Called for every identifier the parser tries as a name, so the keywords are
// grouped by length and only the few of the word's length are compared.
bool is_reserved_word(std::string_view word) {
  static constexpr std::size_t kLongest = 9;
  static constexpr std::string_view kByLength[kLongest + 1][6] = {
      {},
      {},
      {"as", "by", "in"},
      {"not"},
      {"meta", "when", "step", "some", "true", "null"},
      {"alert", "until", "every", "input", "false"},
      {"import", "output", "within", "absent"},
      {"package", "default", "ordered"},
      {"sequence", "at_least", "suppress"},
      {"unordered", "threshold"}};
  if (word.size() > kLongest) return false;
  for (std::string_view keyword : kByLength[word.size()]) {
    if (keyword.empty()) break;
    if (keyword == word) return true;
  }
  return false;
}

}  // namespace detail

std::optional<Module> parse_module(const SourceFile& file, std::uint32_t file_index, Diagnostics& diagnostics) {
  Module module;
  module.file = file_index;
  if (!prescan(file, file_index, diagnostics, module.comments)) return std::nullopt;
  detail::Converter converter(file.text().data(), file_index, diagnostics);
  std::string_view text = file.text();
  std::uint32_t at = 0;
  bool header_ok = false;
  detail::TreeState tree;
  if (auto header = parse_piece<g::header>(file, file_index, at, tree, diagnostics)) {
    header_ok = true;
    for (const auto& child : header->children) {
      if (child->is_type<g::package_decl>()) converter.package(*child, module);
      else converter.import(*child, module);
    }
  } else {
    at = next_item_start(text, at);
  }
  while ((at = skip_space(text, at)) < text.size() && !diagnostics.limit_reached()) {
    std::uint32_t item_begin = at;
    auto item = parse_piece<g::item>(file, file_index, at, tree, diagnostics);
    if (!item) {
      at = next_item_start(text, item_begin);
      continue;
    }
    converter.reset();
    converter.item(*item->children.at(0), module);
  }
  if (!header_ok) return std::nullopt;
  return module;
}

}  // namespace sesrules::compiler
