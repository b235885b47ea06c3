// Tests cidr.cc: the address parser accepts and produces exactly what glibc's
// inet_pton does (the implementation it replaced) on fixed, random and mutated
// text, and cidr_block_contains agrees with the inet_pton-based version it
// replaced, kept here as the reference.
#include <doctest/doctest.h>

#include <arpa/inet.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/cidr.h"

namespace sesrules::runtime {
namespace {

// inet_pton read a NUL-terminated copy of at most 63 bytes.
bool reference_parse(bool ipv6, const std::string& text, std::uint8_t* out) {
  return inet_pton(ipv6 ? AF_INET6 : AF_INET, text.c_str(), out) == 1;
}

bool reference_contains(const CidrBlock& block, const std::string& ip) {
  std::uint8_t bytes[16];
  if (ip.empty() || ip.size() >= 64 || !reference_parse(block.ipv6, ip, bytes)) return false;
  std::uint32_t full = block.prefix / 8;
  if (std::memcmp(bytes, block.bytes.data(), full) != 0) return false;
  std::uint32_t rest = block.prefix % 8;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return rest == 0 || (bytes[full] & mask) == (block.bytes[full] & mask);
}

void check_parse_agrees(const std::string& text) {
  for (bool ipv6 : {false, true}) {
    std::uint8_t expected[16] = {}, got[16] = {};
    bool want = reference_parse(ipv6, text, expected);
    bool have = parse_ip_address(ipv6, text, got);
    if (want != have || (want && std::memcmp(expected, got, ipv6 ? 16 : 4) != 0)) {
      CAPTURE(text);
      CAPTURE(ipv6);
      CAPTURE(want);
      FAIL("parse_ip_address and inet_pton disagree");
    }
  }
}

const char* const kFixed[] = {
    "", "0.0.0.0", "1.2.3.4", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3",
    "01.2.3.4", "0.0.0.00", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/24", "1.2.3.-4", "1.2.3.4x", "4294967296.0.0.0",
    "ses.amazonaws.com", "autoscaling.amazonaws.com", "AWS Internal", "cafe.babe.de.ad", "dead::beef",
    "::", ":::", "::1", "1::", "1:", ":1", "1::2::3", "2001:db8::", "2001:DB8::ff", "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "12345::",
    "0000:0000:0000:0000:0000:0000:0000:0001", "00000::1", "::ffff:1.2.3.4", "::1.2.3.4", "::ffff:01.2.3.4",
    "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5::1.2.3.4", "::1.2.3.4:5", "::a.2.3.4",
    "::1.2.3", "fe80::1%eth0", "g::1",
};

TEST_CASE("parse_ip_address matches inet_pton on fixed cases") {
  for (const char* text : kFixed) check_parse_agrees(text);
  check_parse_agrees(std::string("1.2.3.4\0junk", 12));
  check_parse_agrees(std::string("::1.2.3.4\0:", 11));
  check_parse_agrees(std::string("\0" "1.2.3.4", 8));
  check_parse_agrees(std::string("2001:db8::\0z", 12));
}

std::string random_address(std::mt19937& rng) {
  auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
  std::string out;
  if (pick(2) == 0) {
    for (int i = 0; i < 4; ++i) out += (i ? "." : "") + std::to_string(pick(3) == 0 ? pick(300) : pick(10));
    return out;
  }
  const char* hex = pick(2) ? "0123456789abcdef" : "0123456789ABCDEF";
  unsigned groups = 1 + pick(9), gap = pick(groups + 3);
  for (unsigned g = 0; g < groups; ++g) {
    if (g == gap) out += "::";
    else if (g) out += ':';
    for (unsigned d = 0, n = pick(6); d < n; ++d) out += hex[pick(16)];
  }
  if (pick(4) == 0) {
    out += (out.empty() || out.back() == ':' ? "10.0.0." : ":10.0.0.") + std::to_string(pick(300));
  }
  return out;
}

void mutate(std::mt19937& rng, std::string& s) {
  const std::string symbols = std::string("0123456789afAFgx:./ %") + '\0';
  char c = symbols[rng() % symbols.size()];
  std::size_t at = s.empty() ? 0 : rng() % s.size();
  switch (rng() % 3) {
    case 0: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), c); break;
    case 1: if (!s.empty()) s.erase(at, 1); break;
    default: if (!s.empty()) s[at] = c; break;
  }
}

TEST_CASE("parse_ip_address matches inet_pton on random and mutated text") {
  std::mt19937 rng(11);
  const std::string symbols = std::string("0123456789abcdefABCDEFgx:./ ") + '\0';
  for (int i = 0; i < 100000; ++i) {
    std::string text;
    for (unsigned n = rng() % 24; n > 0; --n) text += symbols[rng() % symbols.size()];
    check_parse_agrees(text);
  }
  for (int i = 0; i < 200000; ++i) {
    std::string text = random_address(rng);
    check_parse_agrees(text);
    for (unsigned m = rng() % 3; m > 0; --m) mutate(rng, text);
    check_parse_agrees(text);
  }
}

TEST_CASE("parse_cidr and cidr_block_contains match the inet_pton-based versions") {
  std::mt19937 rng(13);
  const char* cidrs[] = {"198.51.7.0/24", "10.0.0.0/8", "10.0.0.0/9", "0.0.0.0/0", "1.2.3.4", "2001:db8::/32",
                         "2001:db8::/33", "::/0", "::ffff:10.0.0.0/104", "fe80::1/128"};
  for (const char* text : cidrs) {
    CAPTURE(text);
    std::optional<CidrBlock> block = parse_cidr(text);
    REQUIRE(block);
    std::string address = std::string(text).substr(0, std::string_view(text).find('/'));
    std::uint8_t expected[16] = {};
    REQUIRE(reference_parse(block->ipv6, address, expected));
    CHECK(std::memcmp(expected, block->bytes.data(), block->ipv6 ? 16 : 4) == 0);
    for (int i = 0; i < 20000; ++i) {
      std::string ip = random_address(rng);
      if (rng() % 4 == 0) ip = (rng() % 2 ? "198.51.7." : "10.0.0.") + std::to_string(rng() % 256);
      if (rng() % 4 == 0) mutate(rng, ip);
      if (cidr_block_contains(*block, ip) != reference_contains(*block, ip)) {
        CAPTURE(ip);
        FAIL("cidr_block_contains disagrees with the reference");
      }
    }
  }
  for (const char* bad : {"1.2.3.4/33", "1.2.3.4/", "1.2.3.4/x", "2001:db8::/129", "nope", "", "01.2.3.4/8",
                          "::1/07x", "1.2.3.4.5/8"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_cidr(bad));
  }
  CHECK_FALSE(cidr_block_contains(*parse_cidr("0.0.0.0/0"), std::string(64, '1')));
}

}  // namespace
}  // namespace sesrules::runtime
