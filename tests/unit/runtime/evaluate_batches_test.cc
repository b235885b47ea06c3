// plan_batches: how the evaluation driver groups files for its worker threads.
#include <doctest/doctest.h>

#include "runtime/evaluate.h"

namespace rt = sesrules::runtime;

namespace {

std::vector<rt::InputFile> files_of_sizes(std::initializer_list<std::uint64_t> sizes) {
  std::vector<rt::InputFile> files;
  for (std::uint64_t size : sizes) files.push_back(rt::InputFile{"f", size, "f"});
  return files;
}

}  // namespace

TEST_CASE("plan_batches: small files in groups of max_files, every file exactly once") {
  std::vector<rt::InputFile> files(130, rt::InputFile{"f", 1000, "f"});
  const auto batches = rt::plan_batches(files, 64, 1u << 20);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].begin == 0);
  CHECK(batches[0].end == 64);
  CHECK(batches[1].begin == 64);
  CHECK(batches[1].end == 128);
  CHECK(batches[2].begin == 128);
  CHECK(batches[2].end == 130);
}

TEST_CASE("plan_batches: a batch closes at max_bytes, a big file travels alone") {
  const auto batches = rt::plan_batches(files_of_sizes({10, 10, 100, 5, 5, 5}), 64, 20);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].end == 2);   // 10 + 10 reaches 20
  CHECK(batches[1].begin == 2);
  CHECK(batches[1].end == 3);   // the 100-byte file
  CHECK(batches[2].end == 6);
}

TEST_CASE("plan_batches: no files, no batches") {
  CHECK(rt::plan_batches({}, 64, 100).empty());
}
