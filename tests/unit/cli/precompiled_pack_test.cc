// The precompiled pack (stdrules/precompile.cc, built into the binary) must be
// exactly what compiling the embedded rule text at start-up gives: same bytes
// when serialized, and load_program picks it only for the default pack.
#include <doctest/doctest.h>

#include <string_view>

#include "cli/program_loading.h"
#include "cli/rule_sources.h"
#include "compiler/compile.h"
#include "runtime/serialize.h"
#include "stdrules/precompiled.h"

using namespace sesrules;

namespace {

std::string_view precompiled_bytes() {
  return {reinterpret_cast<const char*>(stdrules::kPrecompiledPack), stdrules::kPrecompiledPackSize};
}

}  // namespace

TEST_CASE("precompiled pack: identical to compiling the embedded rule text") {
  compiler::CompileInput input;
  input.files = cli::load_rule_sources(cli::RuleSourceOptions{}).files;
  compiler::CompileResult result = compiler::compile(std::move(input));
  REQUIRE(result.program);
  CHECK(runtime::serialize_program(*result.program) == precompiled_bytes());
}

TEST_CASE("precompiled pack: deserializes and loads") {
  auto program = runtime::deserialize_program(precompiled_bytes());
  REQUIRE(program.ok());
  CHECK(!program.value().rules.empty());
  CHECK(runtime::LoadedProgram::load(std::move(program.value())).ok());
}

TEST_CASE("load_program: the precompiled pack only for the plain default pack") {
  cli::ProgramRequest request;
  request.use_precompiled_pack = true;
  CHECK(cli::uses_precompiled_pack(request));
  request.optimize = false;
  CHECK_FALSE(cli::uses_precompiled_pack(request));
  request.optimize = true;
  request.sources.paths = {"my.rules"};
  CHECK_FALSE(cli::uses_precompiled_pack(request));
  request.sources.paths.clear();
  request.sources.builtin = false;
  CHECK_FALSE(cli::uses_precompiled_pack(request));
  request.sources.builtin = true;
  request.compiled_path = "x.bin";
  CHECK_FALSE(cli::uses_precompiled_pack(request));
  request.compiled_path.clear();
  request.use_precompiled_pack = false;
  CHECK_FALSE(cli::uses_precompiled_pack(request));
  cli::ProgramRequest plain;
  plain.use_precompiled_pack = true;
  auto loaded = cli::load_program(plain);
  REQUIRE(loaded);
  CHECK(loaded->program().rules.size() > 5);
}
