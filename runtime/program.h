// Program: the compiled form of a rule set, produced by compiler/ and executed by
// runtime/. This header is the whole contract between the two: the compiler
// includes only this file and opcodes.def from runtime/.
//
// A Program is immutable once built and safe to share between threads.
// Functions hold bytecode (see opcodes.def); rules refer to functions by index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/value.h"

namespace sesrules::runtime {

enum class Op : std::uint8_t {
#define SES_OP(name, operand, stack, meaning) name,
#include "runtime/opcodes.def"
#undef SES_OP
};

struct Instr {
  Op op;
  std::uint8_t flags = 0;
  std::uint16_t b = 0;  // secondary operand (argument count, step index, ...)
  std::uint32_t a = 0;  // primary operand (see the operand kind in opcodes.def)
};

inline constexpr std::uint32_t kNoFunction = 0xffffffffu;

// A source position for disassembly and runtime messages.
struct SourcePos {
  std::uint32_t file = 0;  // index into Program::source_files
  std::uint32_t line = 0;  // 1-based
  std::uint32_t column = 0;
};

// A compiled function: a helper, a rule body, a step predicate, an output field
// expression. Code is code[entry, entry + length). Returns a Value; a failed
// body returns Undefined.
struct Function {
  std::string name;            // for disassembly: "ses.long_term_key", "ses.rule#step.list"
  std::uint32_t entry = 0;
  std::uint32_t length = 0;
  std::uint16_t params = 0;
  std::uint16_t locals = 0;    // including params
};

struct Constant {             // owned constant pool entry
  Kind kind = Kind::Null;     // Null, Bool, Int, Float, String
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string text;
};

enum class Severity : std::uint8_t { Info, Low, Medium, High, Critical };
const char* severity_name(Severity s);

enum class RuleKind : std::uint8_t { Single, Ordered, Unordered, Threshold };
enum class ThresholdKind : std::uint8_t { Count, Distinct };

// Field of an earlier step that a later step, `until` or an output refers to
// (`list.sourceIPAddress`): the sequence engine keeps it with the partial match.
struct Capture {
  std::uint32_t step = 0;   // which step's event
  std::uint32_t slot = 0;   // field slot of that event
};

struct Step {
  std::string name;
  // Predicate over the current record alone: evaluated in parallel, before the
  // sequence engine. kNoFunction never happens for a real step.
  std::uint32_t local_fn = kNoFunction;
  // Conditions that read earlier steps' captures (LoadCapture); evaluated by the
  // sequence engine against a candidate partial match. kNoFunction if none.
  std::uint32_t relation_fn = kNoFunction;
  bool absent = false;      // "no such event within the window" (last ordered step only)
};

struct OutputField {
  std::string name;
  std::uint32_t fn = kNoFunction;  // may read captures in sequence rules
};

struct Rule {
  std::string name;          // qualified: "ses.get_account_long_term_key"
  std::string title;
  Severity severity = Severity::Medium;
  std::string description;
  std::vector<std::string> mitre;
  std::vector<std::string> references;
  std::vector<std::string> tags;
  std::string version;       // hash of the rule's source text: checkpoints, alert ids
  SourcePos pos;

  RuleKind kind = RuleKind::Single;
  std::uint32_t predicate_fn = kNoFunction;   // Single only
  std::vector<std::uint32_t> key_fns;          // sequences: `by` expressions
  std::int64_t within_ms = 0;
  std::vector<Step> steps;                     // Ordered/Unordered/Threshold (1 step)
  std::uint32_t min_steps = 0;                 // Unordered "at_least k"; 0 = all
  std::uint32_t until_fn = kNoFunction;
  ThresholdKind threshold_kind = ThresholdKind::Count;
  std::uint32_t distinct_fn = kNoFunction;     // Threshold/Distinct: the value counted
  std::int64_t threshold_min = 0;              // fire when count >= threshold_min
  std::int64_t suppress_ms = 0;                // 0 = no suppression
  std::vector<Capture> captures;               // what partial matches must keep
  std::vector<OutputField> outputs;
};

// Dispatch: which rules/steps a record can match, by (eventSource, eventName).
// An empty source or name is a wildcard. A target is (rule index, step index);
// step index kWholeRule for the predicate of a Single rule, kUntilStep for until.
inline constexpr std::uint32_t kWholeRule = 0xffffffffu;
inline constexpr std::uint32_t kUntilStep = 0xfffffffeu;
struct DispatchTarget {
  std::uint32_t rule = 0;
  std::uint32_t step = kWholeRule;
};
struct DispatchEntry {
  std::string event_source;  // "" = any
  std::string event_name;    // "" = any
  std::vector<DispatchTarget> targets;
};

struct Program {
  static constexpr std::uint32_t kFormatVersion = 2;  // 2: superinstructions (EqFieldConst ... ReturnHolds)

  std::vector<std::string> source_files;
  std::vector<Instr> code;
  std::vector<SourcePos> code_pos;             // parallel to code
  std::vector<Function> functions;
  std::vector<Constant> constants;
  std::vector<std::vector<std::string>> string_sets;  // sorted, unique
  std::vector<std::string> regexes;            // RE2 patterns, compiled by the VM at load
  std::vector<std::string> globs;
  std::vector<std::string> cidrs;
  // Field paths read by the program; index = slot. Begins with kStdSlotPaths.
  // A path is a list of object keys: {"userIdentity", "accessKeyId"}.
  std::vector<std::vector<std::string>> fields;
  std::vector<Rule> rules;
  std::vector<DispatchEntry> dispatch;
  // Prefilter: literal strings at least one of which occurs in the raw bytes of
  // any record that some rule can match. Empty with prefilter_complete = false
  // means "no prefilter possible" (some rule matches records with no literal).
  std::vector<std::string> atoms;
  bool prefilter_complete = false;
};

}  // namespace sesrules::runtime
