// CIDR blocks for cidr_contains(), and the address parser they use. The parser
// accepts exactly what glibc's inet_pton() accepts (which this code used before;
// tests/unit/runtime/cidr_test.cc compares the two on a corpus): IPv4 as four
// decimal parts 0-255 without leading zeros, IPv6 as up to eight hex groups with
// at most one `::` and an optional dotted IPv4 tail. It is cheaper than
// inet_pton (no copy, no NUL terminator) and rejects a host name such as
// "ses.amazonaws.com" at its first byte that cannot belong to an address.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sesrules::runtime {

// A parsed CIDR block ("10.0.0.0/8", "2001:db8::/32"; a bare address is a /32 or /128).
struct CidrBlock {
  bool ipv6 = false;
  std::array<std::uint8_t, 16> bytes{};
  std::uint32_t prefix = 0;
};
std::optional<CidrBlock> parse_cidr(std::string_view text);
// False when `ip` is not an address of the block's family ("ses.amazonaws.com").
bool cidr_block_contains(const CidrBlock& block, std::string_view ip);

// Parses an address of one family into `out` (4 or 16 bytes, network order).
// As with inet_pton on a C string, an embedded NUL ends the text.
bool parse_ip_address(bool ipv6, std::string_view text, std::uint8_t* out);

}  // namespace sesrules::runtime
