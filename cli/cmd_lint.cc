// `sesrules lint [PATHS...]`: every compiler check plus the lints, rendered as
// text, json, sarif or github annotations. Exit 1 on errors (and warnings with
// --strict), 2 when the command itself is misused.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/diagnostic_output.h"
#include "cli/exit_codes.h"
#include "cli/fixture_discovery.h"
#include "cli/lint_config.h"
#include "cli/lint_fixtures.h"
#include "cli/program_loading.h"
#include "compiler/compile.h"

namespace sesrules::cli {

namespace {

struct LintArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string config;
  bool strict = false;
  bool no_fixture_check = false;
};

int run_lint(const LintArgs& args) {
  DiagnosticFormat format;
  if (!parse_diagnostic_format(args.format, format)) return kExitUsage;
  compiler::CheckOptions check;
  std::string error;
  if (!load_lint_config(args.config, check, error)) {
    fmt::print(stderr, "sesrules lint: error: {}\n", error);
    return kExitUsage;
  }
  std::vector<std::string> paths = args.paths.empty() ? std::vector<std::string>{"."} : args.paths;
  TestInputs inputs = discover_test_inputs(paths);
  for (const std::string& e : inputs.errors) fmt::print(stderr, "sesrules lint: error: {}\n", e);
  if (!inputs.errors.empty()) return kExitUsage;
  if (inputs.rule_files.empty()) {
    fmt::print(stderr, "sesrules lint: error: no .rules files under {}\n", fmt::join(paths, ", "));
    return kExitUsage;
  }
  RuleSourceOptions source_options{inputs.rule_files, needs_builtin_pack(inputs.rule_files)};
  RuleSources sources = load_rule_sources(source_options);
  std::size_t builtin_files = source_options.builtin ? sources.files.size() - inputs.rule_files.size() : 0;

  compiler::CompileInput input;
  input.files = sources.files;
  input.check = check;
  compiler::CompileResult result = compiler::compile(std::move(input));
  compiler::Diagnostics shown;
  for (const compiler::Diagnostic& d : result.diagnostics.items()) {
    if (d.span.file >= builtin_files) shown.add(d);  // findings in the embedded pack are not the user's
  }
  if (!args.no_fixture_check && result.program) {
    add_missing_fixture_findings(result, sources.files, builtin_files, inputs.fixtures, check, shown);
  }
  shown.sort();
  print_diagnostics(shown, sources.files, format, stdout_is_terminal(), stdout);
  if (format == DiagnosticFormat::Text) {
    fmt::print(stderr, "{} files: {} errors, {} warnings\n", inputs.rule_files.size(), shown.error_count(),
               shown.warning_count());
  }
  if (shown.error_count() > 0 || (args.strict && shown.warning_count() > 0)) return kExitFindings;
  return kExitOk;
}

}  // namespace

Action register_lint(CLI::App& app) {
  auto args = std::make_shared<LintArgs>();
  app.add_option("paths", args->paths, "Rule files or folders (default: .)");
  app.add_option("--format,-f", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  app.add_option("--config", args->config,
                 "Lint configuration (JSON; default: .sesrules-lint.json in the current folder if present)");
  app.add_flag("--strict", args->strict, "Exit 1 on warnings too");
  app.add_flag("--no-fixture-check", args->no_fixture_check, "Do not warn about rules without fixtures");
  app.footer(
      "Examples:\n"
      "  sesrules lint rules/\n"
      "  sesrules lint --strict --format github rules/     (GitHub Actions annotations)\n"
      "  sesrules lint --format sarif rules/ > lint.sarif  (code scanning)\n"
      "Suppress one finding on one line with a comment: `# sesrules:ignore W104` (code or slug).");
  return [args] { return run_lint(*args); };
}

}  // namespace sesrules::cli
