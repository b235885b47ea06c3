// `sesrules explain --rule NAME EVENTS...`: for each record, each condition of
// the rule with its value (true / false / undefined / a value), and for
// sequences which steps each key reached, then the alerts the rule produced.
//
// How: every top-level condition of the rule's bodies becomes a synthetic value
// helper (`__explain_<body>_<n>`) in an extra source file of the rule's package,
// carrying the body's earlier local assignments, so it can be evaluated on its
// own with the ordinary compiler and VM. Conditions that read an earlier step's
// captures are evaluated by the sequence engine and shown as such.
#include <map>
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/explain_support.h"
#include "cli/program_loading.h"
#include "runtime/evaluate.h"
#include "runtime/sinks/sinks.h"

namespace sesrules::cli {

namespace {

struct ExplainArgs {
  std::string rule;
  std::vector<std::string> events;
  std::vector<std::string> rules;
  std::string event_id;
  bool no_builtin = false;
};

std::string value_text(const runtime::Value& v) {
  if (!v.is_defined()) return "undefined";
  std::string out;
  runtime::append_json(out, v);
  if (out.size() > 60) out = out.substr(0, 57) + "...";
  return out;
}

void print_record_header(const runtime::RecordView& record, const std::string& path) {
  auto text = [&](std::uint32_t slot) {
    const runtime::Value& v = record.field(slot);
    return v.kind == runtime::Kind::String ? std::string(v.str()) : std::string("-");
  };
  fmt::print("\n{} record {}: {} {} {} {} key={}\n", path, record.provenance.record_index,
             text(runtime::kSlotEventTime), text(runtime::kSlotEventSource), text(runtime::kSlotEventName),
             text(runtime::kSlotAwsRegion), text(runtime::kSlotAccessKeyId));
}

// Prints each condition of each body; returns, per body, whether all held.
std::vector<bool> explain_record(ExplainPlan& plan, runtime::Vm& vm, runtime::Arena& arena,
                                 const runtime::RecordView& record) {
  std::vector<bool> held;
  for (const ExplainBody& body : plan.bodies) {
    fmt::print("  {}:\n", body.title);
    bool all = true;
    for (const ExplainCondition& condition : body.conditions) {
      if (condition.function == runtime::kNoFunction) {
        fmt::print("    [relation ] {}   (compared with an earlier step by the sequence engine)\n", condition.text);
        continue;
      }
      arena.reset();
      runtime::Value v = vm.call(condition.function, record, arena);
      bool holds = condition.negated ? !v.holds() : v.holds();
      all = all && holds;
      std::string shown = condition.negated ? fmt::format("not {} -> {}", value_text(v), holds) : value_text(v);
      fmt::print("    [{:<9}] {}   = {}\n", holds ? "holds" : "fails", condition.text, shown);
    }
    fmt::print("    => {}\n", all ? "holds" : "does not hold");
    held.push_back(all);
  }
  return held;
}

class PrintingSink : public runtime::AlertSink {
 public:
  explicit PrintingSink(runtime::OutputStream& out) : text_(runtime::make_sink({}, out)) {}
  runtime::Status emit(const runtime::Alert& alert) override {
    ++count;
    return text_->emit(alert);
  }
  runtime::Status finish(const runtime::RunSummary& summary) override { return text_->finish(summary); }
  std::size_t count = 0;

 private:
  std::unique_ptr<runtime::AlertSink> text_;
};

int run_explain(const ExplainArgs& args) {
  ExplainPlan plan;
  std::string error;
  RuleSourceOptions sources{args.rules, !args.no_builtin};
  if (!build_explain_plan(sources, args.rule, plan, error)) {
    fmt::print(stderr, "sesrules explain: error: {}\n", error);
    return kExitUsage;
  }
  runtime::WalkResult inputs = runtime::collect_inputs(args.events);
  runtime::Vm vm(plan.program);
  runtime::Arena arena;
  runtime::RecordReader reader(plan.program->program(), runtime::ReaderOptions{.use_prefilter = false});
  std::map<std::string, std::set<std::string>> steps_by_key;
  for (std::uint32_t i = 0; i < inputs.files.size(); ++i) {
    const runtime::InputFile& file = inputs.files[i];
    (void)reader.read_file(
        file, i,
        [&](const runtime::RecordView& record) {
          const runtime::Value& id = record.field(runtime::kSlotEventId);
          if (!args.event_id.empty() && !(id.kind == runtime::Kind::String && id.str() == args.event_id)) return;
          print_record_header(record, file.path);
          std::vector<bool> held = explain_record(plan, vm, arena, record);
          std::string key = plan.key_text(vm, arena, record);
          for (std::size_t b = 0; b < held.size(); ++b) {
            if (held[b] && plan.bodies[b].step != runtime::kWholeRule) steps_by_key[key].insert(plan.bodies[b].title);
          }
        },
        [&](const runtime::ReadIssue& issue) {
          fmt::print(stderr, "{}: record {}: {}\n", issue.path, issue.record_index, issue.message);
        });
  }
  if (plan.is_sequence) {
    fmt::print("\nsequence state by key (steps whose local conditions held at least once):\n");
    for (const auto& [key, steps] : steps_by_key) fmt::print("  {}: {}\n", key, fmt::join(steps, ", "));
  }
  fmt::print("\nalerts of {} on these events:\n", plan.rule_name);
  runtime::EvalOptions options;
  options.threads = 1;
  options.rule_enabled.assign(plan.program->program().rules.size(), false);
  options.rule_enabled[plan.rule_index] = true;
  runtime::OutputStream out(stdout);
  PrintingSink sink(out);
  auto result = runtime::evaluate(plan.program, inputs, options, sink, {});
  if (result.ok() && sink.count == 0) fmt::print("  (none)\n");
  return result.ok() ? kExitOk : kExitOutputError;
}

}  // namespace

Action register_explain(CLI::App& app) {
  auto args = std::make_shared<ExplainArgs>();
  app.add_option("--rule", args->rule, "Rule to explain, e.g. ses.abuse_enumeration")->required();
  app.add_option("events", args->events, "Event files or folders")->required();
  app.add_option("--rules,-r", args->rules, "Rule files or folders to add to the embedded pack")->allow_extra_args(false);
  app.add_option("--event-id", args->event_id, "Only explain the record with this eventID");
  app.add_flag("--no-builtin", args->no_builtin, "Leave the embedded pack out");
  app.footer(
      "Examples:\n"
      "  sesrules explain --rule ses.get_account_long_term_key events.json\n"
      "  sesrules explain --rule ses.abuse_enumeration --event-id 3f1c... logs/");
  return [args] { return run_explain(*args); };
}

}  // namespace sesrules::cli
