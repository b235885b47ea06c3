// Tests runtime/readers/field_extractor.cc: one-pass extraction of wanted paths,
// pending (lazily materialized) objects/arrays, numbers, duplicate keys, key
// matching (escapes, hash collisions) and wrong-typed fields.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include <simdjson.h>

#include "runtime/readers/field_extractor.h"
#include "runtime/readers/json_scan.h"
#include "runtime/record.h"

namespace rt = sesrules::runtime;

namespace {

const std::vector<std::vector<std::string>> kPaths = {
    {"eventName"},
    {"userIdentity", "accessKeyId"},
    {"userIdentity", "sessionContext", "attributes", "mfaAuthenticated"},
    {"requestParameters"},
    {"requestParameters", "serviceCode"},
    {"n"},
};

// One record's extraction, kept alive for resolve(), read_on() (which continues
// the document's iteration) and the checks.
struct Extracted {
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  simdjson::padded_string padded;
  rt::Arena arena;
  std::vector<rt::Value> slots;
  simdjson::error_code error = simdjson::SUCCESS;

  Extracted(rt::FieldExtractor& extractor, const std::string& json)
      : padded(json), slots(extractor.slot_count()) {
    REQUIRE(parser.iterate(padded).get(doc) == simdjson::SUCCESS);
    simdjson::ondemand::object object;
    error = doc.get_object().get(object);
    if (!error) error = extractor.extract(object, arena, slots);
  }
  const char* end() const { return padded.data() + padded.size(); }
};

// Extracts the paths from json, reads deferred slots on (lazy records), resolves
// pending slots and renders the slots as a JSON array ("~" marks Undefined; "!" a
// pending value that failed to resolve; "?" a failed read_on).
std::string render(rt::FieldExtractor& extractor, std::vector<rt::Value>& slots, const char* end) {
  std::string out = "[";
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (i > 0) out += ",";
    if (rt::is_deferred(slots[i]) && extractor.read_on(static_cast<std::uint32_t>(i)) != simdjson::SUCCESS) out += "?";
    if (rt::is_pending(slots[i]) &&
        extractor.resolve(static_cast<std::uint32_t>(i), end) != simdjson::SUCCESS) {
      out += "!";
    }
    out += slots[i].is_defined() ? "" : "~";
    rt::append_json(out, slots[i]);
  }
  return out + "]";
}

std::string extract(rt::FieldExtractor& extractor, const std::string& json) {
  Extracted record(extractor, json);
  if (record.error) return std::string("error: ") + simdjson::error_message(record.error);
  return render(extractor, record.slots, record.end());
}

// The raw walker's extraction of json, rendered as extract() does; "declined"
// when the walker leaves the record to simdjson.
std::string extract_raw(rt::FieldExtractor& extractor, const std::string& json) {
  const simdjson::padded_string padded(json);
  rt::Arena arena;
  std::vector<rt::Value> slots(extractor.slot_count());
  if (!extractor.extract_raw(std::string_view(padded.data(), padded.size()), arena, slots)) return "declined";
  return render(extractor, slots, padded.data() + padded.size());
}

}  // namespace

TEST_CASE("FieldExtractor fills wanted paths and skips the rest") {
  struct Case { std::string name; const char* json; const char* slots; };
  const Case cases[] = {
      {"flat and nested",
       R"({"eventName":"GetSendQuota","userIdentity":{"type":"IAMUser","accessKeyId":"AKIA1"},"other":[1,{"x":2}]})",
       R"(["GetSendQuota","AKIA1",~null,~null,~null,~null])"},
      {"deep path",
       R"({"userIdentity":{"sessionContext":{"attributes":{"mfaAuthenticated":"false"}}}})",
       R"([~null,~null,"false",~null,~null,~null])"},
      {"object materialized, child read from it",
       R"({"requestParameters":{"serviceCode":"ses","quota":{"a":[1,2.5,true,null]}}})",
       R"([~null,~null,~null,{"serviceCode":"ses","quota":{"a":[1,2.5,true,null]}},"ses",~null])"},
      {"wrong types are values", R"({"userIdentity":"root","requestParameters":null,"eventName":5})",
       R"([5,~null,~null,null,~null,~null])"},
      {"duplicate keys: first wins", R"({"eventName":"First","eventName":"Second","userIdentity":{"accessKeyId":"A"},"userIdentity":{"accessKeyId":"B"}})",
       R"(["First","A",~null,~null,~null,~null])"},
      {"escapes are unescaped", R"({"eventName":"Get\u0053end\"Quota\""})", R"(["GetSend\"Quota\"",~null,~null,~null,~null,~null])"},
      {"keys with escapes match", R"({"event\u004eame":"X"})", R"(["X",~null,~null,~null,~null,~null])"},
      {"empty record", "{}", "[~null,~null,~null,~null,~null,~null]"},
      {"malformed where read", R"({"eventName":tru})", "error: "},
  };
  // Lazy records read the same values, only later.
  rt::FieldExtractor eager(kPaths);
  rt::FieldExtractor lazy(kPaths, 1024, {0});
  for (rt::FieldExtractor* extractor : {&eager, &lazy}) {
    for (const Case& c : cases) {
      CAPTURE(c.name);
      CAPTURE(extractor == &lazy);
      const std::string got = extract(*extractor, c.json);
      if (std::string(c.slots) == "error: ") {
        CHECK(got.rfind("error: ", 0) == 0);
      } else {
        CHECK(got == c.slots);
      }
    }
  }
}

TEST_CASE("FieldExtractor lazy records: paused after the eager members, read on per slot") {
  const std::vector<std::vector<std::string>> paths = {
      {"eventTime"}, {"eventName"}, {"userIdentity", "arn"}, {"awsRegion"}, {"errorCode"}, {"requestParameters"},
      {"userIdentity", "type"}};
  rt::FieldExtractor extractor(paths, 1024, {0, 1});
  Extracted record(extractor, R"({"userIdentity":{"arn":"A"},"eventTime":"T","eventName":"N","awsRegion":"R",)"
                              R"("requestParameters":{"x":1},"eventName":"dup","awsRegion":"dup"})");
  REQUIRE(record.error == simdjson::SUCCESS);
  std::vector<rt::Value>& slots = record.slots;
  CHECK(slots[0].str() == "T");
  CHECK(slots[1].str() == "N");
  CHECK(slots[2].str() == "A");                    // before the eager members: read on the way
  CHECK(extractor.is_deferred(6));                 // absent inside a member already read:
  REQUIRE(extractor.read_on(6) == simdjson::SUCCESS);  // settled on access, without walking on
  CHECK_FALSE(slots[6].is_defined());
  CHECK_FALSE(rt::is_pending(slots[6]));
  CHECK(extractor.has_pending());
  CHECK(extractor.is_deferred(3));
  CHECK(extractor.is_deferred(4));
  CHECK(extractor.is_deferred(5));
  REQUIRE(extractor.read_on(3) == simdjson::SUCCESS);  // stops at awsRegion: the rest stays unread
  CHECK(slots[3].str() == "R");
  CHECK(extractor.is_deferred(4));
  CHECK(extractor.is_deferred(5));
  REQUIRE(extractor.read_on(5) == simdjson::SUCCESS);  // an object: now pending, decoded by resolve()
  CHECK(rt::is_pending(slots[5]));
  CHECK_FALSE(extractor.is_deferred(5));
  CHECK(extractor.is_deferred(4));
  REQUIRE(extractor.read_on(4) == simdjson::SUCCESS);  // absent: the pass reaches the end
  CHECK_FALSE(slots[4].is_defined());
  CHECK_FALSE(rt::is_pending(slots[4]));
  CHECK(slots[3].str() == "R");                         // first occurrence still wins
  REQUIRE(extractor.resolve(5, record.end()) == simdjson::SUCCESS);
  std::string json;
  rt::append_json(json, slots[5]);
  CHECK(json == R"({"x":1})");
  CHECK(extractor.read_on(4) == simdjson::SUCCESS);     // not deferred any more: a no-op
}

TEST_CASE("FieldExtractor lazy records: damage after the eager members shows only when read on") {
  const std::vector<std::vector<std::string>> paths = {{"eventName"}, {"awsRegion"}, {"errorCode"}};
  rt::FieldExtractor extractor(paths, 1024, {0});
  // Never read on: the damaged tail is never walked.
  CHECK(Extracted(extractor, R"({"eventName":"N","awsRegion" "R","errorCode":"E"})").error == simdjson::SUCCESS);
  // Read on: the error is read_on's, and every slot not read yet becomes Undefined.
  Extracted record(extractor, R"({"eventName":"N","awsRegion":"R","x" 1,"errorCode":"E"})");
  REQUIRE(record.error == simdjson::SUCCESS);
  REQUIRE(extractor.read_on(1) == simdjson::SUCCESS);
  CHECK(record.slots[1].str() == "R");
  CHECK(extractor.read_on(2) != simdjson::SUCCESS);
  CHECK_FALSE(record.slots[2].is_defined());
  CHECK_FALSE(rt::is_pending(record.slots[2]));
  CHECK_FALSE(extractor.has_pending());
  // Damage before the eager members still fails the record, as in eager mode.
  CHECK(Extracted(extractor, R"({"awsRegion" "R","eventName":"N"})").error != simdjson::SUCCESS);
}

TEST_CASE("FieldExtractor numbers: ints, floats, huge values never fail") {
  struct Case { std::string number; rt::Kind kind; const char* json; };
  const Case cases[] = {
      {"0", rt::Kind::Int, "0"},
      {"-42", rt::Kind::Int, "-42"},
      {"9223372036854775807", rt::Kind::Int, "9223372036854775807"},
      {"18446744073709551615", rt::Kind::Float, "1.8446744073709552e+19"},
      {"123456789012345678901234567890", rt::Kind::Float, "1.2345678901234568e+29"},
      {"1.5", rt::Kind::Float, "1.5"},
      {"1e3", rt::Kind::Float, "1000"},
      {"1e400", rt::Kind::String, "\"1e400\""},
      {"-1e400", rt::Kind::String, "\"-1e400\""},
  };
  rt::FieldExtractor extractor(kPaths);
  for (const Case& c : cases) {
    CAPTURE(c.number);
    Extracted record(extractor, std::string(R"({"n":)") + c.number + "}");
    REQUIRE(record.error == simdjson::SUCCESS);
    const std::vector<rt::Value>& slots = record.slots;
    CHECK(slots[5].kind == c.kind);
    std::string json;
    rt::append_json(json, slots[5]);
    CHECK(json == c.json);
  }
}

TEST_CASE("FieldExtractor leaves whole objects and arrays pending until resolved") {
  rt::FieldExtractor extractor(kPaths);
  Extracted record(extractor,
                   R"({"requestParameters":{"serviceCode":"ses","k\"ey":"v\u0041","list":[1,{"a":"\n"}]},"eventName":"X"})");
  REQUIRE(record.error == simdjson::SUCCESS);
  std::vector<rt::Value>& slots = record.slots;
  CHECK(extractor.has_pending());
  CHECK(rt::is_pending(slots[3]));
  CHECK_FALSE(slots[3].is_defined());              // a reader bypassing RecordView::field sees Undefined
  CHECK(slots[4].str() == "ses");                   // paths below a pending value are extracted eagerly
  CHECK(slots[0].str() == "X");
  const char* end = record.end();
  REQUIRE(extractor.resolve(3, end) == simdjson::SUCCESS);
  std::string json;
  rt::append_json(json, slots[3]);
  CHECK(json == R"({"serviceCode":"ses","k\"ey":"vA","list":[1,{"a":"\n"}]})");
  CHECK(extractor.resolve(3, end) == simdjson::SUCCESS);  // resolved once; again is a no-op
  CHECK(extractor.resolve(0, end) == simdjson::SUCCESS);  // not pending: untouched
  CHECK(slots[0].str() == "X");
}

TEST_CASE("FieldExtractor: resolved values own their strings, several per record") {
  const std::vector<std::vector<std::string>> paths = {{"a"}, {"b"}, {"c"}};
  rt::FieldExtractor extractor(paths);
  CHECK(extract(extractor, R"({"a":{"s":"x\ty"},"b":["\u00e9t\u00e9",{"k":"z"}],"c":{}})") ==
        R"([{"s":"x\ty"},["été",{"k":"z"}],{}])");
  CHECK(extract(extractor, R"({"a":[],"c":"scalar","b":{"d":{"e":[[]]}}})") == R"([[],{"d":{"e":[[]]}},"scalar"])");
}

TEST_CASE("FieldExtractor: a malformed pending value fails only its resolve") {
  const std::vector<std::vector<std::string>> paths = {{"eventName"}, {"requestParameters"}, {"r"}};
  rt::FieldExtractor extractor(paths);
  CHECK(extract(extractor, R"({"requestParameters":{"a":tru},"eventName":"X"})") == R"(["X",!~null,~null])");
  CHECK(extract(extractor, R"({"requestParameters":[1 2],"eventName":"X"})") == R"(["X",!~null,~null])");
  CHECK(extract(extractor, R"({"requestParameters":{"a":1,,},"r":[-],"eventName":"X"})") == R"(["X",!~null,!~null])");
  CHECK(extract(extractor, R"({"requestParameters":{"a":[1e400]},"eventName":"Y"})") == R"(["Y",{"a":["1e400"]},~null])");
}

TEST_CASE("FieldExtractor key matching: escapes, long keys and keys the hash cannot separate") {
  // Same length, first and last byte: no perfect table exists, the node scans linearly.
  const std::vector<std::vector<std::string>> paths = {
      {"aXz"}, {"aYz"}, {"aZz"}, {"k\"q"}, {"a_key_of_exactly16"}, {"a_much_longer_key_than_sixteen_bytes"},
      {""}, {"o", "aXz"}, {"o", "aYz"}};
  rt::FieldExtractor extractor(paths);
  CHECK(extract(extractor,
                R"({"aYz":1,"a\u005az":2,"k\"q":3,"a_key_of_exactly16":4,"a_much_longer_key_than_sixteen_bytes":5,)"
                R"("":6,"o":{"aXz":7,"a\u0059z":8,"aWz":0},"aXz":9,"aX":0,"aXzz":0,"a\\z":0})") ==
        "[9,1,2,3,4,5,6,7,8]");
  // CloudTrail's top level: many keys, most unwanted, rejected by hash and compare.
  const std::vector<std::vector<std::string>> cloudtrail = {
      {"eventTime"}, {"eventSource"}, {"eventName"}, {"awsRegion"}, {"sourceIPAddress"}, {"errorCode"},
      {"userIdentity", "arn"}, {"recipientAccountId"}, {"eventID"}};
  rt::FieldExtractor top(cloudtrail);
  CHECK(extract(top, R"({"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"A"},"eventTime":"T",)"
                     R"("eventSource":"S","eventName":"N","awsRegion":"R","sourceIPAddress":"I","userAgent":"U",)"
                     R"("requestParameters":null,"responseElements":null,"eventID":"E","readOnly":true,)"
                     R"("eventType":"AwsApiCall","recipientAccountId":"1","eventIDx":"no","eventI":"no"})") ==
        R"(["T","S","N","R","I",~null,"A","1","E"])");
}

namespace {

const std::vector<std::vector<std::string>> kRecordPaths = {
    {"eventTime"}, {"eventSource"}, {"eventName"}, {"userIdentity", "arn"},
    {"userIdentity", "sessionContext", "attributes", "mfaAuthenticated"}, {"requestParameters"},
    {"requestParameters", "name"}, {"errorCode"}, {"n"}, {"flag"}, {"tags"}, {"userIdentity"}};

const char* const kRecords[] = {
    R"({"eventVersion": "1.09", "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/a",)"
    R"( "sessionContext": {"attributes": {"mfaAuthenticated": "false", "x": [1, 2]}}}, "eventTime": "T",)"
    R"( "eventSource": "ses.amazonaws.com", "eventName": "GetAccount", "requestParameters": {"name": "a\"b",)"
    R"( "list": [{"k": null}, true, -1.5e3]}, "n": 12345678901234567890, "flag": false, "tags": ["x", "y"],)"
    R"( "errorCode": "Access\u0044enied", "eventID": "e"})",
    R"({"eventTime":"T","eventSource":"s","eventName":"N","n":-0.5,"flag":true,"errorCode":null,)"
    R"("requestParameters":null,"userIdentity":"root","tags":{}})",
    R"({ "eventName" : "N" , "eventSource" : "s" , "eventTime" : "T" , "n" : 1e400 , "userIdentity" : { } })",
    R"({"eventName":"N","eventSource":"s","eventTime":"T","eventName":"dup","userIdentity":{"arn":"A","arn":"B"}})",
};

// Random damage: a byte dropped, or one of JSON's special bytes inserted.
std::string mutate(std::mt19937& rng, std::string text) {
  static const char kBytes[] = "{}[],:\"\\ x1-e.tn";
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t at = rng() % text.size();
    if (rng() % 2 == 0) {
      text.erase(at, 1);
    } else {
      text.insert(at, 1, kBytes[rng() % (sizeof kBytes - 1)]);
    }
  }
  return text;
}

}  // namespace

TEST_CASE("FieldExtractor raw walker reads exactly what the simdjson pass reads") {
  rt::FieldExtractor lazy(kRecordPaths, 1024, {0, 1, 2});
  rt::FieldExtractor raw(kRecordPaths, 1024, {0, 1, 2});
  for (const char* record : kRecords) {
    CAPTURE(record);
    const std::string expected = extract(lazy, record);
    CHECK(expected.rfind("error", 0) != 0);
    CHECK(extract_raw(raw, record) == expected);
  }
  // Damaged records: the walker agrees with simdjson or leaves the record to it;
  // it never accepts one simdjson rejects before delivery.
  std::mt19937 rng(11);
  int compared = 0, declined = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string text = mutate(rng, kRecords[rng() % std::size(kRecords)]);
    const rt::detail::ScanResult scan = rt::detail::scan_value(text, 0, 64);
    if (text.empty() || text[0] != '{' || scan.status != rt::detail::ScanStatus::Ok || !scan.plain ||
        scan.end != text.size()) {
      continue;  // the framing would not hand this to the walker
    }
    CAPTURE(text);
    const std::string expected = extract(lazy, text);
    const std::string got = extract_raw(raw, text);
    if (got == "declined") {
      ++declined;
    } else {
      REQUIRE(expected.rfind("error", 0) != 0);
      REQUIRE(got == expected);
      ++compared;
    }
  }
  CHECK(compared > 500);
  CHECK(declined > 50);
}
