// `sesrules test [PATHS...]`: compile the rule files found under PATHS and run
// every fixture found there (JSON files under a `fixtures/` folder, or JSON files
// named on the command line). Exit 1 on any failure.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/fixture_discovery.h"
#include "cli/fixtures.h"
#include "cli/program_loading.h"

namespace sesrules::cli {

namespace {

struct TestArgs {
  std::vector<std::string> paths;
  bool coverage = false;
  bool verbose = false;
  std::vector<std::string> select;
};

void print_coverage(const runtime::Program& program, const std::set<std::string>& fired,
                    const std::set<std::pair<std::string, std::uint32_t>>& steps) {
  fmt::print("\ncoverage:\n");
  std::size_t uncovered = 0;
  for (const runtime::Rule& rule : program.rules) {
    if (!fired.count(rule.name)) {
      fmt::print("  rule never fired by a fixture: {}\n", rule.name);
      ++uncovered;
      continue;
    }
    for (std::uint32_t i = 0; i < rule.steps.size(); ++i) {
      if (rule.kind == runtime::RuleKind::Single || rule.steps[i].absent) continue;
      if (!steps.count({rule.name, i})) {
        fmt::print("  step never part of an alert: {} step {}\n", rule.name, rule.steps[i].name);
        ++uncovered;
      }
    }
  }
  fmt::print("  {} of {} rules fired in at least one fixture; {} gaps\n", fired.size(), program.rules.size(), uncovered);
}

int run_test(const TestArgs& args) {
  std::vector<std::string> paths = args.paths.empty() ? std::vector<std::string>{"."} : args.paths;
  TestInputs inputs = discover_test_inputs(paths);
  for (const std::string& error : inputs.errors) fmt::print(stderr, "sesrules test: error: {}\n", error);
  if (!inputs.errors.empty()) return kExitUsage;
  if (inputs.fixtures.empty()) {
    fmt::print(stderr, "sesrules test: error: no fixtures found under {} (fixtures are JSON files in a fixtures/ folder)\n",
               fmt::join(paths, ", "));
    return kExitUsage;
  }
  ProgramRequest request;
  request.sources.paths = inputs.rule_files;
  request.sources.builtin = inputs.rule_files.empty() || needs_builtin_pack(inputs.rule_files);
  request.color = stderr_is_terminal();
  auto program = load_program(request);
  if (!program) return kExitUsage;

  std::size_t passed = 0, failed = 0;
  std::set<std::string> fired;
  std::set<std::pair<std::string, std::uint32_t>> steps;
  for (const std::string& path : inputs.fixtures) {
    Fixture fixture;
    std::string error;
    if (!load_fixture(path, fixture, error)) {
      fmt::print("FAIL {}\n    {}\n", path, error);
      ++failed;
      continue;
    }
    if (!args.select.empty() && std::none_of(fixture.rules.begin(), fixture.rules.end(), [&](const std::string& r) {
          return std::any_of(args.select.begin(), args.select.end(), [&](const std::string& g) { return glob_matches(g, r); });
        })) {
      continue;
    }
    FixtureOutcome outcome = run_fixture(fixture, program);
    fired.insert(outcome.rules_fired.begin(), outcome.rules_fired.end());
    steps.insert(outcome.steps_seen.begin(), outcome.steps_seen.end());
    if (outcome.passed) {
      ++passed;
      if (args.verbose) fmt::print("ok   {}\n", path);
    } else {
      ++failed;
      fmt::print("FAIL {}\n", path);
      if (!fixture.description.empty()) fmt::print("    ({})\n", fixture.description);
      fmt::print("{}", outcome.report);
    }
  }
  if (args.coverage) print_coverage(program->program(), fired, steps);
  fmt::print("{} passed, {} failed\n", passed, failed);
  return failed ? kExitFindings : kExitOk;
}

}  // namespace

Action register_test(CLI::App& app) {
  auto args = std::make_shared<TestArgs>();
  app.add_option("paths", args->paths, "Rule folders/files and fixtures (default: .)");
  app.add_flag("--coverage", args->coverage, "List rules and steps that no fixture exercised");
  app.add_flag("--verbose,-v", args->verbose, "Print passing fixtures too");
  app.add_option("--select,-s", args->select, "Only fixtures about rules matching this glob");
  app.footer(
      "Examples:\n"
      "  sesrules test stdrules/\n"
      "  sesrules test --coverage my-rules/\n"
      "  sesrules test my-rules/ my-rules/fixtures/new-case.json");
  return [args] { return run_test(*args); };
}

}  // namespace sesrules::cli
