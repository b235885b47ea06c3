// Tests check.cc, check_detection.cc, check_lints.cc, check_options.cc and
// schema.cc: field schema, builtin types and patterns, detection structure,
// lints through helper chains, suppression comments and overrides.
#include <doctest/doctest.h>

#include <algorithm>

#include "compiler/compile.h"
#include "compiler/schema.h"
#include "test_util.h"

namespace sesrules::compiler {
namespace {

constexpr const char* kMeta = "meta { title: \"t\" severity: low description: \"d\" }\n";
constexpr const char* kSes = "input.eventSource == \"ses.amazonaws.com\"";

CompileResult run(const std::string& text, CheckOptions options = {}) {
  CompileInput input;
  input.files.emplace_back("t.rules", text);
  input.check = std::move(options);
  input.lower = false;
  return compile(std::move(input));
}

std::string alert(const std::string& body) {
  return std::string("package p\nalert a {\n  ") + kMeta + "  when {\n" + body + "\n  }\n}\n";
}

TEST_CASE("schema lookups") {
  CHECK(find_field("userIdentity.accessKeyId")->type == FieldType::String);
  CHECK(find_field("readOnly")->type == FieldType::Bool);
  CHECK(find_field("requestParameters")->type == FieldType::FreeForm);
  CHECK(find_field("nope") == nullptr);
  auto children = child_fields("tlsDetails");
  CHECK(children.size() == 3);
  const ServiceApis* ses = find_service("ses.amazonaws.com");
  REQUIRE(ses);
  CHECK(service_has_api(*ses, "GetSendQuota"));      // v1
  CHECK(service_has_api(*ses, "PutAccountDetails"));  // v2
  CHECK_FALSE(service_has_api(*ses, "GetSendQuta"));
  CHECK(std::is_sorted(ses->apis.begin(), ses->apis.end()));
  CHECK(find_service("servicequotas.amazonaws.com") != nullptr);
  CHECK(find_service("iam.amazonaws.com") == nullptr);
}

TEST_CASE("expression errors") {
  struct Case { std::string body; const char* codes; };
  const Case cases[] = {
      {std::string(kSes) + "\ninput.userIdentity.sessionContext.sessionIssuer.userName == \"x\"", ""},
      {std::string(kSes) + "\ninput.requestParameters.anything.goes[0] == 1", ""},
      {std::string(kSes) + "\ninput.resources[0].ARN == \"x\"", ""},
      {std::string(kSes) + "\ninput.resources[0].arn == \"x\"", "E204"},
      {std::string(kSes) + "\ninput.eventName.length == 1", "E204"},
      {std::string(kSes) + "\ninput.userIdentity.sessionContext.attributes.mfa == \"x\"", "E204"},
      {std::string(kSes) + "\nstartswith(input.eventName, 5)", "E302"},
      {std::string(kSes) + "\ncount(5) == 1", "E302"},
      {std::string(kSes) + "\ncount(\"abc\") == 3", ""},
      {std::string(kSes) + "\nlower(true) == \"x\"", "E302"},
      {std::string(kSes) + "\nglob_match(input.userAgent, \"x\")", "E303"},
      {std::string(kSes) + "\nregex_match(\"(?P<n>a\", input.userAgent)", "E304"},
      {std::string(kSes) + "\nregex_match(\"a\\\\1\", input.userAgent)", "E304"},
      {std::string(kSes) + "\nregex_match(`^Boto3/1\\.[0-9]+$`, input.userAgent)", ""},
      {std::string(kSes) + "\nglob_match(\"ab\\\\\", input.userAgent)", "E305"},
      {std::string(kSes) + "\nglob_match(\"Boto3/[!0-9]*\", input.userAgent)", ""},
      {std::string(kSes) + "\ncidr_contains(\"2001:db8::/129\", input.sourceIPAddress)", "E306"},
      {std::string(kSes) + "\ncidr_contains(\"2001:db8::/32\", input.sourceIPAddress)", ""},
      {std::string(kSes) + "\ncidr_contains(\"10.0.0.1\", input.sourceIPAddress)", "E306"},
      {std::string(kSes) + "\ncidr_contains(\"10.0.0/8\", input.sourceIPAddress)", "E306"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    CHECK(testing::codes(run(alert(c.body)).diagnostics) == c.codes);
  }
}

TEST_CASE("detection structure errors") {
  struct Case { std::string source; const char* codes; };
  auto seq = [](const std::string& sections) {
    return "package p\nsequence s {\n  " + std::string(kMeta) + sections + "}\n";
  };
  std::string step = std::string("step x { ") + kSes + " }\n";
  const Case cases[] = {
      {"package p\nalert a {\n  when { " + std::string(kSes) + " }\n}\n", "E401"},
      {"package p\nalert a {\n  meta { title: \"t\" severity: severe description: \"d\" }\n  when { " + std::string(kSes) + " }\n}\n", "E402"},
      {"package p\nalert a {\n  meta { title: \"t\" severity: low description: \"d\" mitre: [\"T15\"] }\n  when { " + std::string(kSes) + " }\n}\n", "E403"},
      {"package p\nalert a {\n  meta { title: \"t\" severity: low description: \"d\" tags: \"x\" }\n  when { " + std::string(kSes) + " }\n}\n", "E404"},
      {"package p\nalert a {\n  meta { title: \"t\" title: \"u\" severity: low description: \"d\" }\n  when { " + std::string(kSes) + " }\n}\n", "E412"},
      {seq("by input.userIdentity.accessKeyId\nwithin 1h\nordered { " + step + " }\n"), ""},
      {seq("by input.userIdentity.accessKeyId\nordered { " + step + " }\n"), "E405"},
      {seq("within 1h\nordered { " + step + " }\n"), "E406"},
      {seq("by input.userIdentity.accessKeyId\nwithin 1h\n"), "E413"},
      {seq("by input.userIdentity.accessKeyId\nwithin 1h\nunordered at_least 0 { " + step + " }\n"), "E408"},
      {seq("by input.userIdentity.accessKeyId\nwithin 1h\nunordered at_least 2 { " + step + " }\n"), "E408"},
      {seq("by input.userIdentity.accessKeyId\nwithin 1h\nunordered { step x absent { " + std::string(kSes) + " } }\n"), "E407"},
      {seq("by input.userIdentity.accessKeyId\nwithin 1h\nordered { " + step + " }\nthreshold count >= 2 { " + kSes + " }\n"), "E412"},
      {seq("by input.userIdentity.accessKeyId\nwithin 0ms\nordered { " + step + " }\n"), "E415"},
      {seq("by input.userIdentity.accessKeyId\nwithin 8d\nordered { " + step + " }\n"), "W106"},
      {seq("by input.userIdentity.accessKeyId\nwithin 1h\nsuppress 0s\nordered { " + step + " }\n"), "E415"},
      {"package p\nalert a {\n  " + std::string(kMeta) + "  ordered { " + step + " }\n}\n", "E411"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    CHECK(testing::codes(run(c.source).diagnostics) == c.codes);
  }
}

TEST_CASE("lints follow helper chains") {
  std::string helpers =
      "package p\nses_call { " + std::string(kSes) + " }\n"
      "ses_api(names) {\n  ses_call\n  input.eventName in names\n}\n";
  auto with = [&](const std::string& body) {
    return helpers + "alert a {\n  " + kMeta + "  when {\n" + body + "\n  }\n}\n";
  };
  struct Case { std::string source; const char* codes; };
  const Case cases[] = {
      {with("ses_api({\"GetSendQuota\"})"), ""},
      {with("ses_api({\"GetSendQuota\", \"GetSendQuta\"})"), "W101"},
      {with("ses_call\ninput.eventName == \"CreateBucket\""), "W104 W101"},
      {with("input.eventName == \"GetSendQuota\""), "W104 W102"},
      {with("startswith(input.userIdentity.accessKeyId, \"AKIA\")"), "W104 W107"},
      {with("ses_call\ninput.eventName == \"A\"\ninput.eventName == \"B\""), "W104 W101 W103 W101"},
      {with("ses_call\ninput.managementEvent != \"false\""), "W104 W108"},
      {with("ses_call\ninput.userIdentity.type == \"IAMUser\""), "W104 W109"},
      {with("ses_call\nses_call := 1\nses_call == 1"), "W104 W110"},
      {with("input.eventSource == \"iam.amazonaws.com\"\ninput.eventName == \"DeleteAccessKey\""), "W104"},
      {"package p\nor_helper { input.eventSource == \"ses.amazonaws.com\" }\n"
       "or_helper { input.eventSource == \"servicequotas.amazonaws.com\" }\n"
       "alert a {\n  " + std::string(kMeta) + "  when { or_helper }\n}\n", ""},
      {"package p\nor_helper { input.eventSource == \"ses.amazonaws.com\" }\n"
       "or_helper { input.awsRegion == \"us-east-1\" }\n"
       "alert a {\n  " + std::string(kMeta) + "  when { or_helper }\n}\n", "W107"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    CHECK(testing::codes(run(c.source).diagnostics) == c.codes);
  }
}

TEST_CASE("lints do not run when there are errors") {
  CHECK(testing::codes(run(alert("input.eventName == \"A\"\nnope")).diagnostics) == "E203");
}

TEST_CASE("suppression comments and overrides") {
  std::string source = alert(std::string(kSes) +
                             "\n# sesrules:ignore W108\ninput.readOnly == \"true\"\n"
                             "input.managementEvent == \"false\"  # sesrules:ignore bool-compared-with-string\n"
                             "input.readOnly != \"true\"  # sesrules:ignore W101, W104\n");
  CHECK(testing::codes(run(source).diagnostics) == "W108");
  CheckOptions disabled;
  disabled.overrides["W108"] = std::nullopt;
  CHECK(testing::codes(run(source, disabled).diagnostics) == "");
  CheckOptions strict;
  strict.overrides["bool-compared-with-string"] = Severity::Error;
  CompileResult result = run(source, strict);
  CHECK(result.diagnostics.error_count() == 1);
  CHECK_FALSE(result.ok());
  CheckOptions unknown;
  unknown.overrides["E204"] = std::nullopt;
  unknown.overrides["no-such-lint"] = std::nullopt;
  CHECK(run(source, unknown).unknown_overrides.size() == 2);
  CheckOptions no_lints;
  no_lints.lints = false;
  CHECK(testing::codes(run(source, no_lints).diagnostics) == "");
}

TEST_CASE("an ignore comment cannot silence an error") {
  CHECK(testing::codes(run(alert(std::string(kSes) + "\ninput.eventname == \"x\"  # sesrules:ignore E204")).diagnostics) ==
        "E204");
}

}  // namespace
}  // namespace sesrules::compiler
