// Shared helpers for the compiler unit tests: parse a string, read repo files.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "compiler/parse.h"

namespace sesrules::compiler::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string codes(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics.items()) out += (out.empty() ? "" : " ") + d.code;
  return out;
}

}  // namespace sesrules::compiler::testing
