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

 private:
  static constexpr unsigned kHashBits = 16;
  static std::uint32_t gram_hash(std::uint32_t gram) { return (gram * 0x9E3779B1u) >> (32 - kHashBits); }

  struct GramEntry {
    std::uint32_t atom;     // index into long_atoms_
    std::uint32_t offset;   // where the gram starts inside the atom
  };

  std::vector<std::uint64_t> gram_bits_;         // 2^kHashBits bits: hashes of every 4-gram of every atom
  std::vector<std::uint32_t> bucket_begin_;      // per hash: range in bucket_entries_
  std::vector<GramEntry> bucket_entries_;
  std::vector<std::string> long_atoms_;          // atoms of 4+ bytes
  std::size_t stride_ = 1;                       // shortest long atom - 3
  std::vector<std::string> short_atoms_;         // atoms of 1-3 bytes, searched with memmem
  bool matches_everything_ = false;              // an empty atom
  bool any_backslash_unsafe_ = false;            // some atom contains an escapable character
};

}  // namespace sesrules::runtime
