// Gathering rule sources for a command: the embedded pack (stdrules/, compiled
// into the binary) plus user rule files and folders (*.rules, recursive, sorted).
// Imports then resolve by package name among exactly these files.
#pragma once

#include <string>
#include <vector>

#include "compiler/source.h"

namespace sesrules::cli {

struct RuleSourceOptions {
  std::vector<std::string> paths;  // files or folders
  bool builtin = true;             // include the embedded pack
};

struct RuleSources {
  std::vector<compiler::SourceFile> files;
  std::vector<std::string> errors;  // unreadable paths: "path: reason"
};

RuleSources load_rule_sources(const RuleSourceOptions& options);

// Files under `path` (or `path` itself) with the given extension, sorted.
std::vector<std::string> find_files(const std::string& path, const std::string& extension,
                                    std::vector<std::string>& errors);

bool read_text_file(const std::string& path, std::string& out, std::string& error);

}  // namespace sesrules::cli
