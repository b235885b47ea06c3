// Decompression: gzip detected by magic bytes (never by file name), inflated
// whole-file with libdeflate. Multi-member files (concatenated gzip streams, as
// `cat a.gz b.gz` makes) decode member by member. Output is capped per file so a
// small bomb cannot exhaust memory. Tested by tests/unit/runtime/decompress_test.cc.
//
// Outcomes (reason = summary counter name; data is whatever decoded cleanly):
//   ""                                 success
//   files_skipped_decompression_cap    output would exceed max_bytes; data is empty
//   files_skipped_gzip_truncated       first member cut off; data is empty
//   files_skipped_gzip_corrupt         first member has a bad CRC/size/deflate stream; data empty
//   files_damaged_gzip                 a later member is truncated/corrupt, or trailing
//                                      non-gzip bytes: data holds the members before it
// Zero bytes after the last member (block-device padding) are ignored.
//
// Not thread-safe; one Decompressor per reader thread. Buffers are kept across
// calls, so steady-state decompression does not allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct libdeflate_decompressor;

namespace sesrules::runtime {

// Bytes past the end of every output buffer that may be read (simdjson's padding).
inline constexpr std::size_t kInputPadding = 64;

bool is_gzip(std::string_view bytes);

struct DecompressResult {
  // Points into the Decompressor's buffer, followed by kInputPadding readable
  // bytes; valid until the next call to decompress().
  std::string_view data;
  std::uint32_t members = 0;   // gzip members decoded
  std::string reason;          // empty on success (see above)
  std::string message;         // names the file; empty on success
};

class Decompressor {
 public:
  explicit Decompressor(std::uint64_t max_bytes = 4ull << 30);
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  // Inflates a gzip input (is_gzip(input) must hold). name is used in messages only.
  DecompressResult decompress(std::string_view name, std::string_view input);
  std::uint64_t max_bytes() const { return max_bytes_; }

 private:
  enum class MemberStatus { Ok, Cap, Truncated, Corrupt };
  MemberStatus inflate_member(std::string_view input, std::size_t& in_pos, std::size_t& out_pos);
  MemberStatus diagnose_failure(std::string_view member, std::size_t out_pos);
  bool grow(std::size_t needed, std::size_t keep);

  std::uint64_t max_bytes_;
  libdeflate_decompressor* inflater_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;   // usable bytes, excluding padding
};

}  // namespace sesrules::runtime
