// Tests runtime/readers/input_walk.cc: recursive walk, digest skipping, special
// files, symlink loops, issues instead of crashes, and delivery-time ordering.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "reader_fixtures.h"
#include "runtime/readers/input_walk.h"

namespace rt = sesrules::runtime;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> relative_files(const rt::WalkResult& result, const fs::path& root) {
  std::vector<std::string> out;
  for (const rt::InputFile& file : result.files) out.push_back(fs::path(file.path).lexically_relative(root).string());
  return out;
}

std::vector<std::string> issue_reasons(const rt::WalkResult& result) {
  std::vector<std::string> out;
  for (const rt::InputIssue& issue : result.issues) out.push_back(issue.reason);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("collect_inputs orders CloudTrail deliveries by timestamp across accounts and regions") {
  const rt::testing::ScratchDir dir;
  const char* files[] = {
      "b/AWSLogs/222222222222/CloudTrail/us-west-2/2024/07/31/222222222222_CloudTrail_us-west-2_20240731T1310Z_zz.json.gz",
      "a/AWSLogs/111111111111/CloudTrail/us-east-1/2024/07/31/111111111111_CloudTrail_us-east-1_20240731T1315Z_aa.json.gz",
      "a/AWSLogs/111111111111/CloudTrail/eu-west-1/2024/07/31/111111111111_CloudTrail_eu-west-1_20240731T1305Z_bb.json.gz",
      "a/AWSLogs/111111111111/CloudTrail/eu-west-1/2024/07/30/111111111111_CloudTrail_eu-west-1_20240730T2355Z_cc.json",
      "a/notes.json",
      "0-first-by-path.jsonl",
      "a/AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2024/07/31/111111111111_CloudTrail-Digest_us-east-1_x_20240731T1300Z.json.gz",
  };
  for (const char* file : files) dir.write(file, "{}");
  const rt::WalkResult result = rt::collect_inputs({dir.path().string()});
  CHECK(result.issues.empty());
  CHECK(result.digest_files_skipped == 1);
  CHECK(relative_files(result, dir.path()) ==
        std::vector<std::string>{files[3], files[2], files[0], files[1], files[5], files[4]});
  CHECK(result.files[0].size == 2);
  CHECK(result.directories > 10);
}

TEST_CASE("input_sort_key: deliveries first by timestamp, others by path") {
  const std::string a = rt::input_sort_key("x/1_CloudTrail_r_20240101T0000Z_a.json");
  const std::string b = rt::input_sort_key("a/2_CloudTrail_r_20240101T0005Z_a.json");
  const std::string other = rt::input_sort_key("a/other.json");
  const std::string bad_ts = rt::input_sort_key("1_CloudTrail_r_2024010T0000Z_a.json");
  CHECK(a < b);
  CHECK(b < other);
  CHECK(bad_ts[0] == '1');
  CHECK(rt::is_cloudtrail_digest("x/CloudTrail-Digest/y.json.gz"));
  CHECK_FALSE(rt::is_cloudtrail_digest("x/CloudTrail/y.json.gz"));
}

TEST_CASE("collect_inputs: problems become issues, never failures") {
  const rt::testing::ScratchDir dir;
  dir.write("logs/a.json", "{}");
  fs::create_directories(dir.path() / "empty");
  fs::create_directory_symlink(dir.path() / "logs", dir.path() / "logs" / "loop");
  fs::create_symlink(dir.path() / "nowhere", dir.path() / "logs" / "dangling.json");
  REQUIRE(::mkfifo((dir.path() / "logs" / "pipe").c_str(), 0600) == 0);
  const std::string explicit_file = dir.write("b.json", "{}");

  const rt::WalkResult result = rt::collect_inputs(
      {(dir.path() / "logs").string(), (dir.path() / "empty").string(), (dir.path() / "missing").string(),
       explicit_file, explicit_file, "-"});
  std::vector<std::string> paths;
  for (const auto& file : result.files) paths.push_back(file.path);
  CHECK(paths == std::vector<std::string>{"-", explicit_file, (dir.path() / "logs" / "a.json").string()});
  CHECK(issue_reasons(result) == std::vector<std::string>{"directories_empty", "directories_skipped_loop",
                                                          "files_skipped_missing", "files_skipped_missing",
                                                          "files_skipped_special"});
  for (const auto& issue : result.issues) CHECK(issue.message.find(issue.path) == 0);
}

TEST_CASE("collect_inputs: a FIFO named explicitly is accepted") {
  const rt::testing::ScratchDir dir;
  const fs::path fifo = dir.path() / "stream";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const rt::WalkResult result = rt::collect_inputs({fifo.string()});
  CHECK(result.issues.empty());
  REQUIRE(result.files.size() == 1);
  CHECK(result.files[0].size == 0);
}

TEST_CASE("collect_inputs: unreadable files and directories") {
  if (::geteuid() == 0) {
    MESSAGE("running as root: permission checks do not apply, skipped");
    return;
  }
  const rt::testing::ScratchDir dir;
  const std::string locked = dir.write("d/locked.json", "{}");
  dir.write("closed/x.json", "{}");
  fs::permissions(locked, fs::perms::none);
  fs::permissions(dir.path() / "closed", fs::perms::none);
  const rt::WalkResult result = rt::collect_inputs({dir.path().string()});
  fs::permissions(dir.path() / "closed", fs::perms::owner_all);
  CHECK(result.files.empty());
  CHECK(issue_reasons(result) == std::vector<std::string>{"directories_empty", "files_skipped_unreadable",
                                                          "files_skipped_unreadable"});
}

TEST_CASE("collect_inputs: 20k files stay fast and sorted") {
  const rt::testing::ScratchDir dir;
  for (int i = 0; i < 20000; ++i) {
    const std::string stamp = "20240731T" + std::string(i % 24 < 10 ? "0" : "") + std::to_string(i % 24) + "00Z";
    dir.write("d" + std::to_string(i % 50) + "/1_CloudTrail_r_" + stamp + "_" + std::to_string(i) + ".json", "");
  }
  const rt::WalkResult result = rt::collect_inputs({dir.path().string()});
  REQUIRE(result.files.size() == 20000);
  CHECK(std::is_sorted(result.files.begin(), result.files.end(),
                       [](const rt::InputFile& a, const rt::InputFile& b) { return a.sort_key < b.sort_key; }));
  CHECK(result.files.front().path.find("T0000Z") != std::string::npos);
  CHECK(result.files.back().path.find("T2300Z") != std::string::npos);
}

TEST_CASE("collect_inputs: threads change nothing, also with symlinked and hard-linked duplicates") {
  const rt::testing::ScratchDir dir;
  for (int i = 0; i < 300; ++i) {
    dir.write("t/acct" + std::to_string(i % 7) + "/r" + std::to_string(i % 5) + "/1_CloudTrail_r_20240731T" +
                  (i % 24 < 10 ? "0" : "") + std::to_string(i % 24) + "00Z_" + std::to_string(i) + ".json",
              "{}");
  }
  dir.write("t/shared/x.json", "{}");
  dir.write("t/CloudTrail-Digest/d.json", "{}");
  fs::create_directory_symlink(dir.path() / "t" / "shared", dir.path() / "t" / "acct3" / "via-b");
  fs::create_directory_symlink(dir.path() / "t" / "shared", dir.path() / "t" / "acct1" / "via-a");
  fs::create_directory_symlink(dir.path() / "outside", dir.path() / "t" / "acct5" / "out-z");
  fs::create_directory_symlink(dir.path() / "outside", dir.path() / "t" / "acct2" / "out-y");
  dir.write("outside/o.json", "{}");
  fs::create_directory_symlink(dir.path() / "t", dir.path() / "t" / "acct0" / "loop");
  fs::create_hard_link(dir.path() / "t" / "shared" / "x.json", dir.path() / "t" / "acct6" / "hard.json");
  REQUIRE(::mkfifo((dir.path() / "t" / "acct4" / "pipe").c_str(), 0600) == 0);

  const std::string root = (dir.path() / "t").string();
  const rt::WalkResult one = rt::collect_inputs({root}, 1);
  auto same = [&](const rt::WalkResult& other) {
    REQUIRE(other.files.size() == one.files.size());
    for (std::size_t i = 0; i < one.files.size(); ++i) CHECK(other.files[i].path == one.files[i].path);
    REQUIRE(other.issues.size() == one.issues.size());
    for (std::size_t i = 0; i < one.issues.size(); ++i) CHECK(other.issues[i].message == one.issues[i].message);
    CHECK(other.digest_files_skipped == one.digest_files_skipped);
    CHECK(other.directories == one.directories);
  };
  for (int round = 0; round < 5; ++round) {
    same(rt::collect_inputs({root}, 2));
    same(rt::collect_inputs({root}, 8));
  }
  const std::vector<std::string> files = relative_files(one, dir.path());
  CHECK(files.size() == 300 + 2);                          // x.json once (hard link deduplicated), o.json once
  CHECK(std::count(files.begin(), files.end(), "outside/o.json") == 0);
  CHECK(std::count(files.begin(), files.end(), "t/acct2/out-y/o.json") == 1);  // the symlink path that sorts first
  CHECK(std::count(files.begin(), files.end(), "t/acct6/hard.json") == 1);     // sorts before t/shared/x.json
  CHECK(issue_reasons(one) == std::vector<std::string>{"directories_skipped_loop", "directories_skipped_loop",
                                                       "directories_skipped_loop", "directories_skipped_loop",
                                                       "files_skipped_special"});
  CHECK(one.digest_files_skipped == 1);
}
