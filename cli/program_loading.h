// Turning rule sources into a loaded program for eval/test/explain: compile
// (diagnostics rendered to stderr), or load a compiled program file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/rule_sources.h"
#include "runtime/vm.h"

namespace sesrules::cli {

struct ProgramRequest {
  RuleSourceOptions sources;
  std::string compiled_path;   // --compiled FILE (instead of sources)
  bool optimize = true;
  bool show_warnings = false;  // eval shows only errors; lint shows everything
  bool color = false;
  // Use the pack compiled at build time (stdrules/precompiled.h) when the request
  // is exactly the default pack: saves parsing and compiling at every start.
  bool use_precompiled_pack = false;
};

// True when load_program would take the precompiled pack for this request.
bool uses_precompiled_pack(const ProgramRequest& request);

// Null on failure (already reported on stderr).
std::shared_ptr<const runtime::LoadedProgram> load_program(const ProgramRequest& request);

// Indices of rules whose name matches any of the globs (all when empty); false if a glob matched nothing.
bool select_rules(const runtime::Program& program, const std::vector<std::string>& globs,
                  std::vector<bool>& enabled, std::string& error);

bool glob_matches(std::string_view pattern, std::string_view text);

bool stderr_is_terminal();
bool stdout_is_terminal();

}  // namespace sesrules::cli
