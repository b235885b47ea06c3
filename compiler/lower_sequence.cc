// Lowering of sequence detections: keys, steps split into a local predicate
// (reads only the current record: evaluated before the sequence engine, and
// indexed for dispatch) and a relation predicate (mentions an earlier step, such
// as `list.sourceIPAddress`, compiled with LoadCapture), until, distinct and
// outputs. A statement is relational if it mentions a step name or a local
// assigned by a relational statement; the relation function repeats the local
// assignments so their names are bound there too.
// Tested by lower_test.cc and the disasm goldens.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/lower_context.h"

namespace sesrules::compiler::detail {
namespace {

bool mentions(const Expr& e, const std::set<std::string>& names) {
  if (e.kind == ExprKind::Name && names.contains(e.text)) return true;
  return std::any_of(e.children.begin(), e.children.end(), [&](const ExprPtr& c) { return mentions(*c, names); });
}

bool mentions(const Stmt& s, const std::set<std::string>& names) {
  if (s.expr && mentions(*s.expr, names)) return true;
  return std::any_of(s.body.begin(), s.body.end(), [&](const Stmt& inner) { return mentions(inner, names); });
}

struct StepSplit {
  std::vector<const Stmt*> local;
  std::vector<const Stmt*> relation;  // empty when nothing relates to earlier steps
};

StepSplit split_step(const StepDecl& step, const std::vector<std::string>& step_names) {
  std::set<std::string> relational(step_names.begin(), step_names.end());
  relational.erase(step.name);
  StepSplit split;
  std::vector<const Stmt*> local_assigns;
  for (const Stmt& s : step.body) {
    if (mentions(s, relational)) {
      if (s.kind == StmtKind::Assign) relational.insert(s.var);
      split.relation.push_back(&s);
    } else {
      split.local.push_back(&s);
      if (s.kind == StmtKind::Assign) split.relation.push_back(&s);
    }
  }
  bool any_relation = std::any_of(split.relation.begin(), split.relation.end(), [&](const Stmt* s) {
    return std::find(split.local.begin(), split.local.end(), s) == split.local.end();
  });
  if (!any_relation) split.relation.clear();
  return split;
}

runtime::RuleKind rule_kind(SequenceKind kind) {
  switch (kind) {
    case SequenceKind::Ordered: return runtime::RuleKind::Ordered;
    case SequenceKind::Unordered: return runtime::RuleKind::Unordered;
    case SequenceKind::Threshold: return runtime::RuleKind::Threshold;
  }
  return runtime::RuleKind::Ordered;
}

}  // namespace

void lower_sequence(ProgramBuilder& builder, const Module& module, const DetectionDecl& d, runtime::Rule& rule,
                    std::vector<DispatchRequest>& requests) {
  auto rule_index = static_cast<std::uint32_t>(builder.program().rules.size());
  rule.kind = rule_kind(d.sequence_kind);
  rule.within_ms = d.within ? d.within->ms : 0;
  rule.suppress_ms = d.suppress ? d.suppress->ms : 0;
  rule.min_steps = d.at_least;
  rule.threshold_kind = d.threshold_kind == ThresholdKind::Distinct ? runtime::ThresholdKind::Distinct
                                                                    : runtime::ThresholdKind::Count;
  rule.threshold_min = d.threshold_min;
  for (std::size_t i = 0; i < d.by.size(); ++i) {
    rule.key_fns.push_back(lower_value_function(builder, module, *d.by[i], fmt::format("{}#key{}", rule.name, i), nullptr));
  }
  if (d.distinct) rule.distinct_fn = lower_value_function(builder, module, *d.distinct, rule.name + "#distinct", nullptr);
  SequenceScope scope;
  for (const StepDecl& s : d.steps) scope.step_names.push_back(s.name);
  scope.captures = &rule.captures;
  for (std::uint32_t k = 0; k < d.steps.size(); ++k) {
    const StepDecl& s = d.steps[k];
    scope.current_step = k;
    StepSplit split = split_step(s, scope.step_names);
    runtime::Step step;
    step.name = s.name;
    step.absent = s.absent;
    std::string base = fmt::format("{}#step.{}", rule.name, s.name);
    step.local_fn = lower_dispatched(builder, module, split.local, base, &scope, s.name_span, {rule_index, k}, requests);
    if (!split.relation.empty()) {
      step.relation_fn = lower_predicate(builder, module, split.relation, base + ".relation", &scope, s.name_span);
    }
    rule.steps.push_back(std::move(step));
  }
  scope.current_step = 0xffffffffu;
  if (d.until) {
    std::vector<const Stmt*> until = statements(*d.until);
    rule.until_fn = lower_dispatched(builder, module, until, rule.name + "#until", &scope, d.until_span,
                                     {rule_index, runtime::kUntilStep}, requests);
  }
  for (const OutputDecl& o : d.outputs) {
    rule.outputs.push_back({o.name, lower_value_function(builder, module, *o.value,
                                                         fmt::format("{}#output.{}", rule.name, o.name), &scope)});
  }
}

}  // namespace sesrules::compiler::detail
