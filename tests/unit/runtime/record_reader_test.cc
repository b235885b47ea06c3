// Tests runtime/readers/record_reader.cc, unit_parser.cc and record_framing.cc:
// every input format (plain and gzip), damaged units, prefiltering, provenance.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "reader_fixtures.h"

namespace rt = sesrules::runtime;
using rt::testing::gzip;
using rt::testing::read_bytes;
using rt::testing::ReadOutcome;
using rt::testing::record_json;

namespace {

std::string names(const ReadOutcome& outcome) {
  std::string out;
  for (const auto& record : outcome.records) out += (out.empty() ? "" : ",") + record.event_name;
  return out;
}

std::string reasons(const ReadOutcome& outcome) {
  std::string out;
  for (const auto& issue : outcome.issues) out += (out.empty() ? "" : ",") + issue.reason;
  return out;
}

std::string json_string(const std::string& text) {
  std::string out;
  rt::append_json(out, rt::Value::from_string(text));
  return out;
}

const std::string kA = record_json("A", "id-a"), kB = record_json("B", "id-b"), kC = record_json("C", "id-c");

std::string cloudwatch(const std::vector<std::string>& records) {
  std::string out = R"({"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"aws-cloudtrail","logEvents":[)";
  for (std::size_t i = 0; i < records.size(); ++i) {
    out += (i ? "," : "") + std::string(R"({"id":"3)") + std::to_string(i) + R"(","timestamp":1722431184000,"message":)" +
           json_string(records[i]) + "}";
  }
  return out + "]}";
}

std::string eventbridge(const std::string& record) {
  return R"({"version":"0","id":"e","detail-type":"AWS API Call via CloudTrail","source":"aws.ses","detail":)" + record + "}";
}

}  // namespace

TEST_CASE("RecordReader reads every format, plain and gzip") {
  struct Case { std::string name; std::string input; const char* format; };
  const Case cases[] = {
      {"records file", "{\"Records\":[" + kA + "," + kB + "," + kC + "]}", "cloudtrail-records"},
      {"records file, pretty", "{\n  \"Records\": [\n    " + kA + ",\n    " + kB + ",\n" + kC + "\n  ]\n}\n", "cloudtrail-records"},
      {"bare array", "[" + kA + ",\n" + kB + ",\n" + kC + "]", "json-array"},
      {"json lines", kA + "\n" + kB + "\n" + kC, "json-lines"},
      {"json lines, CRLF and blank lines", "\r\n" + kA + "\r\n\r\n  \r\n" + kB + "\r\n" + kC + "\r\n\r\n", "json-lines"},
      {"BOM then records", "\xEF\xBB\xBF{\"Records\":[" + kA + "," + kB + "," + kC + "]}", "cloudtrail-records"},
      {"concatenated pretty objects", "{\n \"eventName\": \"A\"\n}\n{\n \"eventName\": \"B\"\n}{\"eventName\":\"C\"}", "json-concatenated"},
      {"cloudwatch payload", cloudwatch({kA, kB, kC}), "cloudwatch-single"},
      {"cloudwatch payloads concatenated", cloudwatch({kA}) + cloudwatch({kB, kC}), "cloudwatch-concatenated"},
      {"cloudwatch payloads per line", cloudwatch({kA, kB}) + "\n" + cloudwatch({kC}) + "\n", "cloudwatch-lines"},
      {"eventbridge lines", eventbridge(kA) + "\n" + eventbridge(kB) + "\n" + eventbridge(kC), "eventbridge-lines"},
      {"eventbridge array", "[" + eventbridge(kA) + "," + eventbridge(kB) + "," + eventbridge(kC) + "]", "eventbridge-array"},
  };
  const rt::Program program;
  rt::RecordReader reader(program, {});
  for (const Case& c : cases) {
    for (const bool compressed : {false, true}) {
      CAPTURE(c.name);
      CAPTURE(compressed);
      const std::string bytes = compressed ? gzip(c.input) : c.input;
      const ReadOutcome outcome = read_bytes(reader, bytes);
      CHECK(reasons(outcome) == "");
      CHECK(names(outcome) == "A,B,C");
      CHECK(outcome.stats.records == 3);
      CHECK(outcome.stats.format == c.format);
      CHECK(outcome.stats.bytes_on_disk == bytes.size());
      CHECK(outcome.stats.bytes_decompressed == c.input.size());
      for (std::size_t i = 0; i < outcome.records.size(); ++i) {
        CHECK(outcome.records[i].provenance.record_index == i);
        CHECK(outcome.records[i].provenance.file_index == 7);
        CHECK(c.input[outcome.records[i].provenance.byte_offset] == '{');
      }
    }
  }
}

TEST_CASE("RecordReader single record, standard slots and time") {
  const std::string record =
      R"({"eventTime":"2024-07-31T13:06:24.5Z","eventID":"e1","eventSource":"ses.amazonaws.com","eventName":"GetSendQuota",)"
      R"("awsRegion":"us-north-2r","sourceIPAddress":"1.2.3.4","userIdentity":{"arn":"arn:aws:iam::1:user/u","accessKeyId":"AKIA1"},)"
      R"("errorCode":null,"recipientAccountId":"111122223333","requestParameters":{"big":[1,2,3]}})";
  const ReadOutcome outcome = read_bytes(record);
  REQUIRE(outcome.records.size() == 1);
  CHECK(outcome.stats.format == "json-single");
  CHECK(outcome.records[0].fields_json ==
        R"(["2024-07-31T13:06:24.5Z","e1","ses.amazonaws.com","GetSendQuota","us-north-2r","1.2.3.4",)"
        R"("arn:aws:iam::1:user/u","AKIA1",null,"111122223333"])");
  CHECK(outcome.records[0].has_time);
  CHECK(outcome.records[0].time_ms == 1722431184500);
}

TEST_CASE("RecordReader: records without a usable eventTime are still delivered") {
  struct Case { std::string name; std::string input; };
  const Case cases[] = {
      {"missing", R"({"eventName":"A"})"},
      {"number", R"({"eventName":"A","eventTime":1722431184})"},
      {"malformed", R"({"eventName":"A","eventTime":"yesterday"})"},
      {"null", R"({"eventName":"A","eventTime":null})"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const ReadOutcome outcome = read_bytes(c.input);
    REQUIRE(outcome.records.size() == 1);
    CHECK(outcome.issues.empty());
    CHECK_FALSE(outcome.records[0].has_time);
  }
}

TEST_CASE("RecordReader: damaged units are skipped, reported and counted") {
  const std::string deep = std::string(300, '[') + std::string(300, ']');
  struct Case {
    std::string name; std::string input; const char* names; const char* reasons; std::string message_part;
  };
  const Case cases[] = {
      {"malformed line in the middle", kA + "\n{\"eventName\":\"X\",\n" + kB + "\n" + kC, "A,B,C",
       "records_skipped_malformed_json", "test.json: record 1 (byte " + std::to_string(kA.size() + 1) + ")"},
      {"garbage line", kA + "\nnot json at all\n" + kB, "A,B", "records_skipped_malformed_json", "record 1"},
      {"trailing text on a line", kA + " junk\n" + kB + "\n" + kC, "B,C", "records_skipped_malformed_json", "record 0"},
      {"bad literal where read", kA + "\n{\"eventName\":tru}\n" + kB, "A,B", "records_skipped_malformed_json", "record 1"},
      {"invalid utf-8", kA + "\n{\"eventName\":\"\xC3\x28\"}\n" + kB, "A,B", "records_skipped_invalid_utf8", "record 1"},
      {"NUL bytes inside a string", kA + "\n{\"eventName\":\"a" + std::string(1, '\0') + "b\"}\n" + kB, "A,B",
       "records_skipped_malformed_json", "record 1"},
      {"NUL bytes after the records", kA + "\n" + kB + "\n" + std::string(64, '\0'), "A,B", "records_skipped_malformed_json", "record 2"},
      {"deep nesting in a line", kA + "\n{\"x\":" + deep + "}\n" + kB, "A,B", "records_skipped_too_deep", "depth"},
      {"deep nesting in a Records array", "{\"Records\":[" + kA + ",{\"x\":" + deep + "}," + kB + "]}", "A,B",
       "records_skipped_too_deep", "record 1"},
      {"records file cut off", "{\"Records\":[" + kA + "," + kB + "," + kC.substr(0, 40), "A,B",
       "records_skipped_truncated", "record 2"},
      {"records file cut after a record", "{\"Records\":[" + kA + "," + kB, "A,B", "files_damaged_truncated", "closing ']'"},
      {"records file missing final brace", "{\"Records\":[" + kA + "]", "A", "files_damaged_truncated", "closing '}'"},
      {"trailing garbage after records", "{\"Records\":[" + kA + "]}\nxyz", "A", "files_damaged_trailing_garbage", "3 bytes"},
      {"missing comma in array", "[" + kA + " " + kB + "]", "A", "files_damaged_malformed_json", "expected ','"},
      {"malformed element in array", "[" + kA + ",{\"eventName\":\"X\" \"y\":1}," + kB + "]", "A,B",
       "records_skipped_malformed_json", "record 1"},
      {"non-object element", "[" + kA + ",42,\"s\"," + kB + "]", "A,B",
       "records_skipped_not_an_object,records_skipped_not_an_object", "record 1"},
      {"Records not an array", R"({"Records":{"a":1}})", "", "files_skipped_malformed_json", "not an array"},
      {"not json", "PK\x03\x04 zip file", "", "files_skipped_not_json", "0x50"},
      {"eventbridge without detail", eventbridge(kA) + "\n{\"detail-type\":\"x\",\"detail\":\"s\"}\n" + eventbridge(kB), "A,B",
       "records_skipped_bad_envelope", "record 1"},
      {"cloudwatch event without message", R"({"messageType":"DATA_MESSAGE","logEvents":[{"id":"1"},{"message":)" +
                                                json_string(kA) + "}]}", "A", "records_skipped_bad_envelope", "record 0"},
      {"cloudwatch message that is not JSON", R"({"messageType":"DATA_MESSAGE","logEvents":[{"message":"hello"},{"message":)" +
                                                   json_string(kB) + "}]}", "B", "records_skipped_malformed_json", "record 0"},
      {"cloudwatch without logEvents", "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":5}\n" + cloudwatch({kA}), "A",
       "records_skipped_bad_envelope", "logEvents"},
      {"concatenated, last one cut", "{\n\"eventName\": \"A\"\n}\n{\n\"eventName\": \"B\"\n}\n{\"eventName\":", "A,B", "records_skipped_truncated", "record 2"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const ReadOutcome outcome = read_bytes(c.input);
    CAPTURE(names(outcome));
    CAPTURE(reasons(outcome));
    CHECK(names(outcome) == c.names);
    CHECK(reasons(outcome) == c.reasons);
    REQUIRE(!outcome.issues.empty());
    CAPTURE(outcome.issues[0].message);
    CHECK(outcome.issues[0].message.find(c.message_part) != std::string::npos);
    CHECK(outcome.issues[0].path == "test.json");
    std::uint64_t skipped = 0;
    for (const auto& [reason, count] : outcome.stats.skipped) skipped += count;
    CHECK(skipped == outcome.issues.size());
  }
}

TEST_CASE("RecordReader: CloudWatch control messages carry no records and no issues") {
  const ReadOutcome outcome = read_bytes(
      R"({"messageType":"CONTROL_MESSAGE","logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]})");
  CHECK(outcome.records.empty());
  CHECK(outcome.issues.empty());
}

TEST_CASE("RecordReader: record size limit") {
  rt::ReaderOptions options;
  options.max_record_bytes = 100;
  const std::string big = R"({"eventName":"Big","pad":")" + std::string(200, 'x') + "\"}";
  const ReadOutcome outcome = read_bytes(kA.substr(0, 0) + R"({"eventName":"A"})" + "\n" + big + "\n" + R"({"eventName":"C"})", options);
  CHECK(names(outcome) == "A,C");
  CHECK(reasons(outcome) == "records_skipped_too_large");
  CHECK(outcome.issues[0].record_index == 1);
}

TEST_CASE("RecordReader: gzip damage and the decompression cap") {
  const std::string lines = kA + "\n" + kB + "\n";
  const std::string whole = gzip(lines);
  struct Case { std::string name; std::string input; rt::ReaderOptions options; const char* names; const char* reasons; };
  rt::ReaderOptions small_cap;
  small_cap.max_decompressed_bytes = 64;
  const Case cases[] = {
      {"truncated gzip", whole.substr(0, whole.size() / 2), {}, "", "files_skipped_gzip_truncated"},
      {"second member truncated", gzip(kC + "\n") + whole.substr(0, whole.size() - 2), {}, "C", "files_damaged_gzip"},
      {"bomb over the cap", whole, small_cap, "", "files_skipped_decompression_cap"},
      {"gzip of nothing", gzip(""), {}, "", ""},
      {"empty file", "", {}, "", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const ReadOutcome outcome = read_bytes(c.input, c.options);
    CHECK(names(outcome) == c.names);
    CHECK(reasons(outcome) == c.reasons);
  }
}

TEST_CASE("RecordReader: prefilter skips records no dispatch entry names") {
  rt::Program program;
  program.dispatch = {rt::DispatchEntry{"", "GetSendQuota", {rt::DispatchTarget{}}},
                      rt::DispatchEntry{"", "ListIdentities", {rt::DispatchTarget{}}}};
  program.prefilter_complete = true;
  const std::string input = record_json("GetSendQuota", "1") + "\n" + record_json("DescribeInstances", "2") + "\n" +
                            record_json("ListIdentities", "3") + "\n" + record_json("RunInstances", "4") + "\n";
  {
    rt::RecordReader reader(program, {});
    const ReadOutcome outcome = read_bytes(reader, input);
    CHECK(names(outcome) == "GetSendQuota,ListIdentities");
    CHECK(outcome.stats.records == 4);
    CHECK(outcome.stats.records_prefiltered == 2);
    CHECK(outcome.records[1].provenance.record_index == 2);
  }
  for (const bool disable : {true, false}) {
    CAPTURE(disable);
    rt::ReaderOptions options;
    options.use_prefilter = !disable;
    rt::Program incomplete = program;
    incomplete.prefilter_complete = disable;  // either switch alone turns it off
    rt::RecordReader reader(incomplete, options);
    const ReadOutcome outcome = read_bytes(reader, input);
    CHECK(outcome.stats.records == 4);
    CHECK(outcome.stats.records_prefiltered == 0);
    CHECK(outcome.records.size() == 4);
  }
}

TEST_CASE("RecordReader: program field paths decide the slots") {
  rt::Program program;
  for (const auto& path : rt::standard_field_paths()) program.fields.push_back(path);
  program.fields.push_back({"requestParameters", "identity"});
  program.fields.push_back({"userIdentity"});
  rt::RecordReader reader(program, {});
  CHECK(reader.slot_count() == rt::kStdSlotCount + 2);
  const ReadOutcome outcome = read_bytes(
      reader, R"({"eventName":"X","requestParameters":{"identity":"a@b.c"},"userIdentity":{"type":"IAMUser","accessKeyId":"AKIA"}})");
  REQUIRE(outcome.records.size() == 1);
  CHECK(outcome.records[0].fields_json ==
        R"([null,null,null,"X",null,null,null,"AKIA",null,null,"a@b.c",{"type":"IAMUser","accessKeyId":"AKIA"}])");
}

TEST_CASE("RecordReader: whole objects are materialized on access, a malformed one is reported") {
  rt::Program program;
  for (const auto& path : rt::standard_field_paths()) program.fields.push_back(path);
  program.fields.push_back({"requestParameters"});
  program.fields.push_back({"requestParameters", "name"});
  rt::RecordReader reader(program, {});
  const std::string bytes =
      "{\"eventName\":\"A\",\"requestParameters\":{\"name\":\"n1\",\"tags\":[1,{\"k\":\"v\\\"\"}]}}\n"
      "{\"eventName\":\"B\",\"requestParameters\":{\"name\":\"n2\",\"bad\":tru}}\n"
      "{\"eventName\":\"C\",\"requestParameters\":[\"x\"]}\n";
  std::vector<std::string> untouched;  // the slot as a reader bypassing field() sees it
  ReadOutcome outcome;
  outcome.stats = reader.read_buffer(
      "test.json", bytes, 0,
      [&](const rt::RecordView& view) {
        untouched.push_back(rt::is_pending(view.fields[rt::kStdSlotCount]) ? "pending" : "materialized");
        outcome.records.push_back(rt::testing::summarize(view));
      },
      [&](const rt::ReadIssue& issue) { outcome.issues.push_back(issue); });
  REQUIRE(outcome.records.size() == 3);
  CHECK(untouched == std::vector<std::string>{"pending", "pending", "pending"});
  CHECK(outcome.records[0].fields_json ==
        R"([null,null,null,"A",null,null,null,null,null,null,{"name":"n1","tags":[1,{"k":"v\""}]},"n1"])");
  // The malformed value reads as missing; the record is still delivered, the damage reported.
  CHECK(outcome.records[1].fields_json == R"([null,null,null,"B",null,null,null,null,null,null,null,"n2"])");
  CHECK(outcome.records[2].fields_json == R"([null,null,null,"C",null,null,null,null,null,null,["x"],null])");
  CHECK(outcome.stats.records == 3);
  CHECK(outcome.skipped("records_damaged_malformed_value") == 1);
  REQUIRE(outcome.issues.size() == 1);
  CHECK(outcome.issues[0].reason == "records_damaged_malformed_value");
  CHECK(outcome.issues[0].record_index == 1);
  CHECK(outcome.issues[0].byte_offset == bytes.find("{\"eventName\":\"B\""));
  CHECK(outcome.issues[0].message.find("test.json: record 1 (byte ") == 0);
  CHECK(outcome.issues[0].message.find("requestParameters is not valid JSON") != std::string::npos);
}

TEST_CASE("RecordReader: a record is read as far as its readers need, damage there is reported") {
  rt::Program program;
  for (const auto& path : rt::standard_field_paths()) program.fields.push_back(path);
  // The second record breaks after eventName; the third after awsRegion. The
  // pass pauses after eventTime, eventSource and eventName (all three present).
  const std::string head = "{\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventSource\":\"s\",";
  const std::string bytes = head + "\"eventName\":\"A\",\"awsRegion\":\"r1\",\"eventID\":\"e1\"}\n" + head +
                            "\"eventName\":\"B\",\"awsRegion\" \"r2\",\"eventID\":\"e2\"}\n" + head +
                            "\"eventName\":\"C\",\"awsRegion\":\"r3\",\"x\" 1,\"eventID\":\"e3\"}\n";
  auto read = [&](bool lazy, bool read_all) {
    rt::ReaderOptions options;
    options.lazy_records = lazy;
    rt::RecordReader reader(program, options);
    ReadOutcome outcome;
    outcome.stats = reader.read_buffer(
        "test.json", bytes, 0,
        [&](const rt::RecordView& view) {
          rt::testing::DeliveredRecord record;
          record.event_name = rt::testing::slot_text(view.field(rt::kSlotEventName));
          record.fields_json = rt::testing::slot_text(view.field(rt::kSlotAwsRegion));
          if (read_all) record = rt::testing::summarize(view);
          outcome.records.push_back(record);
        },
        [&](const rt::ReadIssue& issue) { outcome.issues.push_back(issue); });
    return outcome;
  };
  // Eager: every wanted member is read before delivery, so both damaged records are skipped.
  const ReadOutcome eager = read(false, false);
  CHECK(names(eager) == "A");
  CHECK(eager.skipped("records_skipped_malformed_json") == 2);
  // Lazy, reading only eventName and awsRegion: B's damage is met while reading on
  // (reported, awsRegion missing); C's lies beyond what was read.
  const ReadOutcome lazy = read(true, false);
  CHECK(names(lazy) == "A,B,C");
  REQUIRE(lazy.records.size() == 3);
  CHECK(lazy.records[1].fields_json.empty());
  CHECK(lazy.records[2].fields_json == "r3");
  CHECK(lazy.skipped("records_damaged_malformed_json") == 1);
  REQUIRE(lazy.issues.size() == 1);
  CHECK(lazy.issues[0].record_index == 1);
  CHECK(lazy.issues[0].byte_offset == bytes.find(head + "\"eventName\":\"B\""));
  CHECK(lazy.issues[0].message.find("test.json: record 1 (byte ") == 0);
  CHECK(lazy.issues[0].message.find("not valid JSON after the members read so far") != std::string::npos);
  // Lazy, reading every slot: both damages are reported, once per record.
  const ReadOutcome all = read(true, true);
  CHECK(names(all) == "A,B,C");
  CHECK(all.skipped("records_damaged_malformed_json") == 2);
  REQUIRE(all.records.size() == 3);
  CHECK(all.records[2].event_id.empty());
  CHECK(all.records[0].event_id == "e1");
}

TEST_CASE("RecordReader: pending objects resolve inside EventBridge envelopes and CloudWatch messages") {
  rt::Program program;
  for (const auto& path : rt::standard_field_paths()) program.fields.push_back(path);
  program.fields.push_back({"requestParameters"});
  rt::RecordReader reader(program, {});
  const std::string record = R"({"eventName":"A","requestParameters":{"to":["a@b.c"],"s":"\u00e9"}})";
  const std::string expected = R"([null,null,null,"A",null,null,null,null,null,null,{"to":["a@b.c"],"s":"é"}])";
  for (const std::string& input : {eventbridge(record), cloudwatch({record, record})}) {
    CAPTURE(input);
    const ReadOutcome outcome = read_bytes(reader, input);
    REQUIRE(!outcome.records.empty());
    for (const auto& delivered : outcome.records) CHECK(delivered.fields_json == expected);
    CHECK(outcome.issues.empty());
  }
}

TEST_CASE("RecordReader::read_file reads from disk and stdin, reports unreadable files") {
  const rt::testing::ScratchDir dir;
  const std::string path = dir.write("logs/111122223333_CloudTrail_us-east-1_20240731T1305Z_abc.json.gz",
                                     gzip("{\"Records\":[" + kA + "," + kB + "]}"));
  const rt::Program program;
  rt::RecordReader reader(program, {});
  std::vector<std::string> seen, issues;
  auto on_record = [&](const rt::RecordView& view) { seen.push_back(std::string(view.field(rt::kSlotEventName).str())); };
  auto on_issue = [&](const rt::ReadIssue& issue) { issues.push_back(issue.reason); };

  rt::FileStats stats = reader.read_file({path, 0, ""}, 0, on_record, on_issue);
  CHECK(seen == std::vector<std::string>{"A", "B"});
  CHECK(stats.format == "cloudtrail-records");
  CHECK_FALSE(stats.unreadable);

  stats = reader.read_file({(dir.path() / "missing.json").string(), 0, ""}, 1, on_record, on_issue);
  CHECK(stats.unreadable);
  CHECK(issues == std::vector<std::string>{"files_skipped_unreadable"});

  // stdin: point fd 0 at a file for the duration of the call.
  const std::string stdin_path = dir.write("stdin.json", kC + "\n" + kA + "\n");
  const int saved = ::dup(STDIN_FILENO);
  const int fd = ::open(stdin_path.c_str(), O_RDONLY);
  REQUIRE(::dup2(fd, STDIN_FILENO) == STDIN_FILENO);
  ::close(fd);
  seen.clear();
  stats = reader.read_file({"-", 0, ""}, 2, on_record, on_issue);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  CHECK(seen == std::vector<std::string>{"C", "A"});
  CHECK(stats.format == "json-lines");
}

TEST_CASE("RecordReader: reuse across files gives identical results") {
  const rt::Program program;
  rt::RecordReader reader(program, {});
  const std::string big = "{\"Records\":[" + kA + "," + std::string(R"({"eventName":"Big","x":")") +
                          std::string(300000, 'y') + "\"}," + kB + "]}";
  const ReadOutcome first = read_bytes(reader, big);
  const ReadOutcome small = read_bytes(reader, kC);
  const ReadOutcome second = read_bytes(reader, gzip(big));
  CHECK(names(first) == "A,Big,B");
  CHECK(names(small) == "C");
  CHECK(names(second) == "A,Big,B");
  CHECK(first.records[2].fields_json == second.records[2].fields_json);
}

// The malformed-log corpus: tests/corpus/logs/<case> with its golden
// <case>.expected (records and issues in callback order, then the counters).
// SESRULES_UPDATE_GOLDEN=1 rewrites the goldens; review their diff like code.
// The raw walker must not change a byte of it (every slot is read, so lazy
// records see damage anywhere in a record; eager reading differs there only in
// skipping such a record instead of delivering it as damaged).
TEST_CASE("RecordReader: malformed-log corpus matches its goldens") {
  rt::ReaderOptions options;
  SUBCASE("raw walker") {}
  SUBCASE("simdjson") { options.raw_records = false; }
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(SESRULES_SOURCE_DIR) / "tests" / "corpus" / "logs";
  const bool update = std::getenv("SESRULES_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".expected") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  REQUIRE(inputs.size() >= 15);
  const rt::Program program;
  rt::RecordReader reader(program, options);
  for (const fs::path& input : inputs) {
    const std::string name = input.filename().string();
    CAPTURE(name);
    std::string rendered;
    const rt::FileStats stats = reader.read_file(
        {input.string(), 0, ""}, 0,
        [&](const rt::RecordView& view) {
          const auto summary = rt::testing::summarize(view);
          rendered += fmt::format("record {} (byte {}) time={}: {}\n", view.provenance.record_index,
                                  view.provenance.byte_offset,
                                  view.has_time ? rt::format_event_time(view.time_ms) : "none", summary.fields_json);
        },
        [&](const rt::ReadIssue& issue) {
          std::string message = issue.message;
          const std::string prefix = input.string();
          if (message.rfind(prefix, 0) == 0) message = name + message.substr(prefix.size());
          rendered += fmt::format("issue {}: {}\n", issue.reason, message);
        });
    rendered += fmt::format("format={} bytes_on_disk={} bytes_decompressed={} records={} prefiltered={}\n",
                            stats.format, stats.bytes_on_disk, stats.bytes_decompressed, stats.records,
                            stats.records_prefiltered);
    for (const auto& [reason, count] : stats.skipped) rendered += fmt::format("skipped {}={}\n", reason, count);
    const fs::path golden = input.string() + ".expected";
    if (update) {
      std::ofstream(golden, std::ios::binary) << rendered;
      continue;
    }
    std::ifstream in(golden, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing golden " << golden.string() << " (run with SESRULES_UPDATE_GOLDEN=1)");
    const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(rendered == expected);
  }
}
