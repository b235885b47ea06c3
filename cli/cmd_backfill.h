// `sesrules backfill plan|work`: options shared by both verbs (the rule pack must be
// the same on both sides, and both talk to one NATS server). docs/distributed.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "distributed/nats_connection.h"
#include "runtime/loaded_program.h"

namespace sesrules::cli {

struct BackfillCommonArgs {
  std::string nats_url;
  std::vector<std::string> rules;
  bool no_builtin = false;
};

// --nats (default $SESRULES_NATS_URL, else nats://127.0.0.1:4222), --rules, --no-builtin.
void add_backfill_common_options(CLI::App& app, BackfillCommonArgs& args);

// Null on failure (reported on stderr).
std::shared_ptr<const runtime::LoadedProgram> load_backfill_program(const BackfillCommonArgs& args);

// Connects and ensures the topology; reports failures on stderr (`verb` names the command).
std::unique_ptr<distributed::NatsConnection> connect_backfill(const BackfillCommonArgs& args, const char* verb);

Action register_backfill_work(CLI::App& app);

}  // namespace sesrules::cli
