#include "cli/explain_support.h"

#include <regex>

#include <fmt/format.h>

#include "cli/diagnostic_output.h"
#include "compiler/compile.h"
#include "compiler/parse.h"
#include "runtime/record_eval.h"

namespace sesrules::cli {

namespace {

using compiler::Stmt;
using compiler::StmtKind;

std::string span_text(const compiler::SourceFile& file, compiler::Span span) {
  return file.text().substr(span.begin, span.end - span.begin);
}

struct Found {
  const compiler::Module* module = nullptr;
  const compiler::DetectionDecl* detection = nullptr;
  std::size_t file = 0;
};

bool mentions_step(const std::string& text, const compiler::DetectionDecl& detection) {
  for (const compiler::StepDecl& step : detection.steps) {
    if (std::regex_search(text, std::regex("\\b" + step.name + "\\."))) return true;
  }
  return false;
}

// Appends the synthetic helpers for one body to `source`; records the conditions.
void synthesize_body(const compiler::SourceFile& file, const compiler::DetectionDecl& detection,
                     const compiler::Body& body, std::size_t body_index, ExplainBody& out, std::string& source) {
  std::string assigns;
  for (std::size_t k = 0; k < body.size(); ++k) {
    const Stmt& stmt = body[k];
    ExplainCondition condition;
    condition.text = span_text(file, stmt.span);
    std::string helper = fmt::format("__explain_{}_{}", body_index, k);
    if (detection.kind == compiler::DetectionKind::Sequence && mentions_step(condition.text, detection)) {
      out.conditions.push_back(condition);
      continue;
    }
    if (stmt.kind == StmtKind::Some || stmt.kind == StmtKind::Every) {
      source += fmt::format("{} {{\n{}  {}\n}}\n", helper, assigns, condition.text);
    } else {
      condition.negated = stmt.kind == StmtKind::Not;
      source += fmt::format("{} := __explain_value {{\n{}  __explain_value := {}\n}}\n", helper, assigns,
                            span_text(file, stmt.expr->span));
    }
    condition.text = helper + "\x1f" + condition.text;  // function name resolved after compiling
    out.conditions.push_back(condition);
    if (stmt.kind == StmtKind::Assign) assigns += "  " + span_text(file, stmt.span) + "\n";
  }
}

bool find_detection(const std::vector<compiler::SourceFile>& files, const std::vector<compiler::Module>& modules,
                    const std::string& rule_name, Found& found) {
  for (const compiler::Module& module : modules) {
    for (const compiler::DetectionDecl& detection : module.detections) {
      if (module.package + "." + detection.name == rule_name) {
        found = {&module, &detection, module.file};
        return module.file < files.size();
      }
    }
  }
  return false;
}

bool resolve_functions(ExplainPlan& plan, const std::string& package) {
  const runtime::Program& program = plan.program->program();
  for (ExplainBody& body : plan.bodies) {
    for (ExplainCondition& condition : body.conditions) {
      auto sep = condition.text.find('\x1f');
      if (sep == std::string::npos) continue;
      std::string name = package + "." + condition.text.substr(0, sep);
      condition.text = condition.text.substr(sep + 1);
      for (std::uint32_t f = 0; f < program.functions.size(); ++f) {
        if (program.functions[f].name == name) condition.function = f;
      }
      if (condition.function == runtime::kNoFunction) return false;
    }
  }
  for (std::uint32_t r = 0; r < program.rules.size(); ++r) {
    if (program.rules[r].name == plan.rule_name) plan.rule_index = r;
  }
  return true;
}

}  // namespace

std::string ExplainPlan::key_text(runtime::Vm& vm, runtime::Arena& arena, const runtime::RecordView& record) const {
  const runtime::Rule& rule = program->program().rules[rule_index];
  std::string key;
  for (std::uint32_t fn : rule.key_fns) {
    arena.reset();
    runtime::Value v = vm.call(fn, record, arena);
    key += (key.empty() ? "" : ", ") + (v.is_defined() ? runtime::key_part_text(v) : std::string("undefined"));
  }
  return key.empty() ? "(no key)" : key;
}

bool build_explain_plan(const RuleSourceOptions& options, const std::string& rule_name, ExplainPlan& plan,
                        std::string& error) {
  RuleSources sources = load_rule_sources(options);
  if (!sources.errors.empty()) {
    error = sources.errors.front();
    return false;
  }
  compiler::CompileInput first;
  first.files = sources.files;
  compiler::CompileResult parsed = compiler::compile(first);
  Found found;
  if (!find_detection(sources.files, parsed.modules, rule_name, found)) {
    error = fmt::format("no detection named `{}` (names are <package>.<rule>, e.g. ses.abuse_enumeration)", rule_name);
    return false;
  }
  const compiler::SourceFile& file = sources.files[found.file];
  const compiler::DetectionDecl& detection = *found.detection;
  std::string source = "package " + found.module->package + "\n";
  for (const compiler::ImportDecl& import : found.module->imports) source += span_text(file, import.span) + "\n";
  plan.rule_name = rule_name;
  plan.is_sequence = detection.kind == compiler::DetectionKind::Sequence;
  auto add_body = [&](std::string title, std::uint32_t step, const compiler::Body& body) {
    ExplainBody out{std::move(title), step, {}};
    synthesize_body(file, detection, body, plan.bodies.size(), out, source);
    plan.bodies.push_back(std::move(out));
  };
  if (!plan.is_sequence) add_body("when", runtime::kWholeRule, detection.when);
  for (std::uint32_t s = 0; s < detection.steps.size(); ++s) {
    add_body("step " + detection.steps[s].name, s, detection.steps[s].body);
  }
  if (detection.until) add_body("until", runtime::kUntilStep, *detection.until);

  // Lowering emits only helpers that some rule reaches: one synthetic alert
  // (never enabled when explaining) refers to every synthetic helper.
  std::string reach;
  for (const ExplainBody& body : plan.bodies) {
    for (const ExplainCondition& condition : body.conditions) {
      auto sep = condition.text.find('\x1f');
      if (sep != std::string::npos) reach += "    is_null(" + condition.text.substr(0, sep) + ")\n";
    }
  }
  if (!reach.empty()) {
    source += "alert __explain_reach {\n  meta {\n    title: \"explain\"\n    severity: info\n"
              "    description: \"synthetic\"\n  }\n  when {\n" + reach + "  }\n}\n";
  }
  std::vector<compiler::SourceFile> all = sources.files;
  all.emplace_back("<explain>", source);
  compiler::CompileInput input;
  input.files = all;
  compiler::CompileResult result = compiler::compile(std::move(input));
  if (!result.program) {
    print_diagnostics(result.diagnostics, all, DiagnosticFormat::Text, false);
    error = "the rules do not compile";
    return false;
  }
  auto loaded = runtime::LoadedProgram::load(std::move(*result.program));
  if (!loaded.ok()) {
    error = loaded.status().message();
    return false;
  }
  plan.program = loaded.value();
  if (!resolve_functions(plan, found.module->package)) {
    error = "internal: a synthetic explain helper was not compiled";
    return false;
  }
  return true;
}

}  // namespace sesrules::cli
