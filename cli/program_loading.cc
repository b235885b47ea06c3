#include "cli/program_loading.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/diagnostic_output.h"
#include "compiler/compile.h"
#include "runtime/serialize.h"
#include "stdrules/precompiled.h"

namespace sesrules::cli {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) != 0; }
bool stdout_is_terminal() { return isatty(STDOUT_FILENO) != 0; }

namespace {

std::shared_ptr<const runtime::LoadedProgram> load_serialized(const std::string& path, std::string_view bytes) {
  auto program = runtime::deserialize_program(bytes);
  if (!program.ok()) {
    fmt::print(stderr, "sesrules: error: {}: {}\n", path, program.status().message());
    return nullptr;
  }
  auto loaded = runtime::LoadedProgram::load(std::move(program.value()));
  if (!loaded.ok()) {
    fmt::print(stderr, "sesrules: error: {}: {}\n", path, loaded.status().message());
    return nullptr;
  }
  return loaded.value();
}

std::shared_ptr<const runtime::LoadedProgram> load_compiled(const std::string& path) {
  std::string bytes, error;
  if (!read_text_file(path, bytes, error)) {
    fmt::print(stderr, "sesrules: error: cannot read {}: {}\n", path, error);
    return nullptr;
  }
  return load_serialized(path, bytes);
}

}  // namespace

bool uses_precompiled_pack(const ProgramRequest& request) {
  return request.use_precompiled_pack && request.compiled_path.empty() && request.sources.builtin &&
         request.sources.paths.empty() && request.optimize;
}

std::shared_ptr<const runtime::LoadedProgram> load_program(const ProgramRequest& request) {
  if (!request.compiled_path.empty()) return load_compiled(request.compiled_path);
  if (uses_precompiled_pack(request)) {
    const std::string_view bytes(reinterpret_cast<const char*>(stdrules::kPrecompiledPack),
                                 stdrules::kPrecompiledPackSize);
    return load_serialized("the precompiled stdrules pack", bytes);
  }
  RuleSources sources = load_rule_sources(request.sources);
  for (const std::string& error : sources.errors) fmt::print(stderr, "sesrules: error: {}\n", error);
  if (!sources.errors.empty()) return nullptr;
  if (sources.files.empty()) {
    fmt::print(stderr, "sesrules: error: no rules: give --rules PATH or drop --no-builtin\n");
    return nullptr;
  }
  compiler::CompileInput input;
  input.files = std::move(sources.files);
  input.optimize = request.optimize;
  compiler::CompileResult result = compiler::compile(std::move(input));
  compiler::Diagnostics shown;
  for (const compiler::Diagnostic& d : result.diagnostics.items()) {
    if (request.show_warnings || d.severity == compiler::Severity::Error) shown.add(d);
  }
  if (!shown.items().empty()) {
    print_diagnostics(shown, result.files, DiagnosticFormat::Text, request.color);
  }
  if (!result.program) {
    fmt::print(stderr, "sesrules: rules did not compile ({} errors)\n", result.diagnostics.error_count());
    return nullptr;
  }
  auto loaded = runtime::LoadedProgram::load(std::move(*result.program));
  if (!loaded.ok()) {
    fmt::print(stderr, "sesrules: error: {}\n", loaded.status().message());
    return nullptr;
  }
  return loaded.value();
}

bool glob_matches(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with single backtrack point: linear for one `*`,
  // and rule-name globs are short.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool select_rules(const runtime::Program& program, const std::vector<std::string>& globs, std::vector<bool>& enabled,
                  std::string& error) {
  enabled.clear();
  if (globs.empty()) return true;
  enabled.assign(program.rules.size(), false);
  for (const std::string& glob : globs) {
    bool any = false;
    for (std::size_t i = 0; i < program.rules.size(); ++i) {
      if (glob_matches(glob, program.rules[i].name)) enabled[i] = any = true;
    }
    if (!any) {
      error = fmt::format("--select {} matches no rule (rules are named like ses.abuse_enumeration)", glob);
      return false;
    }
  }
  return true;
}

}  // namespace sesrules::cli
