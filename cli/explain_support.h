// The plan behind `sesrules explain`: the rule's conditions compiled one by one
// as synthetic helpers next to the real program (see cmd_explain.cc).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/rule_sources.h"
#include "runtime/vm.h"

namespace sesrules::cli {

struct ExplainCondition {
  std::string text;                                    // as written in the rule
  std::uint32_t function = runtime::kNoFunction;       // kNoFunction: a relation to an earlier step
  bool negated = false;                                // `not e`: function computes e
};

struct ExplainBody {
  std::string title;                                   // "when", "step list", "until"
  std::uint32_t step = runtime::kWholeRule;
  std::vector<ExplainCondition> conditions;
};

struct ExplainPlan {
  std::shared_ptr<const runtime::LoadedProgram> program;
  std::string rule_name;
  std::uint32_t rule_index = 0;
  bool is_sequence = false;
  std::vector<ExplainBody> bodies;

  std::string key_text(runtime::Vm& vm, runtime::Arena& arena, const runtime::RecordView& record) const;
};

bool build_explain_plan(const RuleSourceOptions& sources, const std::string& rule_name, ExplainPlan& plan,
                        std::string& error);

}  // namespace sesrules::cli
