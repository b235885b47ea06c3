// Input collection: turns the paths given on the command line into the ordered
// list of files the readers will read. First stage of the log pipeline
// (logs ─► readers ─► RecordView). Tested by tests/unit/runtime/input_walk_test.cc.
//
// Ordering (deterministic, independent of directory listing order):
//   1. Files named like CloudTrail deliveries,
//      `<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<id>.json[.gz]`, sort by the
//      delivery timestamp, then by file name, then by path, across every account
//      and region, so records arrive roughly in event-time order.
//   2. All other files come after them, in byte-wise path order (a directory's
//      files therefore stay together and sorted by name).
// sort_key encodes this: "0" + timestamp + name + '\0' + path for deliveries,
// "1" + path for the rest; callers may sort InputFile by sort_key alone.
//
// Never throws and never aborts on a bad path: every problem becomes an
// InputIssue (reason is a summary counter name) and the walk goes on.
//   files_skipped_missing       the path does not exist (or vanished during the walk)
//   files_skipped_unreadable    permission denied, I/O error
//   files_skipped_special       FIFO, socket or device found inside a directory
//   directories_empty           a directory named in paths that yields no log files
//   directories_skipped_loop    a symlink that leads back to a directory already walked
// Duplicates (hard links, a file reached twice) keep the path that sorts first.
// Issues come in argument order, a walked directory's issues sorted by path.
// CloudTrail digest files (`CloudTrail-Digest` in the path) are skipped and only
// counted (digest_files_skipped): they hold hashes, not events.
// "-" is stdin: an InputFile with path "-" and size 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sesrules::runtime {

struct InputFile {
  std::string path;
  std::uint64_t size = 0;   // bytes on disk when collected (0 for stdin and FIFOs)
  std::string sort_key;
};

struct InputIssue {
  std::string path;
  std::string reason;    // summary counter name (see above)
  std::string message;   // one line for a person
};

struct WalkResult {
  std::vector<InputFile> files;   // sorted by sort_key, no duplicates
  std::vector<InputIssue> issues;
  std::uint64_t digest_files_skipped = 0;
  std::uint64_t directories = 0;  // directories walked
};

inline constexpr std::string_view kStdinPath = "-";

// threads: how many threads list directories (at least one; the calling thread is one).
WalkResult collect_inputs(const std::vector<std::string>& paths, unsigned threads = 1);

// The sort key described above for one path (exposed for tests and the driver).
std::string input_sort_key(std::string_view path);

// True for CloudTrail digest files, which carry no events.
bool is_cloudtrail_digest(std::string_view path);

}  // namespace sesrules::runtime
