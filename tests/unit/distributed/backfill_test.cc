// Tests backfill_plan.cc: the account of a file name, grouping files into
// per-account shards (all regions, walk order kept, unattributed files and stdin),
// shard directories, the oversized report, deterministic shard ids, the descriptor's
// JSON form, and walk_shard on a temporary archive (same files, or what changed).
// No server needed (the binary still runs under natsfixture with the others).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

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
  CHECK(a.directories == std::vector<std::string>{kA + "eu-west-1", kA + "us-east-1"});
  CHECK(a.file_count == 3);
  CHECK(plan.shards[2].directories == std::vector<std::string>{"extra"});
}

TEST_CASE("backfill: shard directories are the files' parents, sorted and unique") {
  std::vector<runtime::InputFile> files = {
      file("/logs/top.json", 1), file("/logs/sub/a.json", 1), file("/logs/sub/b.json", 1),
      file("/logs-x/c.json", 1), file("/d.json", 1)};
  BackfillPlan plan = plan_shards(files, {});
  REQUIRE(plan.shards.size() == 1);
  CHECK(plan.shards[0].directories == std::vector<std::string>{"/", "/logs", "/logs-x", "/logs/sub"});
}

TEST_CASE("backfill: with since, files delivered before it are left out, by plan and worker alike") {
  PlanOptions options;
  options.since_ms = 1717373100000;  // 2024-06-03T00:05:00Z
  BackfillPlan plan = plan_shards(sample_files(), options);
  CHECK(plan.files_before_since == 0);  // 0005Z is not before 00:05
  options.since_ms = *options.since_ms + 60000;
  plan = plan_shards(sample_files(), options);
  CHECK(plan.files_before_since == 2);  // a1 and b1 (0005Z); unattributed files have no delivery time
  REQUIRE(plan.shards.size() == 2);
  CHECK(plan.shards[0].files == std::vector<std::string>{sample_files()[2].path, sample_files()[3].path});
  CHECK(plan.files == 4);
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
  shard.directories = {"/logs/a \"quoted\"", "/logs/\u00fc\\b"};
  shard.file_count = 7;
  shard.files_hash = "0011223344556677";
  shard.files = {"not serialized"};
  shard.bytes = 12345;
  shard.until_ms = -5;
  shard.pack_hash = "abc";
  auto parsed = shard_from_json(shard_to_json(shard));
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  CHECK(parsed.value().id == shard.id);
  CHECK(parsed.value().account == shard.account);
  CHECK(parsed.value().directories == shard.directories);
  CHECK(parsed.value().file_count == 7);
  CHECK(parsed.value().files_hash == shard.files_hash);
  CHECK(parsed.value().files.empty());
  CHECK(parsed.value().bytes == shard.bytes);
  CHECK_FALSE(parsed.value().since_ms);
  CHECK(parsed.value().until_ms == -5);
  CHECK(parsed.value().pack_hash == shard.pack_hash);
}

// A temporary archive: two accounts' deliveries in one day folder each, plus a stray file.
struct Archive {
  std::filesystem::path root = std::filesystem::temp_directory_path() / "sesrules-backfill-test";
  Archive() {
    std::filesystem::remove_all(root);
    write("AWSLogs/111111111111/us-east-1/111111111111_CloudTrail_us-east-1_20240603T0005Z_a.json", "{}");
    write("AWSLogs/111111111111/us-east-1/111111111111_CloudTrail_us-east-1_20240603T0010Z_b.json", "{}");
    write("AWSLogs/222222222222/us-east-1/222222222222_CloudTrail_us-east-1_20240603T0005Z_c.json", "{}");
    write("stray.json", "{}");
    write("a-b/stray.json", "{}");    // sorts between "a" and "a/..."
    write("a/b/stray.json", "{}");
    write("a/stray.json", "{}");
  }
  ~Archive() { std::filesystem::remove_all(root); }
  void write(const std::string& relative, const std::string& text) const {
    std::filesystem::create_directories((root / relative).parent_path());
    std::ofstream(root / relative) << text;
  }
  BackfillPlan plan() const { return plan_shards(runtime::collect_inputs({root.string()}).files, {}); }
};

TEST_CASE("backfill: a worker's walk of a shard finds the planned files, or says what changed") {
  Archive archive;
  BackfillPlan plan = archive.plan();
  REQUIRE(plan.shards.size() == 3);
  // The unattributed shard lists the root and nested folders, whose walk also meets
  // the accounts' files.
  for (const Shard& planned : plan.shards) {
    CAPTURE(planned.account);
    auto shard = shard_from_json(shard_to_json(planned));
    REQUIRE(shard.ok());
    auto walk = walk_shard(shard.value());
    REQUIRE_MESSAGE(walk.ok(), walk.status().message());
    std::vector<std::string> paths;
    for (const runtime::InputFile& f : walk.value().files) paths.push_back(f.path);
    CHECK(paths == planned.files);
  }

  PlanOptions later;
  later.since_ms = 1717373400000;  // 00:10: the worker leaves out the 0005Z files too
  BackfillPlan since_plan = plan_shards(runtime::collect_inputs({archive.root.string()}).files, later);
  REQUIRE(since_plan.shards.size() == 2);
  auto since_walk = walk_shard(since_plan.shards[0]);
  REQUIRE_MESSAGE(since_walk.ok(), since_walk.status().message());
  CHECK(since_walk.value().files.size() == 1);

  archive.write("AWSLogs/111111111111/us-east-1/111111111111_CloudTrail_us-east-1_20240603T0015Z_d.json", "{}");
  auto grown = walk_shard(plan.shards[0]);
  REQUIRE_FALSE(grown.ok());
  CHECK(grown.status().message().find("changed since planning (3 files now, 2 planned)") != std::string::npos);
  archive.write("AWSLogs/222222222222/us-east-1/222222222222_CloudTrail_us-east-1_20240603T0005Z_c.json", "{ }");
  CHECK_FALSE(walk_shard(plan.shards[1]).ok());  // same name, other size
  std::filesystem::remove_all(archive.root / "AWSLogs/222222222222");
  auto gone = walk_shard(plan.shards[1]);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.status().message().find("222222222222") != std::string::npos);
}

TEST_CASE("backfill: malformed descriptors are errors naming the field") {
  struct Case {
    std::string json, error;
  } cases[] = {
      {"", "not a JSON object"},
      {"[1]", "not a JSON object"},
      {R"({"account":"1","directories":[],"file_count":0,"files_hash":"h","bytes":0,"since_ms":null,"until_ms":null,"pack_hash":"p"})", "`id`"},
      {R"({"id":"x","account":"1","directories":"a","file_count":0,"files_hash":"h","bytes":0,"since_ms":null,"until_ms":null,"pack_hash":"p"})", "`directories`"},
      {R"({"id":"x","account":"1","directories":[3],"file_count":0,"files_hash":"h","bytes":0,"since_ms":null,"until_ms":null,"pack_hash":"p"})", "`directories`"},
      {R"({"id":"x","account":"1","directories":[],"file_count":-1,"files_hash":"h","bytes":0,"since_ms":null,"until_ms":null,"pack_hash":"p"})", "`file_count`"},
      {R"({"id":"x","account":"1","directories":[],"file_count":0,"files_hash":"h","bytes":0,"since_ms":"x","until_ms":null,"pack_hash":"p"})", "`since_ms`"},
      {R"({"id":"x","account":"1","directories":[],"file_count":0,"files_hash":"h","bytes":0,"since_ms":null,"until_ms":null})", "`pack_hash`"},
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
