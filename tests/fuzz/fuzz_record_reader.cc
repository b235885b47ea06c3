// libFuzzer target for the record readers: any bytes (plain or gzip) through
// RecordReader::read_buffer must neither crash nor trip a sanitizer, every
// delivered value must be readable, and every skipped unit must be reported.
// The raw walker (field_extractor.h) must deliver exactly what simdjson does:
// the same bytes are read with raw_records on and off and must render the same.
// Seeds: tests/fuzz/seeds/fuzz_record_reader/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
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

// Everything a reader delivers and reports for the input, as text.
std::string read_all(rt::RecordReader& reader, std::string_view input) {
  std::string out;
  std::uint64_t delivered = 0, issues = 0;
  const rt::FileStats stats = reader.read_buffer(
      "fuzz", input, 0,
      [&](const rt::RecordView& view) {
        ++delivered;
        out += "record:";
        for (std::uint32_t i = 0; i < view.fields.size(); ++i) {
          rt::append_json(out, view.field(i));  // touch every byte, resolving pending slots
          out += ',';
        }
        out += '\n';
      },
      [&](const rt::ReadIssue& issue) {
        ++issues;
        if (issue.reason.empty() || issue.message.empty()) std::abort();
        out += "issue:" + issue.reason + ":" + issue.message + '\n';
      });
  std::uint64_t skipped = 0;
  for (const auto& [reason, count] : stats.skipped) skipped += count;
  if (delivered + stats.records_prefiltered != stats.records || skipped != issues) std::abort();
  return out;
}

rt::ReaderOptions fuzz_options(bool raw) {
  rt::ReaderOptions options;
  options.max_decompressed_bytes = 16u << 20;  // keep bombs cheap
  options.max_record_bytes = 1u << 20;
  options.max_depth = 64;
  options.raw_records = raw;
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const rt::Program program = make_program();
  static rt::RecordReader raw_reader(program, fuzz_options(true));
  static rt::RecordReader simdjson_reader(program, fuzz_options(false));
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string raw = read_all(raw_reader, input), reference = read_all(simdjson_reader, input);
  if (raw != reference) {
    std::fprintf(stderr, "raw walker:\n%s\nsimdjson:\n%s\n", raw.c_str(), reference.c_str());
    std::abort();
  }
  return 0;
}
