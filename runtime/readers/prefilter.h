// Prefilter: decides from a record's raw bytes that no rule can match it, so the
// reader can skip field extraction. Built from Program::atoms (the compiler's
// contract: every record some rule can match contains at least one atom).
// Tested by tests/unit/runtime/prefilter_test.cc.
//
// may_match() is conservative: it returns true when any atom occurs in the bytes,
// and also whenever the record contains a JSON escape that could spell an atom
// character (`\u0047etSendQuota` is GetSendQuota): `\u` always, any backslash when
// an atom contains '"', '\\', '/' or a control character. Atoms match byte for
// byte (case-sensitive). Immutable after construction; safe to share.
//
// find_hits() is the whole-file form: one pass over a file's bytes listing every
// position that would make may_match() true for a record containing it (atom
// starts, and the backslashes may_match distrusts), so the reader decides each
// record by looking up its byte range instead of rescanning it.
// PrefilterGovernor turns the prefilter off while most records pass it (rule
// sets that match common events), so it never costs much more than it saves.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sesrules::runtime {

class Prefilter {
 public:
  explicit Prefilter(const std::vector<std::string>& atoms);

  bool may_match(std::string_view raw) const;
  bool contains_atom(std::string_view raw) const;
  // Appends, in increasing order, the offsets in raw where an atom starts or a
  // distrusted backslash is; a record passes may_match iff one lies inside it.
  void find_hits(std::string_view raw, std::vector<std::size_t>& hits) const;
  bool matches_everything() const { return matches_everything_; }

 private:
  static constexpr unsigned kHashBits = 16;
  static std::uint32_t gram_hash(std::uint32_t gram) { return (gram * 0x9E3779B1u) >> (32 - kHashBits); }

  struct GramEntry {
    std::uint32_t atom;     // index into long_atoms_
    std::uint32_t offset;   // where the gram starts inside the atom
    std::uint64_t prefix;   // the atom's first (up to) 8 bytes, little-endian
    std::uint64_t prefix_mask;
  };
  // Calls on_start(offset) for every atom occurrence found by sampling; stops
  // when it returns false.
  template <typename OnStart>
  void scan_atoms(std::string_view raw, OnStart on_start) const;
  bool verify(const char* data, std::size_t size, std::size_t start, const GramEntry& entry) const;
  void find_backslashes(std::string_view raw, std::vector<std::size_t>& hits) const;

  std::vector<std::uint64_t> gram_bits_;         // 2^kHashBits bits: hashes of every 4-gram of every atom
  std::vector<std::uint32_t> bucket_begin_;      // per hash: range in bucket_entries_
  std::vector<GramEntry> bucket_entries_;
  std::vector<std::string> long_atoms_;          // atoms of 4+ bytes
  std::size_t stride_ = 1;                       // shortest long atom - 3
  std::vector<std::string> short_atoms_;         // atoms of 1-3 bytes, searched with memmem
  bool matches_everything_ = false;              // an empty atom
  bool any_backslash_unsafe_ = false;            // some atom contains an escapable character
};

// Decides, record by record, whether the reader should consult the prefilter.
// It watches windows of kWindow checked records; when more than half of a window
// passed, the prefilter sits out the next kPause records, then is tried again.
// Only speed depends on it: a record the prefilter would reject matches no rule.
class PrefilterGovernor {
 public:
  static constexpr std::uint32_t kWindow = 2048;
  static constexpr std::uint32_t kPause = 64 * 1024;

  bool active() const { return paused_ == 0; }
  // One record went by: checked (passed or not) when active(), else unchecked.
  void record(bool passed) {
    if (paused_ > 0) {
      --paused_;
      return;
    }
    passed_ += passed ? 1 : 0;
    if (++checked_ < kWindow) return;
    if (passed_ * 2 > checked_) paused_ = kPause;
    checked_ = passed_ = 0;
  }

 private:
  std::uint32_t checked_ = 0, passed_ = 0, paused_ = 0;
};

}  // namespace sesrules::runtime
