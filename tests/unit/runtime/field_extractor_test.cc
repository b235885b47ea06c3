// Tests runtime/readers/field_extractor.cc: one-pass extraction of wanted paths,
// materialized objects/arrays, numbers, duplicate keys and wrong-typed fields.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <simdjson.h>

#include "runtime/readers/field_extractor.h"

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

// Extracts kPaths from json and renders the slots as a JSON array.
std::string extract(rt::FieldExtractor& extractor, const std::string& json) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  REQUIRE(parser.iterate(padded).get(doc) == simdjson::SUCCESS);
  simdjson::ondemand::object object;
  REQUIRE(doc.get_object().get(object) == simdjson::SUCCESS);
  rt::Arena arena;
  std::vector<rt::Value> slots(extractor.slot_count());
  const simdjson::error_code error = extractor.extract(object, arena, slots);
  if (error) return std::string("error: ") + simdjson::error_message(error);
  std::string out = "[";
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (i > 0) out += ",";
    out += slots[i].is_defined() ? "" : "~";
    rt::append_json(out, slots[i]);
  }
  return out + "]";
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
  rt::FieldExtractor extractor(kPaths);
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const std::string got = extract(extractor, c.json);
    if (std::string(c.slots) == "error: ") {
      CHECK(got.rfind("error: ", 0) == 0);
    } else {
      CHECK(got == c.slots);
    }
  }
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
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(std::string(R"({"n":)") + c.number + "}");
    simdjson::ondemand::document doc;
    REQUIRE(parser.iterate(padded).get(doc) == simdjson::SUCCESS);
    simdjson::ondemand::object object;
    REQUIRE(doc.get_object().get(object) == simdjson::SUCCESS);
    rt::Arena arena;
    std::vector<rt::Value> slots(extractor.slot_count());
    REQUIRE(extractor.extract(object, arena, slots) == simdjson::SUCCESS);
    CHECK(slots[5].kind == c.kind);
    std::string json;
    rt::append_json(json, slots[5]);
    CHECK(json == c.json);
  }
}
