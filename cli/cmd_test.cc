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
                    const std::set<std::pair<std::string, std::uint32_t>>& steps, bool builtin_implicit) {
  fmt::print("\ncoverage:\n");
  std::size_t uncovered = 0, considered = 0;
  for (const runtime::Rule& rule : program.rules) {
    // The embedded pack, compiled only because user rules import it, is not under test here.
    bool embedded = rule.pos.file < program.source_files.size() &&
                    program.source_files[rule.pos.file].rfind("stdrules/", 0) == 0;
    if (builtin_implicit && embedded) continue;
    ++considered;
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
  fmt::print("  {} rules under test, {} coverage gaps\n", considered, uncovered);
}

// Helper definitions (each ends in a Return) that held in no fixture.
void print_helper_coverage(const runtime::Program& program, const std::vector<std::uint64_t>& hits,
                           bool builtin_implicit) {
  std::set<std::uint32_t> rule_functions;
  for (const runtime::Rule& rule : program.rules) {
    rule_functions.insert({rule.predicate_fn, rule.until_fn, rule.distinct_fn});
    rule_functions.insert(rule.key_fns.begin(), rule.key_fns.end());
    for (const runtime::Step& step : rule.steps) rule_functions.insert({step.local_fn, step.relation_fn});
    for (const runtime::OutputField& output : rule.outputs) rule_functions.insert(output.fn);
  }
  std::size_t gaps = 0;
  for (std::uint32_t f = 0; f < program.functions.size(); ++f) {
    const runtime::Function& fn = program.functions[f];
    if (rule_functions.count(f)) continue;
    for (std::uint32_t pc = fn.entry; pc < fn.entry + fn.length && pc < program.code.size(); ++pc) {
      if (program.code[pc].op != runtime::Op::Return || (pc < hits.size() && hits[pc] > 0)) continue;
      const runtime::SourcePos& pos = program.code_pos[pc];
      std::string file = pos.file < program.source_files.size() ? program.source_files[pos.file] : "?";
      if (builtin_implicit && file.rfind("stdrules/", 0) == 0) continue;
      fmt::print("  helper definition never held: {} ({}:{})\n", fn.name, file, pos.line);
      ++gaps;
    }
  }
  fmt::print("  {} helper definitions never held in any fixture\n", gaps);
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
  std::vector<std::uint64_t> hits;
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
    FixtureOutcome outcome = run_fixture(fixture, program, args.coverage);
    if (hits.size() < outcome.coverage.size()) hits.resize(outcome.coverage.size(), 0);
    for (std::size_t i = 0; i < outcome.coverage.size(); ++i) hits[i] += outcome.coverage[i];
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
  if (args.coverage) {
    bool builtin_implicit = !inputs.rule_files.empty() && request.sources.builtin;
    print_coverage(program->program(), fired, steps, builtin_implicit);
    print_helper_coverage(program->program(), hits, builtin_implicit);
  }
  fmt::print("{} passed, {} failed\n", passed, failed);
  return failed ? kExitFindings : kExitOk;
}

}  // namespace

Action register_test(CLI::App& app) {
  auto args = std::make_shared<TestArgs>();
  app.add_option("paths", args->paths, "Rule folders/files and fixtures (default: .)");
  app.add_flag("--coverage", args->coverage, "List rules, steps and helper definitions that no fixture exercised");
  app.add_flag("--verbose,-v", args->verbose, "Print passing fixtures too");
  app.add_option("--select,-s", args->select, "Only fixtures about rules matching this glob")->allow_extra_args(false);
  app.footer(
      "Examples:\n"
      "  sesrules test stdrules/\n"
      "  sesrules test --coverage my-rules/\n"
      "  sesrules test my-rules/ my-rules/fixtures/new-case.json");
  return [args] { return run_test(*args); };
}

}  // namespace sesrules::cli
