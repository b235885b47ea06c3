// Options shared by `sesrules ingest` and `sesrules worker`: the NATS server, the
// partition count (defaults from SESRULES_NATS_URL / SESRULES_PARTITIONS, which the
// test fixture exports) and the rule sources, loaded as eval loads them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "distributed/nats_connection.h"
#include "runtime/loaded_program.h"

namespace sesrules::cli {

struct DistArgs {
  std::string nats_url;
  int partitions = 0;
  std::vector<std::string> rules;
  std::string compiled;
  bool no_builtin = false;
};

void add_dist_options(CLI::App& app, DistArgs& args);
// Null on failure (reported on stderr).
std::shared_ptr<const runtime::LoadedProgram> load_dist_program(const DistArgs& args);
// The partition count after defaults: --partitions, else SESRULES_PARTITIONS, else 64.
int dist_partitions(const DistArgs& args);
runtime::Expected<distributed::NatsConnection> dist_connect(const DistArgs& args, const std::string& name);

}  // namespace sesrules::cli
