// sesrules: entry point. Wires the subcommands (one cmd_<verb>.cc each) and maps
// command-line errors to exit code 2. See docs/cli.md.
#include <csignal>
#include <cstdio>
#include <map>
#include <string>
#include <system_error>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "stdrules/embedded.h"

int main(int argc, char** argv) {
  using namespace sesrules::cli;
  // A closed pipe (`sesrules eval ... | head -1`) must end quietly: writes then fail
  // with EPIPE, which the sinks report and eval turns into a quiet exit.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"sesrules: compile and evaluate CloudTrail detection rules (SES abuse pack built in)", "sesrules"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       fmt::format("sesrules {} (embedded rule pack {})", SESRULES_VERSION,
                                   sesrules::stdrules::kPackVersion));
  app.footer(
      "Examples:\n"
      "  sesrules eval examples/logs                 run the embedded SES pack over a log folder\n"
      "  sesrules eval --rules my-rules/ -f jsonl -  add user rules, read stdin, JSON Lines out\n"
      "  sesrules lint --format github rules/        annotate a pull request\n"
      "  sesrules test stdrules/                     run rule fixtures\n"
      "Exit codes: 0 ok, 1 findings, 2 usage/rule errors, 3 input errors, 4 output errors (docs/cli.md).");

  std::map<CLI::App*, Action> actions;
  auto add = [&](Action (*registrar)(CLI::App&), const char* name, const char* help) {
    CLI::App* sub = app.add_subcommand(name, help);
    actions[sub] = registrar(*sub);
  };
  add(register_eval, "eval", "Evaluate rules over CloudTrail logs (files, folders, - for stdin)");
  add(register_lint, "lint", "Check rule files: compiler errors plus lints, for pull requests");
  add(register_test, "test", "Run rule fixtures (expected and unexpected alerts)");
  add(register_fmt, "fmt", "Format rule files in the canonical layout");
  add(register_compile, "compile", "Compile rules to a bytecode program file");
  add(register_inspect, "inspect", "Disassemble a compiled program or rule files");
  add(register_explain, "explain", "Show why a rule fired or did not on given events");
#ifdef SESRULES_HAVE_NATS
  add(register_ingest, "ingest", "Publish sequence-relevant records to NATS JetStream (distributed mode)");
  add(register_worker, "worker", "Run sequence rules on owned partitions of the NATS stream (distributed mode)");
  add(register_backfill, "backfill", "Shard a log archive over NATS JetStream and evaluate the shards on many workers");
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (auto& [sub, action] : actions) {
    if (!sub->parsed()) continue;
    try {
      return action();
    } catch (const std::system_error& e) {
      // fmt::print throws when stdout is gone: a closed pipe ends quietly, other
      // write failures are output errors.
      if (e.code() == std::errc::broken_pipe) return kExitOk;
      std::fprintf(stderr, "sesrules: error: %s\n", e.what());
      return kExitOutputError;
    }
  }
  return kExitUsage;
}
