// libFuzzer target: the whole compiler (parse, resolve, check, optimize, lower)
// on one arbitrary rule file, plus the formatter and the serializer round trip
// when it compiles. Must never crash, hang or leak; errors are diagnostics.
// Seeds: tests/fuzz/seeds/fuzz_compile/ (the bundled pack and golden cases).
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/compile.h"
#include "compiler/format.h"
#include "compiler/parse.h"
#include "runtime/serialize.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sesrules;
  std::string text(reinterpret_cast<const char*>(data), size);
  compiler::CompileInput input;
  input.files.emplace_back("fuzz.rules", text);
  compiler::CompileResult result = compiler::compile(std::move(input));
  if (!result.modules.empty() && !result.diagnostics.has_errors()) {
    std::string formatted = compiler::format_module(result.modules[0], result.files[0]);
    compiler::Diagnostics diagnostics;
    compiler::SourceFile again("fuzz-formatted.rules", formatted);
    (void)compiler::parse_module(again, 0, diagnostics);
  }
  if (result.program) {
    std::string bytes = runtime::serialize_program(*result.program);
    (void)runtime::deserialize_program(bytes);
  }
  return 0;
}
