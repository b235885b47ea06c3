// Input collection and ordering (see input_walk.h for the contract).
// Directories are walked with an explicit stack and plain directory_iterator so
// that one unreadable subdirectory costs an issue, not the walk; symlinked
// directories are followed once, keyed by (device, inode).
// Tested by tests/unit/runtime/input_walk_test.cc.
#include "runtime/readers/input_walk.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>

namespace sesrules::runtime {
namespace {

namespace fs = std::filesystem;
using FileId = std::pair<dev_t, ino_t>;

bool is_digit_run(std::string_view s, std::size_t pos, std::size_t count) {
  if (pos + count > s.size()) return false;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// "YYYYMMDDTHHMMZ" from a CloudTrail delivery file name, or empty.
std::string_view delivery_timestamp(std::string_view name) {
  const std::size_t marker = name.find("_CloudTrail_");
  if (marker == std::string_view::npos) return {};
  const std::size_t region_end = name.find('_', marker + 12);
  if (region_end == std::string_view::npos) return {};
  const std::size_t ts = region_end + 1;
  if (!is_digit_run(name, ts, 8) || ts + 14 > name.size() || name[ts + 8] != 'T' ||
      !is_digit_run(name, ts + 9, 4) || name[ts + 13] != 'Z') {
    return {};
  }
  return name.substr(ts, 14);
}

class Walker {
 public:
  explicit Walker(WalkResult& result) : result_(result) {}

  void add_argument(const std::string& path);

 private:
  void walk_directory(const fs::path& root);
  void visit_entry(const fs::path& path, std::vector<fs::path>& pending);
  bool add_file(const fs::path& path, const struct stat& info, bool explicit_arg);
  void issue(const fs::path& path, const char* reason, std::string message) {
    result_.issues.push_back({path.string(), reason, std::move(message)});
  }

  WalkResult& result_;
  std::set<FileId> visited_dirs_;
  std::set<FileId> seen_files_;
};

void Walker::add_argument(const std::string& path) {
  if (path == kStdinPath) {
    result_.files.push_back({path, 0, input_sort_key(path)});
    return;
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const bool missing = errno == ENOENT || errno == ENOTDIR;
    issue(path, missing ? "files_skipped_missing" : "files_skipped_unreadable",
          std::string(path) + ": " + std::strerror(errno));
    return;
  }
  if (S_ISDIR(info.st_mode)) {
    visited_dirs_.insert({info.st_dev, info.st_ino});
    const std::size_t before = result_.files.size();
    walk_directory(path);
    if (result_.files.size() == before) {
      issue(path, "directories_empty", path + ": directory contains no log files");
    }
    return;
  }
  add_file(path, info, /*explicit_arg=*/true);
}

void Walker::walk_directory(const fs::path& root) {
  std::vector<fs::path> pending{root};
  while (!pending.empty()) {
    fs::path dir = std::move(pending.back());
    pending.pop_back();
    ++result_.directories;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      visit_entry(it->path(), pending);
    }
    if (ec) issue(dir, "files_skipped_unreadable", dir.string() + ": " + ec.message());
  }
}

void Walker::visit_entry(const fs::path& path, std::vector<fs::path>& pending) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const bool missing = errno == ENOENT || errno == ENOTDIR;
    issue(path, missing ? "files_skipped_missing" : "files_skipped_unreadable",
          path.string() + ": " + std::strerror(errno));
    return;
  }
  if (S_ISDIR(info.st_mode)) {
    if (!visited_dirs_.insert({info.st_dev, info.st_ino}).second) {
      issue(path, "directories_skipped_loop",
            path.string() + ": directory already walked (symlink loop or duplicate)");
      return;
    }
    pending.push_back(path);
    return;
  }
  add_file(path, info, /*explicit_arg=*/false);
}

bool Walker::add_file(const fs::path& path, const struct stat& info, bool explicit_arg) {
  const std::string text = path.string();
  if (is_cloudtrail_digest(text)) {
    ++result_.digest_files_skipped;
    return false;
  }
  const bool regular = S_ISREG(info.st_mode);
  // A FIFO or character device named on the command line is a deliberate stream
  // (`<(zcat x.gz)`, /dev/stdin); met inside a directory it would block the walk.
  if (!regular && !(explicit_arg && (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)))) {
    issue(path, "files_skipped_special", text + ": not a regular file");
    return false;
  }
  if (::access(text.c_str(), R_OK) != 0) {
    issue(path, "files_skipped_unreadable", text + ": " + std::strerror(errno));
    return false;
  }
  if (regular && !seen_files_.insert({info.st_dev, info.st_ino}).second) return false;
  const std::uint64_t size = regular ? static_cast<std::uint64_t>(info.st_size) : 0;
  result_.files.push_back({text, size, input_sort_key(text)});
  return true;
}

}  // namespace

std::string input_sort_key(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::string_view timestamp = delivery_timestamp(name);
  std::string key;
  if (timestamp.empty()) {
    key.reserve(path.size() + 1);
    key.push_back('1');
    key.append(path);
    return key;
  }
  key.reserve(1 + timestamp.size() + name.size() + 1 + path.size());
  key.push_back('0');
  key.append(timestamp);
  key.append(name);
  key.push_back('\0');
  key.append(path);
  return key;
}

bool is_cloudtrail_digest(std::string_view path) {
  return path.find("CloudTrail-Digest") != std::string_view::npos;
}

WalkResult collect_inputs(const std::vector<std::string>& paths) {
  WalkResult result;
  Walker walker(result);
  for (const std::string& path : paths) walker.add_argument(path);
  std::sort(result.files.begin(), result.files.end(),
            [](const InputFile& a, const InputFile& b) { return a.sort_key < b.sort_key; });
  return result;
}

}  // namespace sesrules::runtime
