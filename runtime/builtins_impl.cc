// Builtin implementations (rows of compiler/builtins.def). Tested by builtins_test.cc.
#include "runtime/builtins_impl.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <immintrin.h>

#include <re2/re2.h>
#include <simdjson.h>

#include "runtime/loaded_program.h"

namespace sesrules::runtime {
namespace {

struct BuiltinRow {
  const char* name;
  std::uint32_t arity;
};
constexpr BuiltinRow kRows[] = {
#define SES_BUILTIN(name, arity, arg0, arg1, result, const0, meaning) {#name, arity},
#include "compiler/builtins.def"
#undef SES_BUILTIN
};

std::int64_t utf8_length(std::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; });
}

bool both_strings(std::span<const Value> args) {
  return args[0].kind == Kind::String && args[1].kind == Kind::String;
}

Value change_case(const Value& s, Arena& arena, bool upper) {
  if (s.kind != Kind::String) return Value::undefined();
  char* out = arena.allocate_array<char>(s.size);
  for (std::uint32_t i = 0; i < s.size; ++i) {
    char c = s.chars[i];
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out[i] = c;
  }
  return Value::from_string({out, s.size});
}

Value to_number(const Value& v) {
  switch (v.kind) {
    case Kind::Int:
    case Kind::Float: return v;
    case Kind::Bool: return Value::from_int(v.boolean ? 1 : 0);
    case Kind::String: {
      const char* end = v.chars + v.size;
      std::int64_t i = 0;
      auto r = std::from_chars(v.chars, end, i);
      if (r.ec == std::errc() && r.ptr == end && v.size > 0) return Value::from_int(i);
      double d = 0;
      auto rd = std::from_chars(v.chars, end, d);
      if (rd.ec == std::errc() && rd.ptr == end && v.size > 0) return Value::from_double(d);
      return Value::undefined();
    }
    default: return Value::undefined();
  }
}

Value from_json(simdjson::dom::element e, Arena& arena) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::NULL_VALUE: return Value::null();
    case element_type::BOOL: return Value::from_bool(e.get_bool().value_unsafe());
    case element_type::INT64: return Value::from_int(e.get_int64().value_unsafe());
    case element_type::UINT64: return Value::from_double(static_cast<double>(e.get_uint64().value_unsafe()));
    case element_type::DOUBLE: return Value::from_double(e.get_double().value_unsafe());
    case element_type::STRING: return Value::from_string(arena.copy_string(e.get_string().value_unsafe()));
    case element_type::ARRAY: {
      simdjson::dom::array array = e.get_array().value_unsafe();
      auto n = static_cast<std::uint32_t>(array.size());
      Value* items = arena.allocate_array<Value>(n);
      std::uint32_t i = 0;
      for (simdjson::dom::element child : array) new (&items[i++]) Value(from_json(child, arena));
      return Value::from_array(items, n);
    }
    case element_type::OBJECT: {
      simdjson::dom::object object = e.get_object().value_unsafe();
      auto n = static_cast<std::uint32_t>(object.size());
      Member* members = arena.allocate_array<Member>(n);
      std::uint32_t i = 0;
      for (auto field : object) {
        new (&members[i++]) Member{arena.copy_string(field.key), from_json(field.value, arena)};
      }
      return Value::from_object(members, n);
    }
  }
  return Value::undefined();
}

Value json_decode(const Value& s, Arena& arena, BuiltinScratch& scratch) {
  if (s.kind != Kind::String) return Value::undefined();
  simdjson::dom::element root;
  if (scratch.json_parser().parse(s.chars, s.size).get(root) != simdjson::SUCCESS) return Value::undefined();
  return from_json(root, arena);
}

Value type_test(Builtin which, const Value& v) {
  switch (which) {
    case Builtin::is_string: return Value::from_bool(v.kind == Kind::String);
    case Builtin::is_number: return Value::from_bool(v.kind == Kind::Int || v.kind == Kind::Float);
    case Builtin::is_bool: return Value::from_bool(v.kind == Kind::Bool);
    case Builtin::is_array: return Value::from_bool(v.kind == Kind::Array || v.kind == Kind::Set);
    case Builtin::is_object: return Value::from_bool(v.kind == Kind::Object);
    default: return Value::from_bool(v.kind == Kind::Null);
  }
}

}  // namespace

const char* builtin_name(std::uint32_t index) { return index < kBuiltinCount ? kRows[index].name : "?"; }
std::uint32_t builtin_arity(std::uint32_t index) { return index < kBuiltinCount ? kRows[index].arity : 0; }

// memchr finds candidates by the first byte; the last byte is checked before
// memcmp because a first byte such as the "s" of "scanner-" recurs in most
// user agents.
namespace {

// memchr for the first needle byte, then the last byte, then the rest.
bool contains_scalar(std::string_view text, std::string_view needle) {
  const char* p = text.data();
  const char* last_start = text.data() + (text.size() - needle.size());
  std::size_t tail = needle.size() - 1;
  while (p <= last_start) {
    p = static_cast<const char*>(std::memchr(p, needle[0], static_cast<std::size_t>(last_start - p) + 1));
    if (p == nullptr) return false;
    if (p[tail] == needle[tail] && std::memcmp(p + 1, needle.data() + 1, tail) == 0) return true;
    ++p;
  }
  return false;
}

// Starts b .. b + 31 of `needle` in `text`: a start is compared in full only when
// both its first and its last byte match. Reads text[b, b + 32 + n - 1).
__attribute__((target("avx2"))) bool block_has_avx2(std::string_view text, std::string_view needle, std::size_t b) {
  const std::size_t n = needle.size();
  const __m256i head = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text.data() + b));
  const __m256i tail = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text.data() + b + n - 1));
  auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(
      _mm256_cmpeq_epi8(head, _mm256_set1_epi8(needle.front())), _mm256_cmpeq_epi8(tail, _mm256_set1_epi8(needle.back())))));
  for (; mask != 0; mask &= mask - 1) {
    const std::size_t at = b + static_cast<std::size_t>(__builtin_ctz(mask));
    if (n <= 2 || std::memcmp(text.data() + at + 1, needle.data() + 1, n - 2) == 0) return true;
  }
  return false;
}

// Texts shorter than one block of starts go to contains_scalar.
__attribute__((target("avx2"))) bool contains_avx2(std::string_view text, std::string_view needle) {
  const std::size_t n = needle.size(), span = 32 + n - 1;  // bytes a block of starts reads
  if (text.size() < span) return contains_scalar(text, needle);
  std::size_t b = 0;
  for (; b + span <= text.size(); b += 32) {
    if (block_has_avx2(text, needle, b)) return true;
  }
  // The starts left over: one more block ending at the text's end, overlapping the last.
  return b + n <= text.size() && block_has_avx2(text, needle, text.size() - span);
}

const bool kContainsAvx2 = __builtin_cpu_supports("avx2");

}  // namespace

bool contains_bytes(std::string_view text, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > text.size()) return false;
  return kContainsAvx2 ? contains_avx2(text, needle) : contains_scalar(text, needle);
}

BuiltinScratch::BuiltinScratch() = default;
BuiltinScratch::~BuiltinScratch() = default;

simdjson::dom::parser& BuiltinScratch::json_parser() {
  if (!parser_) parser_ = std::make_unique<simdjson::dom::parser>();
  return *parser_;
}

std::uint32_t collection_size(const Value& v, const LoadedProgram& program) {
  if (v.kind == Kind::Set) return static_cast<std::uint32_t>(program.program().string_sets[v.set_id].size());
  return v.size;
}

bool values_equal(const Value& a, const Value& b, const LoadedProgram& program) {
  if (a.kind == Kind::Int && b.kind == Kind::Float) return static_cast<double>(a.integer) == b.number;
  if (a.kind == Kind::Float && b.kind == Kind::Int) return a.number == static_cast<double>(b.integer);
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::Undefined:
    case Kind::Null: return true;
    case Kind::Bool: return a.boolean == b.boolean;
    case Kind::Int: return a.integer == b.integer;
    case Kind::Float: return a.number == b.number;
    case Kind::String: return a.str() == b.str();
    case Kind::Set: return program.program().string_sets[a.set_id] == program.program().string_sets[b.set_id];
    case Kind::Array:
      if (a.size != b.size) return false;
      for (std::uint32_t i = 0; i < a.size; ++i) {
        if (!values_equal(a.items[i], b.items[i], program)) return false;
      }
      return true;
    case Kind::Object:
      if (a.size != b.size) return false;
      for (std::uint32_t i = 0; i < a.size; ++i) {
        const Member* end = b.members + b.size;
        const Member* m = std::find_if(b.members, end, [&](const Member& x) { return x.key == a.members[i].key; });
        if (m == end || !values_equal(a.members[i].value, m->value, program)) return false;
      }
      return true;
  }
  return false;
}

Value call_builtin(std::uint32_t index, std::span<const Value> args, const LoadedProgram& program,
                   Arena& arena, BuiltinScratch& scratch) {
  for (const Value& v : args) {
    if (!v.is_defined()) return Value::undefined();
  }
  auto which = static_cast<Builtin>(index);
  switch (which) {
    case Builtin::startswith:
      return both_strings(args) ? Value::from_bool(args[0].str().starts_with(args[1].str())) : Value::undefined();
    case Builtin::endswith:
      return both_strings(args) ? Value::from_bool(args[0].str().ends_with(args[1].str())) : Value::undefined();
    case Builtin::contains:
      return both_strings(args) ? Value::from_bool(contains_bytes(args[0].str(), args[1].str())) : Value::undefined();
    case Builtin::lower: return change_case(args[0], arena, false);
    case Builtin::upper: return change_case(args[0], arena, true);
    case Builtin::glob_match:
      return both_strings(args) ? Value::from_bool(glob_match(args[0].str(), args[1].str())) : Value::undefined();
    case Builtin::regex_match: {  // normally lowered to RegexMatch with a pattern compiled at load
      if (!both_strings(args)) return Value::undefined();
      RE2 re(re2::StringPiece(args[0].chars, args[0].size), RE2::Quiet);
      return re.ok() ? Value::from_bool(RE2::PartialMatch(re2::StringPiece(args[1].chars, args[1].size), re))
                     : Value::undefined();
    }
    case Builtin::cidr_contains: {
      if (!both_strings(args)) return Value::undefined();
      auto block = parse_cidr(args[0].str());
      return block ? Value::from_bool(cidr_block_contains(*block, args[1].str())) : Value::undefined();
    }
    case Builtin::count:
      if (args[0].kind == Kind::String) return Value::from_int(utf8_length(args[0].str()));
      if (args[0].kind == Kind::Array || args[0].kind == Kind::Object ||
          args[0].kind == Kind::Set) {
        return Value::from_int(collection_size(args[0], program));
      }
      return Value::undefined();
    case Builtin::json_decode: return json_decode(args[0], arena, scratch);
    case Builtin::to_number: return to_number(args[0]);
    case Builtin::kCount: return Value::undefined();
    default: return type_test(which, args[0]);
  }
}

}  // namespace sesrules::runtime
