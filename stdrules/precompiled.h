// The embedded pack, compiled at build time by stdrules/precompile.cc: the bytes
// of runtime::serialize_program(compile(embedded pack)), optimizer on. Loading
// them skips parsing and compiling the rule text at start-up.
#pragma once
#include <cstddef>

namespace sesrules::stdrules {

extern const unsigned char kPrecompiledPack[];
extern const std::size_t kPrecompiledPackSize;

}  // namespace sesrules::stdrules
