// Builtin function implementations for the VM: string tests, glob, CIDR,
// count, json_decode, to_number, type tests. Rows follow compiler/builtins.def
// (the CallBuiltin operand); the table lives in compiler/ only because the
// checker reads it too, and this file includes the .def, never a compiler header.
// Any undefined argument or wrong-typed argument yields Undefined.
// Tested by tests/unit/runtime/builtins_test.cc.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "runtime/cidr.h"
#include "runtime/glob.h"
#include "runtime/value.h"

namespace simdjson::dom { class parser; }

namespace sesrules::runtime {

class LoadedProgram;

enum class Builtin : std::uint32_t {
#define SES_BUILTIN(name, arity, arg0, arg1, result, const0, meaning) name,
#include "compiler/builtins.def"
#undef SES_BUILTIN
  kCount
};
inline constexpr std::uint32_t kBuiltinCount = static_cast<std::uint32_t>(Builtin::kCount);
const char* builtin_name(std::uint32_t index);
std::uint32_t builtin_arity(std::uint32_t index);

// contains(): `needle` occurs in `text` (as text.find(needle) != npos, but
// cheaper when the needle's first byte is common in the text).
bool contains_bytes(std::string_view text, std::string_view needle);

// Per-thread scratch for builtins (json_decode's parser). Allocates lazily, once.
class BuiltinScratch {
 public:
  BuiltinScratch();
  ~BuiltinScratch();
  simdjson::dom::parser& json_parser();

 private:
  std::unique_ptr<simdjson::dom::parser> parser_;
};

// Applies builtin `index` to args (args.size() == arity, checked by the verifier).
// Strings and arrays it builds live in `arena`.
Value call_builtin(std::uint32_t index, std::span<const Value> args, const LoadedProgram& program,
                   Arena& arena, BuiltinScratch& scratch);

// Shared by the VM's comparison opcodes and builtins.
bool values_equal(const Value& a, const Value& b, const LoadedProgram& program);
std::uint32_t collection_size(const Value& v, const LoadedProgram& program);

}  // namespace sesrules::runtime
