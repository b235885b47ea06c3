// libFuzzer target for gzip inflation: arbitrary bytes (made to start with the
// gzip magic) through Decompressor must not crash, must respect the cap, and a
// clean result must re-inflate to the same bytes with a fresh Decompressor.
// Seeds: tests/fuzz/seeds/fuzz_gzip/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runtime/readers/decompress.h"

namespace rt = sesrules::runtime;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::uint64_t kCap = 8u << 20;
  static rt::Decompressor reused(kCap);  // exercises buffer reuse across inputs
  std::string input = "\x1f\x8b";
  input.append(reinterpret_cast<const char*>(data), size);
  const rt::DecompressResult result = reused.decompress("fuzz.gz", input);
  if (result.data.size() > kCap) std::abort();
  if (result.reason.empty() != result.message.empty()) std::abort();
  if (result.reason.empty()) {
    const std::string first(result.data);
    rt::Decompressor fresh(kCap);
    if (fresh.decompress("fuzz.gz", input).data != first) std::abort();
  }
  return 0;
}
