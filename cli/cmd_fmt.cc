// `sesrules fmt`: print, check (--check), diff (--diff) or rewrite (-w) rule
// files in the canonical layout of compiler/format.h. Files that do not parse
// are reported and left alone (exit 2).
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/diagnostic_output.h"
#include "cli/exit_codes.h"
#include "cli/line_diff.h"
#include "cli/program_loading.h"
#include "cli/rule_sources.h"
#include "compiler/format.h"
#include "compiler/parse.h"

namespace sesrules::cli {

namespace {

struct FmtArgs {
  std::vector<std::string> paths;
  bool check = false, diff = false, write = false;
};

int run_fmt(const FmtArgs& args) {
  std::vector<std::string> errors, files;
  for (const std::string& path : args.paths) {
    for (const std::string& f : find_files(path, ".rules", errors)) files.push_back(f);
  }
  for (const std::string& e : errors) fmt::print(stderr, "sesrules fmt: error: {}\n", e);
  bool syntax_errors = !errors.empty(), changes = false;
  for (const std::string& path : files) {
    std::string text, error;
    if (!read_text_file(path, text, error)) {
      fmt::print(stderr, "sesrules fmt: error: {}: {}\n", path, error);
      syntax_errors = true;
      continue;
    }
    std::vector<compiler::SourceFile> sources{compiler::SourceFile(path, text)};
    compiler::Diagnostics diagnostics;
    auto module = compiler::parse_module(sources[0], 0, diagnostics);
    if (!module || diagnostics.has_errors()) {
      print_diagnostics(diagnostics, sources, DiagnosticFormat::Text, stderr_is_terminal());
      syntax_errors = true;
      continue;
    }
    std::string formatted = compiler::format_module(*module, sources[0]);
    bool differs = formatted != text;
    changes = changes || differs;
    if (args.check && differs) fmt::print("{}\n", path);
    if (args.diff && differs) fmt::print("{}", unified_diff(path, text, formatted));
    if (args.write && differs) {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << formatted;
      if (!out.flush()) {
        fmt::print(stderr, "sesrules fmt: error: cannot write {}\n", path);
        return kExitOutputError;
      }
    }
    if (!args.check && !args.diff && !args.write) fmt::print("{}", formatted);
  }
  if (syntax_errors) return kExitUsage;
  if (args.check && changes) {
    fmt::print(stderr, "sesrules fmt: the files above are not formatted; run `sesrules fmt -w` on them\n");
    return kExitFindings;
  }
  return kExitOk;
}

}  // namespace

Action register_fmt(CLI::App& app) {
  auto args = std::make_shared<FmtArgs>();
  app.add_option("paths", args->paths, "Rule files or folders")->required();
  app.add_flag("--check", args->check, "List files that would change; exit 1 if any");
  app.add_flag("--diff", args->diff, "Show a unified diff of the changes");
  app.add_flag("-w,--write", args->write, "Rewrite files in place");
  app.footer(
      "Examples:\n"
      "  sesrules fmt rules/my.rules          print the formatted file\n"
      "  sesrules fmt --check stdrules/       CI: fail when a file is not formatted\n"
      "  sesrules fmt -w rules/               rewrite in place");
  return [args] { return run_fmt(*args); };
}

}  // namespace sesrules::cli
