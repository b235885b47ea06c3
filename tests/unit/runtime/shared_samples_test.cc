// Reads every CloudTrail sample under SESRULES_SHARED_DIR/data/cloudtrail-samples
// (bare arrays, gzip, trimmed records, fake regions) through RecordReader: zero
// issues and the record counts the samples' PROVENANCE.md states. Skips cleanly
// when the shared directory is absent.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "runtime/program.h"
#include "runtime/readers/input_walk.h"
#include "runtime/readers/record_reader.h"

namespace rt = sesrules::runtime;
namespace fs = std::filesystem;

TEST_CASE("shared CloudTrail samples read cleanly with the expected counts") {
  const fs::path root = fs::path(SESRULES_SHARED_DIR) / "data" / "cloudtrail-samples";
  if (!fs::is_directory(root)) {
    MESSAGE("no shared samples at " << root.string() << ": skipped");
    return;
  }
  // ExpectedSignals.json and PROVENANCE.md are labels and notes, not logs.
  struct Case { std::string name; std::string dir; std::string file_prefix; std::uint64_t files; std::uint64_t records; };
  const Case cases[] = {
      {"stratus", "stratus-red-team", "aws.", 35, 310},
      {"cartographer", "cloud-console-cartographer", "InputEvents", 32, 9226},
  };
  const rt::Program program;
  rt::RecordReader reader(program, {});
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const rt::WalkResult walk = rt::collect_inputs({(root / c.dir).string()});
    CHECK(walk.issues.empty());
    std::uint64_t files = 0, records = 0, timed = 0;
    std::string issues;
    for (std::uint32_t i = 0; i < walk.files.size(); ++i) {
      if (fs::path(walk.files[i].path).filename().string().rfind(c.file_prefix, 0) != 0) continue;
      ++files;
      const rt::FileStats stats = reader.read_file(
          walk.files[i], i, [&](const rt::RecordView& view) { timed += view.has_time; },
          [&](const rt::ReadIssue& issue) { issues += issue.message + "\n"; });
      records += stats.records;
      CHECK(stats.format == "json-array");
    }
    CHECK(issues == "");
    CHECK(files == c.files);
    CHECK(records == c.records);
    CHECK(timed == c.records);
  }
}
