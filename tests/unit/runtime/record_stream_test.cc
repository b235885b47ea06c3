// Streaming of big {"Records":[...]} files through RecordReader's window
// (record_reader.h, kStreamWindow): reading the file from disk must deliver
// exactly what reading the same bytes in one piece delivers, records, byte
// offsets and issues alike, also when records straddle the window or exceed it.
#include <doctest/doctest.h>

#include <string>

#include "reader_fixtures.h"

namespace rt = sesrules::runtime;
using rt::testing::ReadOutcome;
using rt::testing::record_json;

namespace {

ReadOutcome read_path(rt::RecordReader& reader, const std::string& path) {
  ReadOutcome outcome;
  outcome.stats = reader.read_file(
      rt::InputFile{path, 0, path}, 7, [&](const rt::RecordView& view) { outcome.records.push_back(rt::testing::summarize(view)); },
      [&](const rt::ReadIssue& issue) { outcome.issues.push_back(issue); });
  return outcome;
}

// Records of varying size (one larger than the window) so boundaries fall everywhere.
std::string big_records_file(std::size_t count) {
  std::string out = "{\"Records\": [\n";
  for (std::size_t i = 0; i < count; ++i) {
    std::string record = record_json(i % 3 ? "GetSendQuota" : "DescribeInstances", "id-" + std::to_string(i));
    // Records larger than the window; the second starts inside the window the
    // first grew and is cut by its end with more than a window's worth kept.
    const std::size_t pad = i == count / 2       ? rt::kStreamWindow * 23 / 10
                            : i == count / 2 + 1 ? rt::kStreamWindow * 2
                            : i == count / 3     ? rt::kStreamWindow + 1000
                                                 : 100 + (i * 37) % 900;
    record.insert(record.size() - 1, ",\"userAgent\":\"" + std::string(pad, 'x') + "\"");
    out += (i ? ",\n" : "") + record;
  }
  return out + "\n]}\n";
}

void check_same(const ReadOutcome& streamed, const ReadOutcome& whole) {
  REQUIRE(streamed.records.size() == whole.records.size());
  for (std::size_t i = 0; i < whole.records.size(); ++i) {
    CAPTURE(i);
    CHECK(streamed.records[i].event_id == whole.records[i].event_id);
    CHECK(streamed.records[i].fields_json == whole.records[i].fields_json);
    CHECK(streamed.records[i].provenance.byte_offset == whole.records[i].provenance.byte_offset);
    CHECK(streamed.records[i].provenance.record_index == whole.records[i].provenance.record_index);
  }
  REQUIRE(streamed.issues.size() == whole.issues.size());
  for (std::size_t i = 0; i < whole.issues.size(); ++i) {
    CHECK(streamed.issues[i].reason == whole.issues[i].reason);
    CHECK(streamed.issues[i].byte_offset == whole.issues[i].byte_offset);
    CHECK(streamed.issues[i].message == whole.issues[i].message);
  }
  CHECK(streamed.stats.records == whole.stats.records);
  CHECK(streamed.stats.records_prefiltered == whole.stats.records_prefiltered);
  CHECK(streamed.stats.skipped == whole.stats.skipped);
}

}  // namespace

TEST_CASE("streamed Records file: same records, offsets and counts as reading it whole") {
  rt::Program program;
  program.dispatch = {rt::DispatchEntry{"", "GetSendQuota", {rt::DispatchTarget{}}}};
  program.prefilter_complete = true;
  const std::string bytes = big_records_file(1500);
  REQUIRE(bytes.size() > 3 * rt::kStreamWindow);
  const rt::testing::ScratchDir dir;
  const std::string path = dir.write("big.json", bytes);
  rt::RecordReader streaming(program, {}), whole(program, {});
  const ReadOutcome streamed = read_path(streaming, path);
  const ReadOutcome expected = rt::testing::read_bytes(whole, bytes, path);
  CHECK(expected.stats.records == 1500);
  CHECK(expected.stats.records_prefiltered == 500);
  CHECK(streamed.stats.bytes_on_disk == bytes.size());
  check_same(streamed, expected);
}

TEST_CASE("streamed Records file: damage is reported where reading it whole reports it") {
  const std::string bytes = big_records_file(900);
  const rt::testing::ScratchDir dir;
  const rt::Program program;
  rt::RecordReader streaming(program, {}), whole(program, {});
  SUBCASE("cut inside a record") {
    const std::string cut = bytes.substr(0, bytes.size() * 2 / 3);
    const std::string path = dir.write("cut.json", cut);
    check_same(read_path(streaming, path), rt::testing::read_bytes(whole, cut, path));
  }
  SUBCASE("missing comma late in the file") {
    std::string broken = bytes;
    broken.erase(broken.rfind(",\n{"), 1);
    const std::string path = dir.write("comma.json", broken);
    check_same(read_path(streaming, path), rt::testing::read_bytes(whole, broken, path));
  }
  SUBCASE("trailing garbage") {
    const std::string tail = bytes + "garbage";
    const std::string path = dir.write("tail.json", tail);
    check_same(read_path(streaming, path), rt::testing::read_bytes(whole, tail, path));
  }
}
