// libFuzzer target for the record readers: any bytes (plain or gzip) through
// RecordReader::read_buffer must neither crash nor trip a sanitizer, every
// delivered value must be readable, and every skipped unit must be reported.
// Seeds: tests/fuzz/seeds/fuzz_record_reader/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/program.h"
#include "runtime/readers/record_reader.h"
#include "runtime/value.h"

namespace rt = sesrules::runtime;

namespace {

rt::Program make_program() {
  rt::Program program;
  program.fields = rt::standard_field_paths();
  program.fields.push_back({"requestParameters"});
  program.fields.push_back({"requestParameters", "serviceCode"});
  program.fields.push_back({"userIdentity", "sessionContext", "attributes", "mfaAuthenticated"});
  return program;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const rt::Program program = make_program();
  static rt::RecordReader reader(program, [] {
    rt::ReaderOptions options;
    options.max_decompressed_bytes = 16u << 20;  // keep bombs cheap
    options.max_record_bytes = 1u << 20;
    options.max_depth = 64;
    return options;
  }());
  std::string sink;
  std::uint64_t delivered = 0, issues = 0;
  const rt::FileStats stats = reader.read_buffer(
      "fuzz", std::string_view(reinterpret_cast<const char*>(data), size), 0,
      [&](const rt::RecordView& view) {
        ++delivered;
        sink.clear();
        for (std::uint32_t i = 0; i < view.fields.size(); ++i) {
          rt::append_json(sink, view.field(i));  // touch every byte, resolving pending slots
        }
      },
      [&](const rt::ReadIssue& issue) {
        ++issues;
        if (issue.reason.empty() || issue.message.empty()) std::abort();
      });
  std::uint64_t skipped = 0;
  for (const auto& [reason, count] : stats.skipped) skipped += count;
  if (delivered + stats.records_prefiltered != stats.records || skipped != issues) std::abort();
  return 0;
}
