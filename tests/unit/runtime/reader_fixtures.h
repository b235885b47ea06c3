// Shared helpers for the reader tests: run a RecordReader over bytes and keep
// what it delivered, gzip bytes in memory, and a scratch directory. Used by
// record_reader_test.cc, input_walk_test.cc, decompress_test.cc and friends.
#pragma once

#include <libdeflate.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/program.h"
#include "runtime/readers/record_reader.h"
#include "runtime/value.h"

namespace sesrules::runtime::testing {

struct DeliveredRecord {
  std::string event_name;   // "" when absent or not a string
  std::string event_id;
  std::string fields_json;  // every slot as a JSON array (Undefined renders null)
  Provenance provenance;
  bool has_time = false;
  std::int64_t time_ms = 0;
};

struct ReadOutcome {
  std::vector<DeliveredRecord> records;
  std::vector<ReadIssue> issues;
  FileStats stats;

  std::uint64_t skipped(const std::string& reason) const {
    auto it = stats.skipped.find(reason);
    return it == stats.skipped.end() ? 0 : it->second;
  }
};

inline std::string slot_text(const Value& v) { return v.kind == Kind::String ? std::string(v.str()) : ""; }

inline DeliveredRecord summarize(const RecordView& view) {
  DeliveredRecord out;
  out.event_name = slot_text(view.field(kSlotEventName));
  out.event_id = slot_text(view.field(kSlotEventId));
  out.fields_json = "[";
  for (std::size_t i = 0; i < view.fields.size(); ++i) {
    if (i > 0) out.fields_json += ",";
    append_json(out.fields_json, view.field(static_cast<std::uint32_t>(i)));
  }
  out.fields_json += "]";
  out.provenance = view.provenance;
  out.has_time = view.has_time;
  out.time_ms = view.time_ms;
  return out;
}

inline ReadOutcome read_bytes(RecordReader& reader, std::string_view bytes, std::string_view name = "test.json") {
  ReadOutcome outcome;
  outcome.stats = reader.read_buffer(
      name, bytes, 7, [&](const RecordView& view) { outcome.records.push_back(summarize(view)); },
      [&](const ReadIssue& issue) { outcome.issues.push_back(issue); });
  return outcome;
}

inline ReadOutcome read_bytes(std::string_view bytes, ReaderOptions options = {}) {
  static const Program program;  // no fields: the reader extracts the standard slots
  RecordReader reader(program, options);
  return read_bytes(reader, bytes);
}

inline std::string gzip(std::string_view plain, int level = 6) {
  libdeflate_compressor* compressor = libdeflate_alloc_compressor(level);
  std::string out(libdeflate_gzip_compress_bound(compressor, plain.size()), '\0');
  out.resize(libdeflate_gzip_compress(compressor, plain.data(), plain.size(), out.data(), out.size()));
  libdeflate_free_compressor(compressor);
  return out;
}

inline std::string record_json(std::string_view name, std::string_view id,
                               std::string_view time = "2024-07-31T13:06:24Z") {
  return std::string(R"({"eventVersion":"1.08","eventTime":")") + std::string(time) +
         R"(","eventSource":"ses.amazonaws.com","eventName":")" + std::string(name) +
         R"(","awsRegion":"us-east-1","eventID":")" + std::string(id) + R"("})";
}

// A fresh directory under the system temp dir, removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sesrules-reader-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string write(const std::string& relative, std::string_view bytes) const {
    const std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace sesrules::runtime::testing
