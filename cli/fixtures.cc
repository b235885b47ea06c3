#include "cli/fixtures.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "cli/rule_sources.h"
#include "runtime/evaluate.h"

namespace sesrules::cli {

namespace {

namespace fs = std::filesystem;

bool string_list(simdjson::dom::element value, std::vector<std::string>& out) {
  simdjson::dom::array array;
  if (value.get_array().get(array)) return false;
  for (simdjson::dom::element item : array) {
    std::string_view text;
    if (item.get_string().get(text)) return false;
    out.emplace_back(text);
  }
  return true;
}

bool load_expectations(simdjson::dom::array expect, Fixture& out, std::string& error) {
  for (simdjson::dom::element item : expect) {
    ExpectedAlert alert;
    std::string_view rule;
    simdjson::dom::element events;
    if (item["rule"].get_string().get(rule) || item["events"].get(events) || !string_list(events, alert.event_ids)) {
      error = "each `expect` entry needs \"rule\" (string) and \"events\" (list of eventIDs)";
      return false;
    }
    alert.rule = rule;
    std::sort(alert.event_ids.begin(), alert.event_ids.end());
    out.expect.push_back(std::move(alert));
  }
  return true;
}

class CollectingSink : public runtime::AlertSink {
 public:
  runtime::Status emit(const runtime::Alert& alert) override {
    alerts.push_back(alert);
    return {};
  }
  runtime::Status finish(const runtime::RunSummary& s) override {
    summary = s;
    return {};
  }
  std::vector<runtime::Alert> alerts;
  runtime::RunSummary summary;
};

std::string describe(const std::string& rule, const std::vector<std::string>& ids) {
  return fmt::format("{} [{}]", rule, fmt::join(ids, ", "));
}

// Writes the inline events to a temporary JSON Lines file; returns its path.
std::string write_temp_events(const std::string& jsonl) {
  std::string pattern = (fs::temp_directory_path() / "sesrules-fixture-XXXXXX").string();
  int fd = mkstemp(pattern.data());
  if (fd < 0) return {};
  ssize_t written = ::write(fd, jsonl.data(), jsonl.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(jsonl.size())) return {};
  return pattern;
}

}  // namespace

bool load_fixture(const std::string& path, Fixture& out, std::string& error) {
  out.path = path;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto code = parser.load(path).get(doc)) {
    error = fmt::format("{}: not valid JSON: {}", path, simdjson::error_message(code));
    return false;
  }
  std::string_view text;
  if (!doc["description"].get_string().get(text)) out.description = text;
  simdjson::dom::element value;
  if (!doc["rules"].get(value) && !string_list(value, out.rules)) {
    error = path + ": `rules` must be a list of rule names";
    return false;
  }
  simdjson::dom::array events;
  if (!doc["events"].get_array().get(events)) {
    for (simdjson::dom::element event : events) out.events_jsonl += simdjson::minify(event) + "\n";
  } else if (!doc["events_file"].get_string().get(text)) {
    fs::path relative{std::string(text)};
    // Fixtures come from pull requests too: their events stay inside the fixture's folder tree.
    bool escapes = relative.is_absolute();
    for (const auto& part : relative) escapes = escapes || part == "..";
    if (escapes) {
      error = path + ": `events_file` must be a relative path below the fixture's folder";
      return false;
    }
    out.events_file = (fs::path(path).parent_path() / relative).string();
  } else {
    error = path + ": a fixture needs `events` (a list of CloudTrail records) or `events_file`";
    return false;
  }
  simdjson::dom::array expect;
  if (doc["expect"].get_array().get(expect)) {
    error = path + ": a fixture needs `expect`, the list of alerts expected ([] for none)";
    return false;
  }
  if (!load_expectations(expect, out, error)) {
    error = path + ": " + error;
    return false;
  }
  if (out.rules.empty()) {
    for (const ExpectedAlert& alert : out.expect) out.rules.push_back(alert.rule);
  }
  return true;
}

FixtureOutcome run_fixture(const Fixture& fixture, std::shared_ptr<const runtime::LoadedProgram> program,
                           bool coverage) {
  FixtureOutcome outcome;
  for (const std::string& rule : fixture.rules) {
    bool known = false;
    for (const runtime::Rule& r : program->program().rules) known = known || r.name == rule;
    if (!known) {
      // A misspelt name would leave nothing in scope and pass vacuously.
      outcome.report = fmt::format("    the fixture names rule `{}`, which is not among the compiled rules\n", rule);
      return outcome;
    }
  }
  std::string input = fixture.events_file;
  std::string temp;
  if (input.empty()) {
    temp = input = write_temp_events(fixture.events_jsonl);
    if (input.empty()) {
      outcome.report = "cannot write a temporary file for the fixture's events";
      return outcome;
    }
  }
  runtime::WalkResult inputs = runtime::collect_inputs({input});
  runtime::EvalOptions options;
  options.threads = 1;
  options.coverage = coverage;
  CollectingSink sink;
  auto result = runtime::evaluate(program, inputs, options, sink, {});
  if (!temp.empty()) std::remove(temp.c_str());
  if (!result.ok()) {
    outcome.report = result.status().message();
    return outcome;
  }
  std::set<std::string> scope(fixture.rules.begin(), fixture.rules.end());
  std::vector<ExpectedAlert> missing = fixture.expect;
  std::vector<std::string> unexpected, actual_text;
  for (const runtime::Alert& alert : sink.alerts) {
    outcome.rules_fired.insert(alert.rule_name);
    for (std::uint32_t step : alert.event_steps) outcome.steps_seen.insert({alert.rule_name, step});
    if (!scope.empty() && !scope.count(alert.rule_name)) continue;
    std::vector<std::string> ids;
    for (const auto& event : alert.events) ids.push_back(event->event_id);
    actual_text.push_back(describe(alert.rule_name, ids));
    std::sort(ids.begin(), ids.end());
    auto it = std::find_if(missing.begin(), missing.end(),
                           [&](const ExpectedAlert& e) { return e.rule == alert.rule_name && e.event_ids == ids; });
    if (it != missing.end()) {
      missing.erase(it);
    } else {
      unexpected.push_back(describe(alert.rule_name, ids));
    }
  }
  outcome.coverage = result.value().coverage;
  std::uint64_t input_problems = result.value().input_errors;
  outcome.passed = missing.empty() && unexpected.empty() && input_problems == 0;
  if (outcome.passed) return outcome;
  std::string report;
  if (input_problems) report += fmt::format("    {} input problems reading the fixture's events\n", input_problems);
  for (const ExpectedAlert& e : missing) report += "    - expected, not produced: " + describe(e.rule, e.event_ids) + "\n";
  for (const std::string& u : unexpected) report += "    + produced, not expected: " + u + "\n";
  report += fmt::format("    actual alerts in scope ({}):\n", actual_text.size());
  for (const std::string& a : actual_text) report += "      " + a + "\n";
  outcome.report = report;
  return outcome;
}

}  // namespace sesrules::cli
