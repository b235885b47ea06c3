// The subcommands of the sesrules binary. Each cmd_<verb>.cc registers its
// options on the CLI11 app and returns the action to run after parsing; the
// action returns a process exit code from cli/exit_codes.h.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace sesrules::cli {

using Action = std::function<int()>;

Action register_eval(CLI::App& app);
Action register_lint(CLI::App& app);
Action register_test(CLI::App& app);
Action register_fmt(CLI::App& app);
Action register_compile(CLI::App& app);
Action register_inspect(CLI::App& app);
Action register_explain(CLI::App& app);
#ifdef SESRULES_HAVE_NATS
Action register_ingest(CLI::App& app);
Action register_worker(CLI::App& app);
Action register_backfill(CLI::App& app);  // cmd_backfill.cc (needs the NATS client)
#endif

}  // namespace sesrules::cli
