// The AST of one rule file, as produced by parse and read by resolve, check,
// lower and format. Nodes carry byte-offset Spans into their SourceFile; line
// and column are computed only when rendering (compiler/source.h).
//
// Pipeline position: source -> parse -> [AST] -> resolve -> check -> optimize -> lower.
// The AST keeps comments (Module::comments) so `sesrules fmt` can round-trip them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sesrules::compiler {

struct Span {
  std::uint32_t file = 0;   // index into the compilation's SourceFile list
  std::uint32_t begin = 0;  // byte offset, inclusive
  std::uint32_t end = 0;    // byte offset, exclusive
};

enum class ExprKind : std::uint8_t {
  Null, Bool, Int, Float, String,
  Set,       // {a, b}           children = elements
  Array,     // [a, b]           children = elements
  Input,     // input            the current record
  Name,      // x                local, parameter, constant, helper, step name or import alias; text = name
  Member,    // e.x / e["x"]     children[0] = e; text = key
  Index,     // e[i]             children = {e, i}   (i not a string literal)
  Call,      // f(a, b)          text = callee, possibly qualified ("common.long_term_key"); children = args
  Compare,   // a op b           op; children = {a, b}
  In,        // a in b           children = {a, b}
};

enum class CompareOp : std::uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::Null;
  Span span;
  bool bool_value = false;
  std::int64_t int_value = 0;
  double float_value = 0;
  std::string text;          // string literal (unescaped), name, member key, callee
  CompareOp op = CompareOp::Eq;
  std::vector<ExprPtr> children;
};

struct Stmt;
using Body = std::vector<Stmt>;  // conjunction: every statement must hold

enum class StmtKind : std::uint8_t {
  Expr,    // e                       holds when e is defined and not false
  Not,     // not e                   holds when e does not hold (undefined or false)
  Assign,  // x := e                  binds a local; fails if e is undefined
  Some,    // some x in e { body }    (or `some k, x in e`) holds if body holds for one element
  Every,   // every x in e { body }   holds if body holds for every element (true when empty)
};

struct Stmt {
  StmtKind kind = StmtKind::Expr;
  Span span;
  ExprPtr expr;              // the condition, the assigned value, or the collection
  std::string var;           // Assign target / iteration value variable
  std::string key_var;       // `some k, x in e`: the index or key variable ("" if absent)
  Span var_span;
  Body body;                 // Some / Every
};

struct Param {
  std::string name;
  Span span;
};

// `name := expr` at top level (a constant or constant set).
struct ConstantDecl {
  std::string name;
  Span name_span;
  ExprPtr value;
  Span span;
};

// `default name := literal`.
struct DefaultDecl {
  std::string name;
  Span name_span;
  ExprPtr value;
  Span span;
};

// One definition of a helper: `name { body }`, `name(a, b) { body }`,
// `name := value { body }`, `name(a) := value { body }`. Several definitions of
// one name are alternatives (OR), tried in source order.
struct HelperDecl {
  std::string name;
  Span name_span;
  std::vector<Param> params;
  bool is_function = false;  // written with parentheses (even if empty)
  ExprPtr value;             // null: a boolean helper (true when the body holds)
  Body body;
  Span span;
};

struct MetaEntry {           // `title: "..."` inside meta { }
  std::string key;
  Span key_span;
  ExprPtr value;             // severity is written as a bare name: ExprKind::Name
  Span span;
};

struct OutputDecl {          // `region: input.awsRegion` inside output { }
  std::string name;
  Span name_span;
  ExprPtr value;
  Span span;
};

struct Duration {
  std::int64_t ms = 0;
  std::string text;          // as written: "10m"
  Span span;
};

struct StepDecl {
  std::string name;
  Span name_span;
  bool absent = false;       // `step name absent { ... }`
  Body body;
  Span span;
};

enum class DetectionKind : std::uint8_t { Alert, Sequence };
enum class SequenceKind : std::uint8_t { Ordered, Unordered, Threshold };
enum class ThresholdKind : std::uint8_t { Count, Distinct };

struct DetectionDecl {
  DetectionKind kind = DetectionKind::Alert;
  std::string name;
  Span name_span;
  Span span;
  Span meta_span;
  std::vector<MetaEntry> meta;
  std::vector<OutputDecl> outputs;

  Body when;                           // Alert: the conditions

  std::vector<ExprPtr> by;             // Sequence: key expressions
  std::optional<Duration> within;
  SequenceKind sequence_kind = SequenceKind::Ordered;
  Span sequence_kind_span;
  std::uint32_t at_least = 0;          // `unordered at_least 2 { ... }`; 0 = all steps
  std::vector<StepDecl> steps;         // Threshold: exactly one, named "event"
  std::optional<Body> until;
  Span until_span;
  ThresholdKind threshold_kind = ThresholdKind::Count;
  ExprPtr distinct;                    // `threshold distinct input.awsRegion >= 3 { ... }`
  std::int64_t threshold_min = 0;
  std::optional<Duration> suppress;
  // Whole-section spans (keyword to closing brace), for the formatter and
  // diagnostics; empty when the section is absent.
  Span when_span;
  Span by_span;
  Span output_span;
};

struct ImportDecl {
  std::string package;       // "ses" or "acme.common"
  std::string alias;         // last package segment unless `as x`
  Span span;
};

struct Comment {
  Span span;                 // includes the leading '#'
  std::string text;          // without the '#'
  bool trailing = false;     // on the same line as code before it
};

// Top-level declarations in source order (the formatter needs the order).
struct Item {
  enum class Kind : std::uint8_t { Constant, Default, Helper, Detection } kind;
  std::size_t index;         // into the Module vector of that kind
};

struct Module {
  std::uint32_t file = 0;
  std::string package;
  Span package_span;
  std::vector<ImportDecl> imports;
  std::vector<ConstantDecl> constants;
  std::vector<DefaultDecl> defaults;
  std::vector<HelperDecl> helpers;
  std::vector<DetectionDecl> detections;
  std::vector<Item> items;
  std::vector<Comment> comments;
};

}  // namespace sesrules::compiler
