// Compiled-program files: serialize_program / deserialize_program.
// Layout (little-endian): "SESRULES" magic, u32 format version
// (Program::kFormatVersion), u64 payload length, u64 FNV-1a checksum of the
// payload, then the payload (every Program field in declaration order; strings
// and vectors are a u32 count followed by the elements). Wrong magic, version,
// checksum, truncation or out-of-range enum values come back as a Status with a
// message for the user; the result still needs LoadedProgram::load (which
// verifies the bytecode) before it runs.
// Tested by tests/unit/runtime/serialize_test.cc and compiler/roundtrip_test.cc.
#pragma once

#include <string>
#include <string_view>

#include "runtime/base/status.h"
#include "runtime/program.h"

namespace sesrules::runtime {

std::string serialize_program(const Program& program);
Expected<Program> deserialize_program(std::string_view bytes);

}  // namespace sesrules::runtime
