// Input collection and ordering (see input_walk.h for the contract).
// Directories are walked with an explicit stack and readdir so that one
// unreadable subdirectory costs an issue, not the walk; entries are examined with
// fstatat (and faccessat where needed) relative to the open directory: one short
// lookup each, not a full path walk per file (CloudTrail trees hold many
// thousands of small files).
// Symlinked directories are followed once, keyed by (device, inode).
// Tested by tests/unit/runtime/input_walk_test.cc.
#include "runtime/readers/input_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <unordered_set>
#include <utility>

namespace sesrules::runtime {
namespace {

using FileId = std::pair<dev_t, ino_t>;
struct FileIdHash {
  std::size_t operator()(const FileId& id) const { return std::hash<ino_t>()(id.second) * 31 + id.first; }
};

// Whether this process may read the file. The owner's permission is exactly the
// owner bits (also under ACLs), and root reads everything, so only other cases
// need the faccessat syscall (half of the walk's per-file syscalls otherwise).
int access_error(int dir_fd, const char* name, const struct stat& info) {
  static const uid_t euid = ::geteuid();
  if (euid == 0 || (info.st_uid == euid && (info.st_mode & S_IRUSR) != 0)) return 0;
  return ::faccessat(dir_fd, name, R_OK, 0) == 0 ? 0 : errno;
}

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
  void walk_directory(const std::string& root);
  void visit_entry(int dir_fd, const std::string& path, const char* name, std::vector<std::string>& pending);
  // access_error: errno of the read-permission check, 0 when readable.
  void add_file(const std::string& path, const struct stat& info, bool explicit_arg, int access_error);
  void issue(const std::string& path, const char* reason, std::string message) {
    result_.issues.push_back({path, reason, std::move(message)});
  }
  void stat_failed(const std::string& path) {
    const bool missing = errno == ENOENT || errno == ENOTDIR;
    issue(path, missing ? "files_skipped_missing" : "files_skipped_unreadable", path + ": " + std::strerror(errno));
  }

  WalkResult& result_;
  std::set<FileId> visited_dirs_;
  std::unordered_set<FileId, FileIdHash> seen_files_;
};

void Walker::add_argument(const std::string& path) {
  if (path == kStdinPath) {
    result_.files.push_back({path, 0, input_sort_key(path)});
    return;
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    stat_failed(path);
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
  add_file(path, info, /*explicit_arg=*/true, ::access(path.c_str(), R_OK) == 0 ? 0 : errno);
}

void Walker::walk_directory(const std::string& root) {
  std::vector<std::string> pending{root};
  while (!pending.empty()) {
    const std::string dir = std::move(pending.back());
    pending.pop_back();
    ++result_.directories;
    DIR* stream = ::opendir(dir.c_str());
    if (stream == nullptr) {
      issue(dir, "files_skipped_unreadable", dir + ": " + std::strerror(errno));
      continue;
    }
    const std::string prefix = dir.ends_with('/') ? dir : dir + '/';
    errno = 0;
    while (const struct dirent* entry = ::readdir(stream)) {
      const std::string_view name = entry->d_name;
      if (name != "." && name != "..") visit_entry(::dirfd(stream), prefix + entry->d_name, entry->d_name, pending);
      errno = 0;
    }
    if (errno != 0) issue(dir, "files_skipped_unreadable", dir + ": " + std::strerror(errno));
    ::closedir(stream);
  }
}

void Walker::visit_entry(int dir_fd, const std::string& path, const char* name, std::vector<std::string>& pending) {
  struct stat info {};
  if (::fstatat(dir_fd, name, &info, 0) != 0) {
    stat_failed(path);
    return;
  }
  if (S_ISDIR(info.st_mode)) {
    if (!visited_dirs_.insert({info.st_dev, info.st_ino}).second) {
      issue(path, "directories_skipped_loop", path + ": directory already walked (symlink loop or duplicate)");
      return;
    }
    pending.push_back(path);
    return;
  }
  add_file(path, info, /*explicit_arg=*/false, access_error(dir_fd, name, info));
}

void Walker::add_file(const std::string& path, const struct stat& info, bool explicit_arg, int access_error) {
  if (is_cloudtrail_digest(path)) {
    ++result_.digest_files_skipped;
    return;
  }
  const bool regular = S_ISREG(info.st_mode);
  // A FIFO or character device named on the command line is a deliberate stream
  // (`<(zcat x.gz)`, /dev/stdin); met inside a directory it would block the walk.
  if (!regular && !(explicit_arg && (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)))) {
    issue(path, "files_skipped_special", path + ": not a regular file");
    return;
  }
  if (access_error != 0) {
    issue(path, "files_skipped_unreadable", path + ": " + std::strerror(access_error));
    return;
  }
  if (regular && !seen_files_.insert({info.st_dev, info.st_ino}).second) return;
  const std::uint64_t size = regular ? static_cast<std::uint64_t>(info.st_size) : 0;
  result_.files.push_back({path, size, input_sort_key(path)});
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
