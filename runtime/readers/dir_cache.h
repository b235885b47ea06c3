// DirCache: opens files relative to cached directory descriptors. A CloudTrail
// tree read in delivery order alternates between a few hundred leaf directories
// (account x region x day); opening each file by its full path costs a kernel
// walk of every path component (~15% of a run over 7k small files), openat on a
// cached O_PATH descriptor only the last one. At most kMaxDirs descriptors are
// kept (least recently used evicted); any failure falls back to open(path), and
// running out of descriptors (EMFILE) empties the cache first.
// Not thread-safe: one per reader. Tested by tests/unit/runtime/dir_cache_test.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sesrules::runtime {

class DirCache {
 public:
  static constexpr std::size_t kMaxDirs = 64;

  DirCache() = default;
  ~DirCache();
  DirCache(const DirCache&) = delete;
  DirCache& operator=(const DirCache&) = delete;

  // open(path, flags) with the same result and errno, usually via openat.
  int open(const std::string& path, int flags);
  std::size_t cached() const { return dirs_.size(); }

 private:
  struct Entry {
    int fd = -1;
    std::uint64_t last_use = 0;
  };
  int open_cached(const std::string& path, int flags);
  int directory_fd(std::string_view dir);
  void clear();
  void evict_oldest();

  struct Hash {  // lookups by string_view, without building a string per file
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> dirs_;
  std::uint64_t clock_ = 0;
};

}  // namespace sesrules::runtime
