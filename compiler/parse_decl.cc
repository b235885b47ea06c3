// parse stage, declarations: package/import, constants, defaults, helpers and
// detections (parse-tree nodes -> Module). The grammar accepts sections in any
// order and in either detection kind; misplaced or repeated sections are
// reported here (E411/E412) with a precise message, because the grammar could
// only say "unexpected". Tested by parse_test.cc and check_test.cc.
#include <fmt/format.h>

#include "compiler/grammar.h"
#include "compiler/parse_convert.h"

namespace sesrules::compiler::detail {

namespace g = grammar;

namespace {

std::string last_segment(std::string_view dotted) {
  std::size_t dot = dotted.rfind('.');
  return std::string(dot == std::string_view::npos ? dotted : dotted.substr(dot + 1));
}

}  // namespace

void Converter::package(const Node& node, Module& module) {
  const Node& name = *node.children.at(0);
  module.package = std::string(text(name));
  module.package_span = span(name);
}

void Converter::import(const Node& node, Module& module) {
  ImportDecl decl;
  decl.span = span(node);
  decl.package = std::string(text(*node.children.at(0)));
  decl.alias = node.children.size() > 1 ? std::string(text(*node.children[1]->children.at(0)))
                                        : last_segment(decl.package);
  module.imports.push_back(std::move(decl));
}

void Converter::item(const Node& node, Module& module) {
  if (node.is_type<g::default_decl>()) {
    default_decl(node, module);
  } else if (node.is_type<g::detection>()) {
    detection(node, module);
  } else {
    helper(node, module);
  }
}

void Converter::default_decl(const Node& node, Module& module) {
  DefaultDecl decl;
  decl.span = span(node);
  decl.name = std::string(text(*node.children.at(0)));
  decl.name_span = span(*node.children[0]);
  decl.value = expr(*node.children.at(1));
  if (failed_) return;
  module.items.push_back(Item{Item::Kind::Default, module.defaults.size()});
  module.defaults.push_back(std::move(decl));
}

// constant_or_helper -> name params? (':=' expr)? block?
void Converter::helper(const Node& node, Module& module) {
  HelperDecl decl;
  decl.span = span(node);
  decl.name = std::string(text(*node.children.at(0)));
  decl.name_span = span(*node.children[0]);
  bool has_block = false;
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    const Node& part = *node.children[i];
    if (part.is_type<g::params>()) {
      decl.is_function = true;
      for (const auto& param : part.children) decl.params.push_back(Param{std::string(text(*param)), span(*param)});
    } else if (part.is_type<g::helper_value>()) {
      decl.value = expr(*part.children.at(0));
    } else if (part.is_type<g::block>()) {
      decl.body = block(part);
      has_block = true;
    }
  }
  if (failed_) return;
  if (!has_block && !decl.is_function) {  // `name := expr`: a constant
    ConstantDecl constant{std::move(decl.name), decl.name_span, std::move(decl.value), decl.span};
    module.items.push_back(Item{Item::Kind::Constant, module.constants.size()});
    module.constants.push_back(std::move(constant));
    return;
  }
  module.items.push_back(Item{Item::Kind::Helper, module.helpers.size()});
  module.helpers.push_back(std::move(decl));
}

void Converter::detection(const Node& node, Module& module) {
  DetectionDecl decl;
  decl.span = span(node);
  decl.kind = text(*node.children.at(0)) == "alert" ? DetectionKind::Alert : DetectionKind::Sequence;
  decl.name = std::string(text(*node.children.at(1)));
  decl.name_span = span(*node.children[1]);
  std::vector<std::pair<std::string_view, Span>> seen;
  seen.reserve(node.children.size());  // reserving here and below: one allocation per list, not several
  for (std::size_t i = 2; i < node.children.size(); ++i) {
    const Node& part = *node.children[i];
    if (section_allowed(part, decl, seen)) section(part, decl);
  }
  if (failed_) return;
  module.items.push_back(Item{Item::Kind::Detection, module.detections.size()});
  module.detections.push_back(std::move(decl));
}

// E411/E412: each section once, and only in the detection kind it belongs to.
bool Converter::section_allowed(const Node& node, const DetectionDecl& decl,
                                std::vector<std::pair<std::string_view, Span>>& seen) {
  std::string_view text_of = text(node);
  std::string_view keyword = text_of.substr(0, text_of.find_first_of(" \t\r\n{#"));
  Span keyword_span{file_, span(node).begin, span(node).begin + static_cast<std::uint32_t>(keyword.size())};
  bool is_body = keyword == "ordered" || keyword == "unordered" || keyword == "threshold";
  for (const auto& [previous, previous_span] : seen) {
    bool both_bodies = is_body && (previous == "ordered" || previous == "unordered" || previous == "threshold");
    if (previous == keyword || both_bodies) {
      diagnostics_.add(Diagnostic::make(DiagCode::E412, keyword_span,
                                        both_bodies && previous != keyword
                                            ? fmt::format("a sequence has one body: `{}` after `{}`", keyword, previous)
                                            : fmt::format("`{}` appears twice in `{}`", keyword, decl.name),
                                        "repeated section")
                           .with_secondary(previous_span, "first here"));
      failed_ = true;
      return false;
    }
  }
  seen.emplace_back(keyword, keyword_span);
  bool sequence_only = is_body || keyword == "within" || keyword == "until";
  if (decl.kind == DetectionKind::Alert ? sequence_only : keyword == "when") {
    std::string message = decl.kind == DetectionKind::Alert
                              ? fmt::format("`{}` belongs in a `sequence`, not in an `alert`", keyword)
                              : std::string("`when` belongs in an `alert`; a sequence states its conditions in steps");
    diagnostics_.add(Diagnostic::make(DiagCode::E411, keyword_span, message, "not allowed here"));
    failed_ = true;
    return false;
  }
  return true;
}

void Converter::section(const Node& node, DetectionDecl& decl) {
  if (node.is_type<g::meta_section>()) {
    decl.meta_span = span(node);
    decl.meta.reserve(node.children.size());
    for (const auto& entry : node.children) {
      decl.meta.push_back(MetaEntry{std::string(text(*entry->children.at(0))), span(*entry->children[0]),
                                    expr(*entry->children.at(1)), span(*entry)});
    }
  } else if (node.is_type<g::when_section>()) {
    decl.when_span = span(node);
    decl.when = block(*node.children.at(0));
  } else if (node.is_type<g::output_section>()) {
    decl.output_span = span(node);
    decl.outputs.reserve(node.children.size());
    for (const auto& entry : node.children) {
      decl.outputs.push_back(OutputDecl{std::string(text(*entry->children.at(0))), span(*entry->children[0]),
                                        expr(*entry->children.at(1)), span(*entry)});
    }
  } else if (node.is_type<g::by_section>()) {
    decl.by_span = span(node);
    for (const auto& key : node.children) decl.by.push_back(expr(*key));
  } else if (node.is_type<g::within_section>()) {
    decl.within = duration(*node.children.at(0));
  } else if (node.is_type<g::suppress_section>()) {
    decl.suppress = duration(*node.children.at(0));
  } else if (node.is_type<g::until_section>()) {
    decl.until = block(*node.children.at(0));
    decl.until_span = span(node);
  } else if (node.is_type<g::threshold_section>()) {
    threshold(node, decl);
  } else {
    steps(node, decl);
  }
}

// ordered_section / unordered_section -> (at_least integer)? step_decl+
void Converter::steps(const Node& node, DetectionDecl& decl) {
  decl.sequence_kind = node.is_type<g::ordered_section>() ? SequenceKind::Ordered : SequenceKind::Unordered;
  decl.sequence_kind_span = span(node);
  for (const auto& child : node.children) {
    if (child->is_type<g::at_least>()) {
      std::optional<std::int64_t> k = integer(*child->children.at(0));
      if (k && *k == 0) {
        error(DiagCode::E408, span(*child), "`at_least 0` would match without any event; use 1 or more",
              "out of range");
      }
      decl.at_least = k && *k >= 0 && *k <= 0xffffffffLL ? static_cast<std::uint32_t>(*k) : 0xffffffffu;
      continue;
    }
    StepDecl step;
    step.span = span(*child);
    step.name = std::string(text(*child->children.at(0)));
    step.name_span = span(*child->children[0]);
    step.absent = child->children.size() == 3;
    step.body = block(*child->children.back());
    decl.steps.push_back(std::move(step));
  }
}

// threshold_section -> (kw_count / threshold_distinct operand) integer block
void Converter::threshold(const Node& node, DetectionDecl& decl) {
  decl.sequence_kind = SequenceKind::Threshold;
  decl.sequence_kind_span = span(node);
  const Node& measure = *node.children.at(0);
  if (measure.is_type<g::threshold_distinct>()) {
    decl.threshold_kind = ThresholdKind::Distinct;
    decl.distinct = expr(*measure.children.at(0));
  } else {
    decl.threshold_kind = ThresholdKind::Count;
  }
  decl.threshold_min = integer(*node.children.at(1)).value_or(0);
  StepDecl step;
  step.name = "event";
  step.span = span(*node.children.at(2));
  step.name_span = span(measure);
  step.body = block(*node.children[2]);
  decl.steps.push_back(std::move(step));
}

}  // namespace sesrules::compiler::detail
