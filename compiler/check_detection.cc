// check stage, detections: meta (E401-E404, W111), bodies present (E413), and
// sequence structure: key and window (E405, E406, E415, W106), steps (E210,
// E407), at_least (E408), threshold bound (E409), outputs (E414).
// Misplaced and repeated sections are reported while parsing (parse_decl.cc).
// Tested by check_test.cc.
#include <fmt/format.h>

#include <array>
#include <regex>

#include "compiler/check.h"

namespace sesrules::compiler::detail {
namespace {

constexpr std::array<const char*, 5> kSeverities = {"info", "low", "medium", "high", "critical"};
constexpr std::array<const char*, 6> kMetaKeys = {"title", "severity", "description", "mitre", "references", "tags"};
constexpr std::int64_t kLongWindowMs = 7LL * 24 * 3600 * 1000;

bool is_mitre_id(const std::string& id) {
  static const std::regex pattern("T[0-9]{4}(\\.[0-9]{3})?");
  return std::regex_match(id, pattern);
}

class DetectionChecker {
 public:
  explicit DetectionChecker(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void check(const DetectionDecl& d) {
    meta(d);
    outputs(d);
    if (d.kind == DetectionKind::Alert) {
      if (d.when.empty()) {
        add(DiagCode::E413, d.name_span, fmt::format("alert `{}` has no conditions", d.name), "needs `when { ... }`");
      }
    } else {
      sequence(d);
    }
    if (d.suppress && d.suppress->ms == 0) add(DiagCode::E415, d.suppress->span, "`suppress` needs a positive duration", "zero");
  }

 private:
  Diagnostic& add(DiagCode code, Span span, std::string message, std::string label) {
    return diagnostics_.add_and_get(Diagnostic::make(code, span, std::move(message), std::move(label)));
  }

  void string_list(const MetaEntry& m, bool mitre) {
    if (m.value->kind != ExprKind::Array && m.value->kind != ExprKind::Set) {
      add(DiagCode::E404, m.value->span, fmt::format("`{}` must be a list of strings such as [\"a\", \"b\"]", m.key),
          "not a list");
      return;
    }
    for (const ExprPtr& item : m.value->children) {
      if (item->kind != ExprKind::String) {
        add(DiagCode::E404, item->span, fmt::format("`{}` must contain only strings", m.key), "not a string");
      } else if (mitre && !is_mitre_id(item->text)) {
        add(DiagCode::E403, item->span, fmt::format("`{}` is not a MITRE ATT&CK technique id", item->text),
            "expected T1234 or T1234.001");
      }
    }
  }

  void severity(const MetaEntry& m) {
    std::string word = m.value->kind == ExprKind::Name || m.value->kind == ExprKind::String ? m.value->text : "";
    for (const char* known : kSeverities) {
      if (word == known) return;
    }
    std::vector<std::string> candidates(kSeverities.begin(), kSeverities.end());
    Diagnostic& d = add(DiagCode::E402, m.value->span,
                        "severity must be one of info, low, medium, high, critical", "unknown severity");
    if (auto close = suggest(word, candidates)) d.with_fix(m.value->span, *close, fmt::format("did you mean `{}`?", *close));
  }

  void meta(const DetectionDecl& d) {
    // A meta block has a handful of entries: a scan, rather than a map built per detection.
    auto first_with_key = [&](std::string_view key) -> const MetaEntry* {
      for (const MetaEntry& e : d.meta) {
        if (e.key == key) return &e;
      }
      return nullptr;
    };
    for (const MetaEntry& m : d.meta) {
      if (const MetaEntry* first = first_with_key(m.key); first != &m) {
        add(DiagCode::E412, m.key_span, fmt::format("meta field `{}` appears twice", m.key), "repeated")
            .with_secondary(first->key_span, "first here");
        continue;
      }
      if (m.key == "title" || m.key == "description") {
        if (m.value->kind != ExprKind::String) add(DiagCode::E404, m.value->span, fmt::format("`{}` must be a string", m.key), "not a string");
      } else if (m.key == "severity") {
        severity(m);
      } else if (m.key == "mitre" || m.key == "references" || m.key == "tags") {
        string_list(m, m.key == "mitre");
      } else {
        std::vector<std::string> candidates(kMetaKeys.begin(), kMetaKeys.end());
        Diagnostic& w = add(DiagCode::W111, m.key_span, fmt::format("unknown meta field `{}` is ignored", m.key), "unknown key");
        if (auto close = suggest(m.key, candidates)) w.with_fix(m.key_span, *close, fmt::format("did you mean `{}`?", *close));
      }
    }
    std::string missing;
    for (const char* required : {"title", "severity", "description"}) {
      if (!first_with_key(required)) missing += std::string(missing.empty() ? "" : ", ") + "`" + required + "`";
    }
    if (!missing.empty()) {
      add(DiagCode::E401, d.name_span, fmt::format("detection `{}` lacks meta {}", d.name, missing), "missing metadata")
          .with_note("every detection needs meta { title: \"...\" severity: low description: \"...\" }");
    }
  }

  void outputs(const DetectionDecl& d) {
    std::map<std::string, Span> seen;
    for (const OutputDecl& o : d.outputs) {
      auto [it, inserted] = seen.emplace(o.name, o.name_span);
      if (!inserted) {
        add(DiagCode::E414, o.name_span, fmt::format("output `{}` is defined twice", o.name), "repeated")
            .with_secondary(it->second, "first here");
      }
    }
  }

  void window(const DetectionDecl& d) {
    if (!d.within) {
      add(DiagCode::E405, d.name_span, fmt::format("sequence `{}` has no time window", d.name), "needs `within`")
          .with_note("add a window such as `within 10m`");
    } else if (d.within->ms == 0) {
      add(DiagCode::E415, d.within->span, "`within` needs a positive duration", "zero");
    } else if (d.within->ms > kLongWindowMs) {
      add(DiagCode::W106, d.within->span, fmt::format("window `{}` is longer than 7 days", d.within->text),
          "long window");
    }
    if (d.by.empty()) {
      add(DiagCode::E406, d.name_span, fmt::format("sequence `{}` has no key", d.name), "needs `by`")
          .with_note("correlate events of one key, e.g. `by input.userIdentity.accessKeyId`");
    }
  }

  void sequence(const DetectionDecl& d) {
    window(d);
    if (d.steps.empty()) {
      add(DiagCode::E413, d.name_span, fmt::format("sequence `{}` has no steps", d.name),
          "needs `ordered`, `unordered` or `threshold`");
      return;
    }
    std::map<std::string, Span> names;
    for (std::size_t i = 0; i < d.steps.size(); ++i) {
      const StepDecl& step = d.steps[i];
      auto [it, inserted] = names.emplace(step.name, step.name_span);
      if (!inserted) {
        add(DiagCode::E210, step.name_span, fmt::format("step `{}` is declared twice", step.name), "repeated step name")
            .with_secondary(it->second, "first here");
      }
      bool last_ordered = d.sequence_kind == SequenceKind::Ordered && i + 1 == d.steps.size();
      if (step.absent && (!last_ordered || i == 0)) {
        add(DiagCode::E407, step.name_span, "an `absent` step must be the last step of an ordered sequence, after another step",
            "absent step here");
      }
    }
    if (d.sequence_kind == SequenceKind::Unordered && d.at_least != 0 &&
        (d.at_least < 1 || d.at_least > d.steps.size())) {
      add(DiagCode::E408, d.sequence_kind_span,
          fmt::format("`at_least {}` must be between 1 and the number of steps ({})", d.at_least, d.steps.size()),
          "out of range");
    }
    if (d.sequence_kind == SequenceKind::Threshold && d.threshold_min < 1) {
      add(DiagCode::E409, d.sequence_kind_span, "a threshold needs a bound of at least 1", "bound below 1");
    }
  }

  Diagnostics& diagnostics_;
};

}  // namespace

void check_detections(const std::vector<Module>& modules, Diagnostics& diagnostics) {
  DetectionChecker checker(diagnostics);
  for (const Module& module : modules) {
    for (const DetectionDecl& d : module.detections) checker.check(d);
  }
}

}  // namespace sesrules::compiler::detail
