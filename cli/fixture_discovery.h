// Finding rule files and fixtures under the paths given to `test` and `lint`.
#pragma once

#include <string>
#include <vector>

namespace sesrules::cli {

struct TestInputs {
  std::vector<std::string> rule_files;  // *.rules
  std::vector<std::string> fixtures;    // *.json under a fixtures/ folder, or named explicitly
  std::vector<std::string> errors;
};

TestInputs discover_test_inputs(const std::vector<std::string>& paths);

// True when the files import package `ses` without defining it: the embedded
// pack must then be compiled along with them.
bool needs_builtin_pack(const std::vector<std::string>& rule_files);

}  // namespace sesrules::cli
