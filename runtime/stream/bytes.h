// ByteWriter / ByteReader: the primitive encoding of checkpoints (snapshot.h):
// unsigned LEB128 varints, zigzag varints for signed values, length-prefixed
// strings, little-endian fixed 32/64-bit words.
//
// The reader never trusts its input: every read is bounds-checked, and a failed
// read sets a sticky error (first failure wins) and returns zero values, so
// decoding code can read a whole structure and check ok() once. count() refuses
// element counts that could not fit in the remaining bytes, which bounds every
// allocation by the input size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sesrules::runtime::stream {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      u8(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    u8(static_cast<std::uint8_t>(v));
  }
  void svarint(std::int64_t v) {
    varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void fixed32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void fixed64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void str(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void raw(std::string_view s) { out_.append(s); }
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  // Records the first error only: later failures are consequences of it.
  void fail(std::string what) {
    if (error_.empty()) error_ = std::move(what) + " at byte " + std::to_string(pos_);
    pos_ = in_.size();
  }

  std::uint8_t u8() {
    if (pos_ >= in_.size()) {
      fail("unexpected end of data");
      return 0;
    }
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = u8();
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    fail("varint longer than 10 bytes");
    return 0;
  }
  std::int64_t svarint() {
    const std::uint64_t v = varint();
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::uint32_t fixed32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(u8()) << (8 * i);
    return v;
  }
  std::uint64_t fixed64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(u8()) << (8 * i);
    return v;
  }
  std::string_view bytes(std::size_t n) {
    if (n > remaining()) {
      fail("length " + std::to_string(n) + " past the end of data");
      return {};
    }
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string str() { return std::string(bytes(count(1))); }
  // An element count, each element taking at least `min_bytes` bytes.
  std::size_t count(std::size_t min_bytes) {
    const std::uint64_t n = varint();
    if (min_bytes > 0 && n > remaining() / min_bytes) {
      fail("count " + std::to_string(n) + " exceeds the remaining data");
      return 0;
    }
    return static_cast<std::size_t>(n);
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace sesrules::runtime::stream
