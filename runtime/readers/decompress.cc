// gzip inflation with libdeflate (see decompress.h for the contract).
// libdeflate has no streaming API: each member is inflated in one call into the
// output buffer, which grows (doubling, up to the cap) and the member is retried.
// On failure the member is re-inflated as raw deflate to tell a truncated stream
// from a bad CRC, because libdeflate reports both as BAD_DATA.
// Tested by tests/unit/runtime/decompress_test.cc.
#include "runtime/readers/decompress.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace sesrules::runtime {
namespace {

constexpr std::size_t kMinCapacity = 64 * 1024;

std::uint32_t read_le32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Length of the gzip header (RFC 1952 section 2.3) at the start of member, or 0
// when the header itself is cut off.
std::size_t gzip_header_size(std::string_view member) {
  if (member.size() < 10) return 0;
  const auto flags = static_cast<unsigned char>(member[3]);
  std::size_t pos = 10;
  if (flags & 0x04) {  // FEXTRA
    if (pos + 2 > member.size()) return 0;
    pos += 2 + (static_cast<unsigned char>(member[pos]) | static_cast<unsigned char>(member[pos + 1]) << 8);
  }
  for (unsigned char flag : {0x08, 0x10}) {  // FNAME, FCOMMENT: zero-terminated
    if (!(flags & flag)) continue;
    const std::size_t end = pos < member.size() ? member.find('\0', pos) : std::string_view::npos;
    if (end == std::string_view::npos) return 0;
    pos = end + 1;
  }
  if (flags & 0x02) pos += 2;  // FHCRC
  return pos <= member.size() ? pos : 0;
}

bool all_zero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

}  // namespace

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Decompressor::Decompressor(std::uint64_t max_bytes)
    : max_bytes_(max_bytes), inflater_(libdeflate_alloc_decompressor()) {}

Decompressor::~Decompressor() { libdeflate_free_decompressor(inflater_); }

bool Decompressor::grow(std::size_t needed, std::size_t keep) {
  if (needed <= capacity_ && buffer_) return true;
  auto bigger = std::unique_ptr<char[]>(new (std::nothrow) char[needed + kInputPadding]);
  if (!bigger) return false;
  if (keep > 0) std::memcpy(bigger.get(), buffer_.get(), keep);
  buffer_ = std::move(bigger);
  capacity_ = needed;
  return true;
}

Decompressor::MemberStatus Decompressor::diagnose_failure(std::string_view member, std::size_t out_pos) {
  const std::size_t header = gzip_header_size(member);
  if (header == 0) return MemberStatus::Truncated;
  std::size_t in_used = 0, out_used = 0;
  const libdeflate_result r = libdeflate_deflate_decompress_ex(
      inflater_, member.data() + header, member.size() - header, buffer_.get() + out_pos,
      capacity_ - out_pos, &in_used, &out_used);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) return MemberStatus::Cap;
  // A deflate stream that does not finish is (nearly always) a cut-off file.
  if (r != LIBDEFLATE_SUCCESS) return MemberStatus::Truncated;
  if (member.size() - header - in_used < 8) return MemberStatus::Truncated;
  return MemberStatus::Corrupt;  // complete stream, trailer CRC32 or ISIZE mismatch
}

Decompressor::MemberStatus Decompressor::inflate_member(std::string_view input, std::size_t& in_pos,
                                                        std::size_t& out_pos) {
  for (;;) {
    std::size_t in_used = 0, out_used = 0;
    const libdeflate_result r = libdeflate_gzip_decompress_ex(
        inflater_, input.data() + in_pos, input.size() - in_pos, buffer_.get() + out_pos,
        capacity_ - out_pos, &in_used, &out_used);
    if (r == LIBDEFLATE_SUCCESS) {
      in_pos += in_used;
      out_pos += out_used;
      return MemberStatus::Ok;
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE) return diagnose_failure(input.substr(in_pos), out_pos);
    if (capacity_ >= max_bytes_) return MemberStatus::Cap;
    const std::size_t wanted = std::max(capacity_ * 2, out_pos + 2 * (input.size() - in_pos));
    if (!grow(static_cast<std::size_t>(std::min<std::uint64_t>(wanted, max_bytes_)), out_pos)) {
      return MemberStatus::Cap;
    }
  }
}

DecompressResult Decompressor::decompress(std::string_view name, std::string_view input) {
  DecompressResult result;
  // The last member's ISIZE is the whole output for the usual single-member file.
  // ISIZE is untrusted: bound it by deflate's maximum ratio (about 1032:1).
  const std::size_t hint = input.size() >= 4
      ? std::min<std::size_t>(read_le32(input.data() + input.size() - 4), input.size() * 1032)
      : 0;
  const std::uint64_t first = std::max({kMinCapacity, hint, input.size() * 4});
  grow(static_cast<std::size_t>(std::min<std::uint64_t>(first, std::max<std::uint64_t>(max_bytes_, 1))), 0);
  std::size_t in_pos = 0, out_pos = 0;
  while (in_pos < input.size()) {
    const std::string_view rest = input.substr(in_pos);
    if (!is_gzip(rest)) {
      if (!all_zero(rest)) {
        result.reason = "files_damaged_gzip";
        result.message = fmt::format("{}: {} bytes after gzip member {} are not gzip data (ignored)",
                                     name, rest.size(), result.members);
      }
      break;
    }
    const MemberStatus status = inflate_member(input, in_pos, out_pos);
    if (status == MemberStatus::Ok) {
      ++result.members;
      continue;
    }
    if (status == MemberStatus::Cap) {
      result.reason = "files_skipped_decompression_cap";
      result.message = fmt::format("{}: decompressed size exceeds --max-decompressed-bytes ({})", name,
                                   max_bytes_);
      out_pos = 0;
    } else {
      const bool truncated = status == MemberStatus::Truncated;
      const bool partial = result.members > 0;
      result.reason = partial ? "files_damaged_gzip"
                              : (truncated ? "files_skipped_gzip_truncated" : "files_skipped_gzip_corrupt");
      result.message = fmt::format("{}: gzip member {} {}{}", name, result.members + 1,
                                   truncated ? "is truncated (unexpected end of compressed data)"
                                             : "is corrupt (CRC or size mismatch)",
                                   partial ? fmt::format("; read the {} member(s) before it", result.members) : "");
    }
    break;
  }
  std::memset(buffer_.get() + out_pos, ' ', kInputPadding);
  result.data = std::string_view(buffer_.get(), out_pos);
  return result;
}

}  // namespace sesrules::runtime
