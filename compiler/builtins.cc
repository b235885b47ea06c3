// Expands builtins.def into a static table. Tested by check_test.cc.
#include "compiler/builtins.h"

#include <array>

namespace sesrules::compiler {
namespace {

enum class Row : std::uint32_t {
#define SES_BUILTIN(name, arity, arg0, arg1, result, const0, meaning) name,
#include "compiler/builtins.def"
#undef SES_BUILTIN
};

constexpr std::array kBuiltins = {
#define SES_BUILTIN(name, arity, arg0, arg1, result, const0, meaning)                                  \
  BuiltinInfo{#name, static_cast<std::uint32_t>(Row::name), arity, {BuiltinType::arg0, BuiltinType::arg1}, \
              BuiltinType::result, const0, meaning},
#include "compiler/builtins.def"
#undef SES_BUILTIN
};

}  // namespace

std::span<const BuiltinInfo> builtins() { return kBuiltins; }

const BuiltinInfo* find_builtin(std::string_view name) {
  for (const BuiltinInfo& info : kBuiltins) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const char* builtin_type_name(BuiltinType type) {
  switch (type) {
    case BuiltinType::Any: return "any value";
    case BuiltinType::String: return "string";
    case BuiltinType::Number: return "number";
    case BuiltinType::Collection: return "collection";
    case BuiltinType::Bool: return "boolean";
  }
  return "?";
}

}  // namespace sesrules::compiler
