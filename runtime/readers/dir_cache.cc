// Directory descriptor cache (see dir_cache.h).
#include "runtime/readers/dir_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace sesrules::runtime {

DirCache::~DirCache() { clear(); }

void DirCache::evict_oldest() {
  auto oldest = dirs_.begin();
  for (auto it = dirs_.begin(); it != dirs_.end(); ++it) {
    if (it->second.last_use < oldest->second.last_use) oldest = it;
  }
  ::close(oldest->second.fd);
  dirs_.erase(oldest);
}

int DirCache::directory_fd(std::string_view dir) {
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) {
    const int fd = ::open(std::string(dir).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (dirs_.size() >= kMaxDirs) evict_oldest();
    it = dirs_.emplace(std::string(dir), Entry{fd, 0}).first;
  }
  it->second.last_use = ++clock_;
  return it->second.fd;
}

void DirCache::clear() {
  for (auto& [dir, entry] : dirs_) ::close(entry.fd);
  dirs_.clear();
}

// Out of descriptors (many threads, each with its cache, under a low limit): the
// cache gives its own back before the open is retried, so it never costs a file.
int DirCache::open(const std::string& path, int flags) {
  const int fd = open_cached(path, flags);
  if (fd >= 0 || errno != EMFILE || dirs_.empty()) return fd;
  clear();
  return ::open(path.c_str(), flags);
}

int DirCache::open_cached(const std::string& path, int flags) {
  const std::size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0 && slash + 1 < path.size()) {
    const int dir = directory_fd(std::string_view(path).substr(0, slash));
    if (dir >= 0) {
      const int fd = ::openat(dir, path.c_str() + slash + 1, flags);
      if (fd >= 0 || errno != EMFILE) return fd;
    }
  }
  return ::open(path.c_str(), flags);
}

}  // namespace sesrules::runtime
