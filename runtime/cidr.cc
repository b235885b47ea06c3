// CIDR blocks and the IPv4/IPv6 text parser. Tested by cidr_test.cc.
#include "runtime/cidr.h"

#include <charconv>
#include <cstring>

namespace sesrules::runtime {
namespace {

// Longer text is never an address; inet_pton was given at most 63 bytes.
constexpr std::size_t kMaxAddressText = 63;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

unsigned decimal_digit(const char* p) { return static_cast<unsigned>(*p - '0'); }  // > 9 if not a digit

enum class Ipv4Result { kAddress, kInvalid, kRejectedPart };

// Four decimal parts 0-255 separated by dots; "0" is a part, "01" is not. Each
// part goes to `accept_part(index, byte)` as soon as it is read; when that
// returns false, parsing stops with kRejectedPart.
template <typename AcceptPart>
Ipv4Result parse_ipv4(std::string_view text, std::uint8_t* out, AcceptPart accept_part) {
  const char* p = text.data();
  const char* end = p + text.size();
  for (unsigned part = 0; part < 4; ++part) {
    if (part > 0 && (p == end || *p++ != '.')) return Ipv4Result::kInvalid;
    if (p == end || decimal_digit(p) > 9) return Ipv4Result::kInvalid;
    unsigned value = decimal_digit(p++);
    // After a leading 0 the next byte must not be a digit, which the '.' or end test below rejects.
    for (int more = 0; value != 0 && more < 2 && p != end && decimal_digit(p) <= 9; ++more) {
      value = value * 10 + decimal_digit(p++);
    }
    if (value > 255) return Ipv4Result::kInvalid;
    out[part] = static_cast<std::uint8_t>(value);
    if (!accept_part(part, out[part])) return Ipv4Result::kRejectedPart;
  }
  return p == end ? Ipv4Result::kAddress : Ipv4Result::kInvalid;
}

bool parse_ipv4(std::string_view text, std::uint8_t* out) {
  std::uint8_t bytes[4];
  if (parse_ipv4(text, bytes, [](unsigned, std::uint8_t) { return true; }) != Ipv4Result::kAddress) return false;
  std::memcpy(out, bytes, 4);
  return true;
}

// Groups of 1-4 hex digits separated by `:`, one `::` standing for the zero
// groups needed to make 16 bytes, and optionally an IPv4 address as the last 4.
bool parse_ipv6(std::string_view text, std::uint8_t* out) {
  constexpr std::size_t kNoGap = 16 + 1;
  std::uint8_t bytes[16] = {};
  std::size_t n = 0, gap = kNoGap, i = 0;
  if (text.empty()) return false;
  if (text[0] == ':') {  // only as the start of a leading "::"
    if (text.size() < 2 || text[1] != ':') return false;
    i = 1;
  }
  std::size_t group = i;
  unsigned value = 0, digits = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (int d = hex_value(c); d >= 0) {
      if (digits == 4) return false;
      value = value << 4 | static_cast<unsigned>(d);
      ++digits;
    } else if (c == ':') {
      group = i + 1;
      if (digits == 0) {
        if (gap != kNoGap) return false;
        gap = n;
        continue;
      }
      if (group == text.size() || n + 2 > 16) return false;  // a trailing single ':'
      bytes[n++] = static_cast<std::uint8_t>(value >> 8);
      bytes[n++] = static_cast<std::uint8_t>(value);
      value = digits = 0;
    } else if (c == '.' && n + 4 <= 16 && parse_ipv4(text.substr(group), bytes + n)) {
      n += 4;
      digits = 0;
      break;
    } else {
      return false;
    }
  }
  if (digits > 0) {
    if (n + 2 > 16) return false;
    bytes[n++] = static_cast<std::uint8_t>(value >> 8);
    bytes[n++] = static_cast<std::uint8_t>(value);
  }
  if (gap != kNoGap) {
    if (n == 16) return false;  // "::" must stand for at least one group
    std::memmove(bytes + 16 - (n - gap), bytes + gap, n - gap);
    std::memset(bytes + gap, 0, 16 - n);
    n = 16;
  }
  if (n != 16) return false;
  std::memcpy(out, bytes, 16);
  return true;
}

bool parse_family(bool ipv6, std::string_view text, std::uint8_t* out) {
  return ipv6 ? parse_ipv6(text, out) : parse_ipv4(text, out);
}

}  // namespace

bool parse_ip_address(bool ipv6, std::string_view text, std::uint8_t* out) {
  if (parse_family(ipv6, text, out)) return true;
  // NUL is never part of an address, so only rejected text can contain one.
  std::size_t nul = text.find('\0');
  return nul != std::string_view::npos && parse_family(ipv6, text.substr(0, nul), out);
}

std::optional<CidrBlock> parse_cidr(std::string_view text) {
  CidrBlock block;
  std::size_t slash = text.find('/');
  std::string_view address = text.substr(0, slash);
  if (address.size() > kMaxAddressText) return std::nullopt;
  block.ipv6 = address.find(':') != std::string_view::npos;
  if (!parse_ip_address(block.ipv6, address, block.bytes.data())) return std::nullopt;
  std::uint32_t max_prefix = block.ipv6 ? 128 : 32;
  block.prefix = max_prefix;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), block.prefix);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size() || block.prefix > max_prefix) {
      return std::nullopt;
    }
  }
  return block;
}

namespace {

// Byte `index` of an address agrees with the block on the bits its prefix covers.
bool byte_in_prefix(const CidrBlock& block, unsigned index, std::uint8_t byte) {
  if (block.prefix >= 8 * (index + 1)) return byte == block.bytes[index];
  if (block.prefix <= 8 * index) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - (block.prefix - 8 * index)));
  return (byte & mask) == (block.bytes[index] & mask);
}

// An IPv4 part outside the block decides the answer (false) whether or not the
// rest is an address, so most non-matching text is rejected after a few bytes.
bool ipv4_in_block(const CidrBlock& block, std::string_view ip) {
  auto in_prefix = [&](unsigned index, std::uint8_t byte) { return byte_in_prefix(block, index, byte); };
  std::uint8_t bytes[4];
  Ipv4Result result = parse_ipv4(ip, bytes, in_prefix);
  if (result == Ipv4Result::kInvalid) {  // as in parse_ip_address, an embedded NUL ends the text
    std::size_t nul = ip.find('\0');
    if (nul != std::string_view::npos) result = parse_ipv4(ip.substr(0, nul), bytes, in_prefix);
  }
  return result == Ipv4Result::kAddress;
}

}  // namespace

bool cidr_block_contains(const CidrBlock& block, std::string_view ip) {
  if (ip.empty() || ip.size() > kMaxAddressText) return false;
  if (!block.ipv6) return ipv4_in_block(block, ip);
  std::uint8_t bytes[16];
  if (!parse_ip_address(true, ip, bytes)) return false;
  for (unsigned i = 0; i < 16; ++i) {
    if (!byte_in_prefix(block, i, bytes[i])) return false;
  }
  return true;
}

}  // namespace sesrules::runtime
