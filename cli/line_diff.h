// A small unified diff of two texts (line LCS; rule files are small), for
// `fmt --diff` and fixture reports.
#pragma once

#include <string>

namespace sesrules::cli {

std::string unified_diff(const std::string& path, const std::string& before, const std::string& after,
                         int context = 3);

}  // namespace sesrules::cli
