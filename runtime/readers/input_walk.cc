// Input collection and ordering (see input_walk.h for the contract).
// Directories are walked from a queue shared by the run's threads, with readdir,
// so that one unreadable subdirectory costs an issue, not the walk; entries are examined with
// fstatat (and faccessat where needed) relative to the open directory: one short
// lookup each, not a full path walk per file (CloudTrail trees hold many
// thousands of small files).
// Symlinked directories are followed once, keyed by (device, inode), after the
// real ones (see walk_tree).
// Tested by tests/unit/runtime/input_walk_test.cc.
#include "runtime/readers/input_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>
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

// What one thread of the walk found. Duplicates (hard links, a file named twice)
// are removed after sorting, by file identity, so which path survives does not
// depend on directory listing order or thread timing.
struct Found {
  InputFile file;
  FileId id{};
  bool regular = false;
};

struct Collected {
  std::vector<Found> found;
  std::vector<InputIssue> issues;
  std::vector<std::pair<std::string, FileId>> linked_dirs;  // symlinks to directories, walked later
  std::uint64_t digest_files_skipped = 0;
  std::uint64_t directories = 0;

  void issue(const std::string& path, const char* reason, std::string message) {
    issues.push_back({path, reason, std::move(message)});
  }
  void stat_failed(const std::string& path) {
    const bool missing = errno == ENOENT || errno == ENOTDIR;
    issue(path, missing ? "files_skipped_missing" : "files_skipped_unreadable", path + ": " + std::strerror(errno));
  }
  // access_error: errno of the read-permission check, 0 when readable.
  void add_file(const std::string& path, const struct stat& info, bool explicit_arg, int access_error);
};

void Collected::add_file(const std::string& path, const struct stat& info, bool explicit_arg, int access_error) {
  if (is_cloudtrail_digest(path)) {
    ++digest_files_skipped;
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
  const std::uint64_t size = regular ? static_cast<std::uint64_t>(info.st_size) : 0;
  found.push_back({InputFile{path, size, input_sort_key(path)}, {info.st_dev, info.st_ino}, regular});
}

// The directories still to list, shared by the walk's threads. Listing a big
// CloudTrail tree is thousands of small syscalls (getdents, fstatat) that every
// run pays before the first record, so it is spread over the run's threads.
class DirQueue {
 public:
  explicit DirQueue(std::set<FileId>& visited) : visited_(visited) {}

  void push(std::vector<std::string>& dirs) {
    if (dirs.empty()) return;
    {
      const std::lock_guard lock(mutex_);
      for (std::string& dir : dirs) pending_.push_back(std::move(dir));
    }
    dirs.clear();
    wake_.notify_all();
  }
  // Waits for a directory; false once none is left and no thread can add more.
  bool pop(std::string& dir) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return !pending_.empty() || busy_ == 0; });
    if (pending_.empty()) return false;
    dir = std::move(pending_.back());
    pending_.pop_back();
    ++busy_;
    return true;
  }
  void finished_one() {
    const std::lock_guard lock(mutex_);
    if (--busy_ == 0 && pending_.empty()) wake_.notify_all();
  }
  // False when the directory was already walked (symlink loop or duplicate).
  bool first_visit(FileId id) {
    const std::lock_guard lock(mutex_);
    return visited_.insert(id).second;
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::string> pending_;
  unsigned busy_ = 0;
  std::set<FileId>& visited_;
};

class Walker {
 public:
  Walker(DirQueue& queue, Collected& out) : queue_(queue), out_(out) {}

  void run() {
    std::string dir;
    while (queue_.pop(dir)) {
      list_directory(dir);
      queue_.push(subdirs_);
      queue_.finished_one();
    }
  }

 private:
  void list_directory(const std::string& dir);
  void visit_entry(int dir_fd, const std::string& path, const struct dirent& entry);

  DirQueue& queue_;
  Collected& out_;
  std::vector<std::string> subdirs_;
};

void Walker::list_directory(const std::string& dir) {
  ++out_.directories;
  DIR* stream = ::opendir(dir.c_str());
  if (stream == nullptr) {
    out_.issue(dir, "files_skipped_unreadable", dir + ": " + std::strerror(errno));
    return;
  }
  const std::string prefix = dir.ends_with('/') ? dir : dir + '/';
  errno = 0;
  while (const struct dirent* entry = ::readdir(stream)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") visit_entry(::dirfd(stream), prefix + entry->d_name, *entry);
    errno = 0;
  }
  if (errno != 0) out_.issue(dir, "files_skipped_unreadable", dir + ": " + std::strerror(errno));
  ::closedir(stream);
}

void Walker::visit_entry(int dir_fd, const std::string& path, const struct dirent& entry) {
  const char* name = entry.d_name;
  struct stat info {};
  if (::fstatat(dir_fd, name, &info, 0) != 0) {
    out_.stat_failed(path);
    return;
  }
  if (!S_ISDIR(info.st_mode)) {
    out_.add_file(path, info, /*explicit_arg=*/false, access_error(dir_fd, name, info));
    return;
  }
  const FileId id{info.st_dev, info.st_ino};
  struct stat link {};
  const bool symlink = entry.d_type == DT_LNK ||
                       (entry.d_type == DT_UNKNOWN && ::fstatat(dir_fd, name, &link, AT_SYMLINK_NOFOLLOW) == 0 &&
                        S_ISLNK(link.st_mode));
  if (symlink) {
    out_.linked_dirs.emplace_back(path, id);
  } else if (queue_.first_visit(id)) {
    subdirs_.push_back(path);
  } else {
    out_.issue(path, "directories_skipped_loop", path + ": directory already walked (symlink loop or duplicate)");
  }
}

// Walks the directories in roots with `threads` threads, appending to out.
// Symlinked directories met on the way are returned, not followed.
std::vector<std::pair<std::string, FileId>> walk_level(std::vector<std::string> roots, unsigned threads,
                                                       std::set<FileId>& visited, Collected& out) {
  DirQueue queue(visited);
  queue.push(roots);
  std::vector<Collected> parts(std::max(1u, threads));
  std::vector<std::thread> helpers;
  for (unsigned i = 1; i < parts.size(); ++i) {
    helpers.emplace_back([&queue, &part = parts[i]] { Walker(queue, part).run(); });
  }
  Walker(queue, parts[0]).run();
  for (std::thread& helper : helpers) helper.join();
  std::vector<std::pair<std::string, FileId>> linked;
  for (Collected& part : parts) {
    std::move(part.found.begin(), part.found.end(), std::back_inserter(out.found));
    std::move(part.issues.begin(), part.issues.end(), std::back_inserter(out.issues));
    std::move(part.linked_dirs.begin(), part.linked_dirs.end(), std::back_inserter(linked));
    out.digest_files_skipped += part.digest_files_skipped;
    out.directories += part.directories;
  }
  return linked;
}

// Walks one directory named on the command line. Which path reaches a directory
// that several symlinks lead to must not depend on thread timing: real
// directories are walked first (each has one real path), then the symlinked
// ones in path order, level by level. Issues are sorted by path for the same reason.
void walk_tree(const std::string& root, unsigned threads, std::set<FileId>& visited, Collected& out) {
  const std::size_t first_issue = out.issues.size();
  std::vector<std::string> roots{root};
  while (!roots.empty()) {
    std::vector<std::pair<std::string, FileId>> linked = walk_level(std::move(roots), threads, visited, out);
    std::sort(linked.begin(), linked.end());
    roots.clear();
    for (auto& [path, id] : linked) {
      if (visited.insert(id).second) {
        roots.push_back(std::move(path));
      } else {
        out.issue(path, "directories_skipped_loop", path + ": directory already walked (symlink loop or duplicate)");
      }
    }
  }
  std::stable_sort(out.issues.begin() + static_cast<std::ptrdiff_t>(first_issue), out.issues.end(),
                   [](const InputIssue& a, const InputIssue& b) { return a.path < b.path; });
}

void add_argument(const std::string& path, unsigned threads, std::set<FileId>& visited, Collected& out) {
  if (path == kStdinPath) {
    out.found.push_back({InputFile{path, 0, input_sort_key(path)}, {}, false});
    return;
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    out.stat_failed(path);
    return;
  }
  if (S_ISDIR(info.st_mode)) {
    visited.insert({info.st_dev, info.st_ino});
    const std::size_t before = out.found.size();
    walk_tree(path, threads, visited, out);
    if (out.found.size() == before) out.issue(path, "directories_empty", path + ": directory contains no log files");
    return;
  }
  out.add_file(path, info, /*explicit_arg=*/true, ::access(path.c_str(), R_OK) == 0 ? 0 : errno);
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

WalkResult collect_inputs(const std::vector<std::string>& paths, unsigned threads) {
  Collected all;
  std::set<FileId> visited_dirs;
  for (const std::string& path : paths) add_argument(path, threads, visited_dirs, all);
  std::sort(all.found.begin(), all.found.end(),
            [](const Found& a, const Found& b) { return a.file.sort_key < b.file.sort_key; });
  WalkResult result;
  result.files.reserve(all.found.size());
  std::unordered_set<FileId, FileIdHash> seen_files;
  for (Found& entry : all.found) {
    if (entry.regular && !seen_files.insert(entry.id).second) continue;
    result.files.push_back(std::move(entry.file));
  }
  result.issues = std::move(all.issues);
  result.digest_files_skipped = all.digest_files_skipped;
  result.directories = all.directories;
  return result;
}

}  // namespace sesrules::runtime
