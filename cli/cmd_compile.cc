// `sesrules compile RULES... -o FILE` writes the bytecode program;
// `sesrules inspect FILE|RULES...` prints its disassembly, dispatch index and
// prefilter atoms.
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/fixture_discovery.h"
#include "cli/program_loading.h"
#include "runtime/disassemble.h"
#include "runtime/serialize.h"

namespace sesrules::cli {

namespace {

struct CompileArgs {
  std::vector<std::string> paths;
  std::string output;
  bool no_builtin = false;
  bool no_optimize = false;
};

int run_compile(const CompileArgs& args) {
  ProgramRequest request;
  request.sources.paths = args.paths;
  request.sources.builtin = !args.no_builtin;
  request.optimize = !args.no_optimize;
  request.color = stderr_is_terminal();
  auto program = load_program(request);
  if (!program) return kExitUsage;
  std::string bytes = runtime::serialize_program(program->program());
  std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) {
    fmt::print(stderr, "sesrules compile: error: cannot write {}\n", args.output);
    return kExitOutputError;
  }
  fmt::print(stderr, "wrote {} ({} rules, {} instructions, {} bytes)\n", args.output, program->program().rules.size(),
             program->program().code.size(), bytes.size());
  return kExitOk;
}

struct InspectArgs {
  std::vector<std::string> paths;
  bool no_builtin = false;
  bool no_optimize = false;
};

int run_inspect(const InspectArgs& args) {
  ProgramRequest request;
  bool compiled = args.paths.size() == 1 && args.paths[0].size() > 4 &&
                  args.paths[0].compare(args.paths[0].size() - 4, 4, ".ses") == 0;
  if (compiled) {
    request.compiled_path = args.paths[0];
  } else {
    request.sources.paths = args.paths;
    request.sources.builtin = args.paths.empty() || (!args.no_builtin && needs_builtin_pack(discover_test_inputs(args.paths).rule_files));
  }
  request.optimize = !args.no_optimize;
  request.color = stderr_is_terminal();
  auto program = load_program(request);
  if (!program) return kExitUsage;
  fmt::print("{}", runtime::disassemble(program->program()));
  return kExitOk;
}

}  // namespace

Action register_compile(CLI::App& app) {
  auto args = std::make_shared<CompileArgs>();
  app.add_option("rules", args->paths, "Rule files or folders (the embedded pack is included unless --no-builtin)");
  app.add_option("-o,--output", args->output, "Program file to write (convention: .ses)")->required();
  app.add_flag("--no-builtin", args->no_builtin, "Leave the embedded SES pack out");
  app.add_flag("--no-optimize", args->no_optimize, "Skip constant folding and the dispatch index");
  app.footer("Examples:\n  sesrules compile my-rules/ -o rules.ses\n  sesrules eval --compiled rules.ses logs/");
  return [args] { return run_compile(*args); };
}

Action register_inspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  app.add_option("input", args->paths, "A compiled program (.ses) or rule files/folders (default: the embedded pack)");
  app.add_flag("--no-builtin", args->no_builtin, "With rule files: leave the embedded pack out");
  app.add_flag("--no-optimize", args->no_optimize, "Show the unoptimized program");
  app.footer("Examples:\n  sesrules inspect                  the embedded pack\n  sesrules inspect rules.ses\n  sesrules inspect my-rules/");
  return [args] { return run_inspect(*args); };
}

}  // namespace sesrules::cli
