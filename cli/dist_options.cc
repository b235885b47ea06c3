#include "cli/dist_options.h"

#include <cstdlib>

#include "cli/program_loading.h"

namespace sesrules::cli {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

void add_dist_options(CLI::App& app, DistArgs& args) {
  app.add_option("--nats", args.nats_url, "NATS server URL (default $SESRULES_NATS_URL or nats://127.0.0.1:4222)");
  app.add_option("--partitions", args.partitions, "Number of partitions (default $SESRULES_PARTITIONS or 64)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--rules,-r", args.rules, "Rule file or folder to add (repeatable)")->allow_extra_args(false);
  app.add_flag("--no-builtin", args.no_builtin, "Leave the embedded SES pack out");
  app.add_option("--compiled", args.compiled, "Run a program written by `sesrules compile`");
}

std::shared_ptr<const runtime::LoadedProgram> load_dist_program(const DistArgs& args) {
  ProgramRequest request;
  request.sources.paths = args.rules;
  request.sources.builtin = !args.no_builtin;
  request.compiled_path = args.compiled;
  request.use_precompiled_pack = true;
  request.color = stderr_is_terminal();
  return load_program(request);
}

int dist_partitions(const DistArgs& args) {
  if (args.partitions > 0) return args.partitions;
  int from_env = std::atoi(env_or("SESRULES_PARTITIONS", "64").c_str());
  return from_env > 0 ? from_env : 64;
}

runtime::Expected<distributed::NatsConnection> dist_connect(const DistArgs& args, const std::string& name) {
  distributed::ConnectOptions options;
  options.url = args.nats_url.empty() ? env_or("SESRULES_NATS_URL", options.url) : args.nats_url;
  options.name = name;
  return distributed::NatsConnection::connect(options);
}

}  // namespace sesrules::cli
