// The builtin function table (compiler/builtins.def) as data: name, arity,
// argument and result types, whether the first argument must be a constant.
// The row index is the CallBuiltin operand, so the table order is part of the
// bytecode format. Used by check (arity/types), lower (operand) and the CLI docs.
// Tested by check_test.cc (arity/type diagnostics) and parse_test.cc (lookup).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sesrules::compiler {

enum class BuiltinType : std::uint8_t { Any, String, Number, Collection, Bool };

struct BuiltinInfo {
  std::string_view name;
  std::uint32_t index;        // row number in builtins.def = CallBuiltin operand
  std::uint8_t arity;
  BuiltinType args[2];        // args[i] meaningful for i < arity
  BuiltinType result;
  bool constant_first_arg;    // pattern argument compiled once (glob/regex/cidr)
  std::string_view meaning;
};

// All builtins in table order. The returned span points to static storage.
std::span<const BuiltinInfo> builtins();

// The builtin called `name`, or nullptr. The pointer is to static storage.
const BuiltinInfo* find_builtin(std::string_view name);

const char* builtin_type_name(BuiltinType type);

}  // namespace sesrules::compiler
