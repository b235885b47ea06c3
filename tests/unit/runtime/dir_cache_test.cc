// DirCache: opening through cached directory descriptors behaves like open().
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "reader_fixtures.h"
#include "runtime/readers/dir_cache.h"

namespace rt = sesrules::runtime;

namespace {

std::string read_fd(int fd) {
  std::string out(64, '\0');
  const ssize_t got = ::read(fd, out.data(), out.size());
  out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("DirCache opens files like open(), caching at most kMaxDirs directories") {
  const rt::testing::ScratchDir dir;
  rt::DirCache cache;
  for (std::size_t i = 0; i < rt::DirCache::kMaxDirs + 10; ++i) {
    const std::string path = dir.write("d" + std::to_string(i) + "/f.json", "file " + std::to_string(i));
    const int fd = cache.open(path, O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK(read_fd(fd) == "file " + std::to_string(i));
  }
  CHECK(cache.cached() == rt::DirCache::kMaxDirs);
  const std::string again = (dir.path() / "d0" / "f.json").string();  // evicted earlier: reopened
  CHECK(read_fd(cache.open(again, O_RDONLY)) == "file 0");
}

TEST_CASE("DirCache: missing files and directories fail with open()'s errno, bare names work") {
  const rt::testing::ScratchDir dir;
  rt::DirCache cache;
  errno = 0;
  CHECK(cache.open((dir.path() / "nope" / "f.json").string(), O_RDONLY) == -1);
  CHECK(errno == ENOENT);
  dir.write("d/f.json", "x");
  errno = 0;
  CHECK(cache.open((dir.path() / "d" / "missing.json").string(), O_RDONLY) == -1);
  CHECK(errno == ENOENT);
  const std::string cwd_file = "sesrules-dir-cache-test.json";
  CHECK(cache.open(cwd_file, O_RDONLY) == ::open(cwd_file.c_str(), O_RDONLY));  // both -1 unless it exists
}

TEST_CASE("DirCache gives its descriptors back when the process runs out of them") {
  const rt::testing::ScratchDir dir;
  std::vector<std::string> paths;
  for (int i = 0; i < 40; ++i) paths.push_back(dir.write("d" + std::to_string(i) + "/f.json", "x"));
  rlimit old{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &old) == 0);
  const int probe = ::open("/dev/null", O_RDONLY);  // lowest free descriptor: about how many are open
  ::close(probe);
  rlimit tight = old;
  tight.rlim_cur = static_cast<rlim_t>(probe + 12);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &tight) == 0);
  rt::DirCache cache;
  int failures = 0;
  for (const std::string& path : paths) {
    const int fd = cache.open(path, O_RDONLY | O_CLOEXEC);
    failures += fd < 0;
    if (fd >= 0) ::close(fd);
  }
  ::setrlimit(RLIMIT_NOFILE, &old);
  CHECK(failures == 0);
  CHECK(cache.cached() <= 12);
}
