// RecordReader: files → decompressed bytes → records → RecordView. The reader
// stage of the log pipeline; the evaluation driver runs one RecordReader per
// thread (not thread-safe; the Program is shared read-only).
// Tested by tests/unit/runtime/record_reader_test.cc and shared_samples_test.cc.
//
// Per file: read whole (or stdin), inflate if the content is gzip (decompress.h),
// or, for a plain {"Records":[...]} file larger than kStreamWindow, stream it
// through a window of that size, so memory does not grow with file size;
// detect the layout (format_detect.h), cut it into records (json_scan.h), drop
// records the prefilter rules out (event_prefilter.h), and extract the Program's field
// paths in one pass (field_extractor.h). Damage is reported per smallest unit and
// reading goes on. Summary counter names (ReadIssue::reason, FileStats::skipped):
//   records_skipped_malformed_json   a record (line, array element, log event) is not valid JSON
//   records_skipped_invalid_utf8     a record contains invalid UTF-8
//   records_skipped_too_deep         nesting deeper than ReaderOptions::max_depth
//   records_skipped_too_large        a record larger than ReaderOptions::max_record_bytes
//   records_skipped_truncated        the file ends inside a record
//   records_skipped_not_an_object    a unit that is valid JSON but not an object (`42`)
//   records_skipped_bad_envelope     EventBridge without a "detail" object, CloudWatch
//                                    payload without "logEvents" or an event without "message"
//   records_damaged_malformed_value  a whole object/array a rule read (materialized only
//                                    then, see record.h) is not valid JSON: the record was
//                                    evaluated, with that field read as missing
//   records_damaged_malformed_json   a record turned out malformed after the members read
//                                    before delivery (lazy records): evaluated, with the
//                                    members after the damage read as missing
//   files_skipped_unreadable         cannot open or read the file
//   files_skipped_not_json           content does not start with '{' or '['
//   files_skipped_malformed_json     framing broken beyond recovery at the start ("Records": 5)
//   files_damaged_malformed_json     framing broken later (missing ',' between elements):
//                                    records before it were read, the rest is skipped
//   files_damaged_truncated          ends after a complete record but before the closing ']'/'}'
//   files_damaged_trailing_garbage   bytes after the end of a Records/array document (ignored)
//   files_skipped_gzip_truncated, files_skipped_gzip_corrupt, files_damaged_gzip,
//   files_skipped_decompression_cap  see decompress.h
// Validation depth: simdjson checks UTF-8 and strings of every record (stage 1),
// and the structure of its top-level members as far as they are read: up to
// eventSource/eventName/eventTime always, further when a rule reads a later member
// (lazy records); every scalar that is read is decoded. Scalars in unread fields are
// not decoded, so a broken literal there (`tru`) goes unnoticed, nor is a tail no
// rule reads walked. A whole object/array the Program reads is decoded only when a
// rule reads it on that record. Prefiltered records are not parsed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/program.h"
#include "runtime/readers/decompress.h"
#include "runtime/readers/dir_cache.h"
#include "runtime/readers/input_walk.h"
#include "runtime/record.h"

namespace sesrules::runtime {

struct ReaderOptions {
  std::uint64_t max_decompressed_bytes = 4ull << 30;
  std::size_t max_record_bytes = 64ull << 20;
  bool use_prefilter = true;
  std::size_t max_depth = 256;   // JSON nesting limit per record
  // Read a record's members only as far as dispatch and the rules need
  // (field_extractor.h); false reads every wanted member before delivery.
  bool lazy_records = true;
  // Walk plain records on their bytes (field_extractor.h, "Raw records"); false:
  // simdjson parses every record. Results are the same either way.
  bool raw_records = true;
};

struct ReadIssue {
  std::string path;
  std::uint64_t record_index = 0;  // record the issue is about (file-level issues: records so far)
  std::uint64_t byte_offset = 0;   // in the decompressed stream
  std::string reason;              // summary counter name (see above)
  std::string message;             // "path: record N (byte M): what happened"
};

struct FileStats {
  std::uint64_t bytes_on_disk = 0, bytes_decompressed = 0, records = 0, records_prefiltered = 0;
  std::map<std::string, std::uint64_t> skipped;  // reason -> count
  bool unreadable = false;
  std::string format;                            // format_name() of the content
};

using RecordCallback = std::function<void(const RecordView&)>;
using IssueCallback = std::function<void(const ReadIssue&)>;

namespace detail {
class UnitParser;
struct FileSession;
}

// Plain CloudTrail files larger than this are read through a window of this size.
inline constexpr std::size_t kStreamWindow = 256 * 1024;

class RecordReader {
 public:
  // Uses program.fields (or the standard slots when it is empty), program.dispatch
  // and program.prefilter_complete. The Program must outlive the reader.
  RecordReader(const Program& program, ReaderOptions options);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // Calls on_record for each record in file order (Provenance filled) and on_issue
  // for each damaged unit, then continues. The RecordView and everything it points
  // to are valid only during the callback. file.path "-" reads stdin.
  FileStats read_file(const InputFile& file, std::uint32_t file_index, const RecordCallback& on_record,
                      const IssueCallback& on_issue);
  // Same for bytes in memory (tests, fuzzing); name is used in messages.
  FileStats read_buffer(std::string_view name, std::string_view bytes, std::uint32_t file_index,
                        const RecordCallback& on_record, const IssueCallback& on_issue);

  std::size_t slot_count() const;

 private:
  class Window;

  // source: null when bytes hold the whole file; else the streamed file's window.
  FileStats process(std::string_view name, std::string_view bytes, std::uint32_t file_index,
                    const RecordCallback& on_record, const IssueCallback& on_issue, Window* source = nullptr);
  // Reads from fd into input_ until it holds `limit` bytes or the file ends (eof).
  bool read_more(int fd, std::size_t limit, bool& eof, std::string& error);
  void reserve_input(std::size_t bytes);
  static FileStats unreadable(const std::string& path, const std::string& error, const IssueCallback& on_issue);

  ReaderOptions options_;
  std::unique_ptr<detail::UnitParser> units_;
  Decompressor decompressor_;
  DirCache dirs_;
  std::unique_ptr<char[]> input_;      // file bytes, followed by kInputPadding bytes
  std::size_t input_capacity_ = 0;
  std::size_t input_size_ = 0;
};

// kStdSlotPaths as key lists: the fields read when a Program lists none.
std::vector<std::vector<std::string>> standard_field_paths();

}  // namespace sesrules::runtime
