// The compile facade: runs the stage table in order and times each stage.
// See compile.h for the stages and their ordering needs. Tested by
// golden_test.cc (diagnostics) and docs_examples_test.cc.
#include "compiler/compile.h"

#include <chrono>
#include <functional>
#include <utility>

#include "compiler/lower.h"
#include "compiler/parse.h"
#include "compiler/resolve.h"

namespace sesrules::compiler {
namespace {

struct Context {
  CompileInput& input;
  CompileResult& result;
  std::optional<Resolution> resolution;
  bool parse_failed = false;
};

struct Stage {
  const char* name;
  // Runs unless an earlier stage's errors make its input unusable.
  std::function<bool(const Context&)> runs;
  std::function<void(Context&)> run;
};

void parse_stage(Context& c) {
  for (std::uint32_t i = 0; i < c.result.files.size(); ++i) {
    std::optional<Module> module = parse_module(c.result.files[i], i, c.result.diagnostics);
    if (module) c.result.modules.push_back(std::move(*module));
    else c.parse_failed = true;
  }
  c.parse_failed = c.parse_failed || c.result.diagnostics.has_errors();
}

const Stage kStages[] = {
    {"parse", [](const Context&) { return true; }, parse_stage},
    // Must run after every file parsed: a package may span files.
    {"resolve", [](const Context& c) { return !c.parse_failed; },
     [](Context& c) { c.resolution = resolve(c.result.modules, c.result.files, c.result.diagnostics); }},
    // Runs even after resolve errors (its checks skip unresolved names), so one run shows more mistakes.
    {"check", [](const Context& c) { return c.resolution.has_value(); },
     [](Context& c) { check_modules(c.result.modules, *c.resolution, c.result.diagnostics); }},
    // Lints only on an error-free compilation, so they never cascade from an error.
    {"lint", [](const Context& c) { return c.resolution && c.input.check.lints && !c.result.diagnostics.has_errors(); },
     [](Context& c) { lint_modules(c.result.modules, *c.resolution, c.result.diagnostics); }},
    {"options", [](const Context&) { return true; },
     [](Context& c) { c.result.unknown_overrides = apply_check_options(c.result.diagnostics, c.input.check, c.result.files); }},
    // After options: an override may have turned a warning into an error.
    {"lower", [](const Context& c) { return c.input.lower && !c.result.diagnostics.has_errors(); },
     [](Context& c) {
       c.result.program = lower_program(c.result.modules, c.result.files, LowerOptions{c.input.optimize});
     }},
};

}  // namespace

CompileResult compile(CompileInput input) {
  CompileResult result;
  result.files = std::move(input.files);  // CompileInput is taken by value: no copy of the texts
  Context context{input, result, std::nullopt, false};
  for (const Stage& stage : kStages) {
    StageTiming timing{stage.name, 0, false};
    if (stage.runs(context)) {
      auto start = std::chrono::steady_clock::now();
      stage.run(context);
      timing.microseconds =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
      timing.ran = true;
    }
    result.timings.push_back(std::move(timing));
  }
  result.diagnostics.sort();
  return result;
}

}  // namespace sesrules::compiler
