// Rule fixtures (format in docs/testing.md): a JSON file pairing input events
// with the alerts expected from a set of rules. Loading, running (through the
// same runtime::evaluate as `eval`) and comparing, with a readable diff.
// Tested by tests/unit/cli/cli_helpers_test.cc, tests/e2e and `sesrules test stdrules/`.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runtime/vm.h"

namespace sesrules::cli {

struct ExpectedAlert {
  std::string rule;
  std::vector<std::string> event_ids;  // sorted
};

struct Fixture {
  std::string path;
  std::string description;
  std::vector<std::string> rules;      // scope: alerts of these rules are compared
  std::string events_jsonl;            // one minified record per line
  std::string events_file;             // or: a log file relative to the fixture
  std::vector<ExpectedAlert> expect;
};

// False (with a message naming the file and the problem) when the file is not a valid fixture.
bool load_fixture(const std::string& path, Fixture& out, std::string& error);

struct FixtureOutcome {
  bool passed = false;
  std::string report;                  // diff text when failed
  std::set<std::string> rules_fired;   // rules with at least one alert (for coverage)
  std::set<std::pair<std::string, std::uint32_t>> steps_seen;  // (rule, step) in alert evidence
  std::vector<std::uint64_t> coverage;  // Return executions per code offset (with coverage on)
};

FixtureOutcome run_fixture(const Fixture& fixture, std::shared_ptr<const runtime::LoadedProgram> program,
                           bool coverage = false);

}  // namespace sesrules::cli
