// Test support for vm_test, serialize_test, disassemble_test and dispatch_test:
// a tiny assembler for hand-written Programs (the runtime tests do not link the
// compiler).
#pragma once

#include <string>
#include <vector>

#include "runtime/program.h"
#include "runtime/record.h"

namespace sesrules::runtime::testing {

class TestProgram {
 public:
  TestProgram() {
    for (std::string_view path : kStdSlotPaths) program.fields.push_back({std::string(path)});
    program.source_files = {"t.rules"};
  }
  std::uint32_t constant_string(std::string s) {
    Constant c;
    c.kind = Kind::String;
    c.text = std::move(s);
    program.constants.push_back(c);
    return static_cast<std::uint32_t>(program.constants.size() - 1);
  }
  std::uint32_t constant_int(std::int64_t i) {
    Constant c;
    c.kind = Kind::Int;
    c.integer = i;
    program.constants.push_back(c);
    return static_cast<std::uint32_t>(program.constants.size() - 1);
  }
  // Adds a function with the given code; returns its index.
  std::uint32_t function(std::string name, std::vector<Instr> code, std::uint16_t params = 0, std::uint16_t locals = 0) {
    Function f;
    f.name = std::move(name);
    f.entry = static_cast<std::uint32_t>(program.code.size());
    f.length = static_cast<std::uint32_t>(code.size());
    f.params = params;
    f.locals = locals;
    for (const Instr& in : code) {
      program.code.push_back(in);
      program.code_pos.push_back(SourcePos{0, static_cast<std::uint32_t>(program.code_pos.size() + 1), 1});
    }
    program.functions.push_back(f);
    return static_cast<std::uint32_t>(program.functions.size() - 1);
  }
  Program program;
};

inline Instr op(Op o, std::uint32_t a = 0, std::uint16_t b = 0) { return Instr{o, 0, b, a}; }

}  // namespace sesrules::runtime::testing
