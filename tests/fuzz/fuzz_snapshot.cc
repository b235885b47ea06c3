// libFuzzer target for checkpoints (runtime/stream/snapshot.h): any bytes given
// to PartitionProcessor::restore must end in an error Status or a processor that
// can snapshot itself again, never a crash or a sanitizer report. Each input is
// tried twice: as a whole snapshot (exercising the frame checks), and as a
// payload behind a valid header and checksum (so mutations reach the decoder).
// Seeds: tests/fuzz/seeds/fuzz_snapshot/ (real snapshots of the bundled pack).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "compiler/compile.h"
#include "runtime/loaded_program.h"
#include "runtime/stream/partition_processor.h"
#include "stdrules/embedded.h"

namespace rt = sesrules::runtime;

namespace {

std::shared_ptr<const rt::LoadedProgram> bundled_pack() {
  sesrules::compiler::CompileInput input;
  for (std::size_t i = 0; i < sesrules::stdrules::kFileCount; ++i) {
    input.files.emplace_back(sesrules::stdrules::kFiles[i].path, sesrules::stdrules::kFiles[i].text);
  }
  auto result = sesrules::compiler::compile(std::move(input));
  if (!result.program) std::abort();
  auto loaded = rt::LoadedProgram::load(std::move(*result.program));
  if (!loaded.ok()) std::abort();
  return loaded.value();
}

void restore(const std::shared_ptr<const rt::LoadedProgram>& program, std::string_view bytes) {
  auto result = rt::stream::PartitionProcessor::restore(program, {}, bytes, nullptr);
  if (!result.ok()) {
    if (result.status().message().empty()) std::abort();
    return;
  }
  (void)result.value().snapshot();
}

std::string framed(std::string_view payload) {
  std::string out(rt::stream::kSnapshotMagic);
  auto word = [&](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  };
  word(rt::stream::kSnapshotVersion, 4);
  word(rt::stream::snapshot_checksum(payload), 4);
  word(payload.size(), 8);
  out.append(payload);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto program = bundled_pack();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  restore(program, bytes);
  restore(program, framed(bytes.size() >= 24 ? bytes.substr(24) : bytes));
  return 0;
}
