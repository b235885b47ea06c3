// Tests backfill_plan.cc: the account of a file name, grouping files into
// per-account shards (all regions, walk order kept, unattributed files and stdin),
// the oversized report, deterministic shard ids, and the descriptor's JSON form.
// No server needed (the binary still runs under natsfixture with the others).
#include <doctest/doctest.h>

#include "distributed/backfill_plan.h"

namespace sesrules::distributed {
namespace {

const std::string kA = "AWSLogs/111111111111/CloudTrail/";
const std::string kB = "AWSLogs/222222222222/CloudTrail/";

runtime::InputFile file(const std::string& path, std::uint64_t size) { return {path, size, runtime::input_sort_key(path)}; }

std::vector<runtime::InputFile> sample_files() {
  return {
      file(kA + "us-east-1/111111111111_CloudTrail_us-east-1_20240603T0005Z_a1.json.gz", 100),
      file(kB + "eu-west-1/222222222222_CloudTrail_eu-west-1_20240603T0005Z_b1.json.gz", 40),
      file(kA + "eu-west-1/111111111111_CloudTrail_eu-west-1_20240603T0010Z_a2.json.gz", 200),
      file(kA + "us-east-1/111111111111_CloudTrail_us-east-1_20240603T0015Z_a3.json.gz", 300),
      file("extra/records.jsonl", 7),
      file("-", 0),
  };
}

TEST_CASE("backfill: the account comes from the CloudTrail delivery file name") {
  struct Case {
    std::string path, account;
  } cases[] = {
      {kA + "us-east-1/2024/06/03/111111111111_CloudTrail_us-east-1_20240603T0005Z_abcd.json.gz", "111111111111"},
      {"111111111111_CloudTrail_eu-west-1_20240603T2355Z_x.json", "111111111111"},
      {"AWSLogs/111111111111/CloudTrail/us-east-1/notes.json", ""},      // not a delivery name
      {"111111111111_CloudTrail_us-east-1_2024-06-03_x.json.gz", ""},    // malformed timestamp
      {"records.jsonl", ""},
      {"-", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.path);
    CHECK(account_of_file(c.path) == c.account);
  }
}

TEST_CASE("backfill: one shard per account with all its regions, in walk order") {
  PlanOptions options;
  options.pack_hash = "0123456789abcdef";
  options.since_ms = 1000;
  BackfillPlan plan = plan_shards(sample_files(), options);
  REQUIRE(plan.shards.size() == 3);
  CHECK(plan.files == 6);
  CHECK(plan.bytes == 647);
  CHECK(plan.files_unattributed == 2);  // extra/records.jsonl and stdin (left out)
  CHECK(plan.oversized.empty());

  const Shard& a = plan.shards[0];
  CHECK(a.account == "111111111111");
  CHECK(a.id.rfind("111111111111-", 0) == 0);
  CHECK(a.files == std::vector<std::string>{sample_files()[0].path, sample_files()[2].path, sample_files()[3].path});
  CHECK(a.bytes == 600);
  CHECK(a.since_ms == 1000);
  CHECK_FALSE(a.until_ms);
  CHECK(a.pack_hash == "0123456789abcdef");
  CHECK(plan.shards[1].account == "222222222222");
  CHECK(plan.shards[2].account == kUnattributedAccount);
  CHECK(plan.shards[2].files == std::vector<std::string>{"extra/records.jsonl"});
}

TEST_CASE("backfill: accounts above max_shard_bytes are reported, never split") {
  PlanOptions options;
  options.max_shard_bytes = 100;
  BackfillPlan plan = plan_shards(sample_files(), options);
  REQUIRE(plan.shards.size() == 3);
  CHECK(plan.oversized == std::vector<std::string>{plan.shards[0].id});
  CHECK(plan.shards[0].files.size() == 3);
}

TEST_CASE("backfill: shard ids are deterministic and change with what the shard means") {
  PlanOptions options;
  options.pack_hash = "pack-1";
  const std::string id = plan_shards(sample_files(), options).shards[0].id;
  CHECK(plan_shards(sample_files(), options).shards[0].id == id);

  PlanOptions other_pack = options;
  other_pack.pack_hash = "pack-2";
  PlanOptions other_range = options;
  other_range.until_ms = 5000;
  std::vector<runtime::InputFile> fewer_files = sample_files();
  fewer_files.erase(fewer_files.begin());
  CHECK(plan_shards(sample_files(), other_pack).shards[0].id != id);
  CHECK(plan_shards(sample_files(), other_range).shards[0].id != id);
  CHECK(plan_shards(fewer_files, options).shards[0].id != id);
  // Another account's files do not move this account's id.
  std::vector<runtime::InputFile> only_a = {sample_files()[0], sample_files()[2], sample_files()[3]};
  CHECK(plan_shards(only_a, options).shards[0].id == id);
}

TEST_CASE("backfill: shard descriptors round-trip through JSON") {
  Shard shard;
  shard.id = "111111111111-00ff";
  shard.account = "111111111111";
  shard.files = {"/logs/a \"quoted\".json.gz", "/logs/ü\\b.json"};
  shard.bytes = 12345;
  shard.until_ms = -5;
  shard.pack_hash = "abc";
  auto parsed = shard_from_json(shard_to_json(shard));
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  CHECK(parsed.value().id == shard.id);
  CHECK(parsed.value().account == shard.account);
  CHECK(parsed.value().files == shard.files);
  CHECK(parsed.value().bytes == shard.bytes);
  CHECK_FALSE(parsed.value().since_ms);
  CHECK(parsed.value().until_ms == -5);
  CHECK(parsed.value().pack_hash == shard.pack_hash);
}

TEST_CASE("backfill: malformed descriptors are errors naming the field") {
  struct Case {
    std::string json, error;
  } cases[] = {
      {"", "not a JSON object"},
      {"[1]", "not a JSON object"},
      {R"({"account":"1","files":[],"bytes":0,"since_ms":null,"until_ms":null,"pack_hash":"p"})", "`id`"},
      {R"({"id":"x","account":"1","files":"a","bytes":0,"since_ms":null,"until_ms":null,"pack_hash":"p"})", "`files`"},
      {R"({"id":"x","account":"1","files":[3],"bytes":0,"since_ms":null,"until_ms":null,"pack_hash":"p"})", "`files`"},
      {R"({"id":"x","account":"1","files":[],"bytes":0,"since_ms":"x","until_ms":null,"pack_hash":"p"})", "`since_ms`"},
      {R"({"id":"x","account":"1","files":[],"bytes":0,"since_ms":null,"until_ms":null})", "`pack_hash`"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.json);
    auto parsed = shard_from_json(c.json);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message().find(c.error) != std::string::npos);
  }
}

}  // namespace
}  // namespace sesrules::distributed
