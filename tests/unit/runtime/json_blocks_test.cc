// The block framing kernel (json_blocks.h) against a byte-at-a-time reference:
// random bracket/string/escape soups of every length across block boundaries
// must frame exactly as the reference does.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "runtime/readers/json_blocks.h"
#include "runtime/readers/json_scan.h"

namespace rt = sesrules::runtime;
using rt::detail::ScanStatus;

namespace {

// The reference: backslashes escape inside strings only (valid JSON has none elsewhere).
// plain: no byte >= 0x80 in the value, no byte < 0x20 inside its strings, and
// outside them only tab, line feed and carriage return.
rt::detail::ScanResult reference_scan(const std::string& data, std::size_t max_depth) {
  std::size_t depth = 0;
  bool too_deep = false;
  bool in_string = false;
  bool plain = true;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    const bool space = c == '\t' || c == '\n' || c == '\r';
    plain &= static_cast<unsigned char>(c) < 0x80 && (static_cast<unsigned char>(c) >= 0x20 || (!in_string && space));
    if (in_string) {
      if (c == '\\' && i + 1 < data.size()) {
        ++i;
        const auto escaped = static_cast<unsigned char>(data[i]);
        plain &= escaped >= 0x20 && escaped < 0x80;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') too_deep |= ++depth > max_depth;
    else if ((c == '}' || c == ']') && --depth == 0) {
      return {too_deep ? ScanStatus::TooDeep : ScanStatus::Ok, i + 1, !too_deep && plain};
    }
  }
  return {ScanStatus::Truncated, data.size()};
}

// Random text that is valid JSON as far as strings and escapes go.
std::string random_value(std::mt19937& rng, std::size_t length) {
  static const char* const kPieces[] = {"{", "}", "[", "]", "\"a\\\"b\"", "\"\\\\\"", "\"x{[\"", "\"\\\\\\\"]\"",
                                        ",", ":", "1", "  ", "\"long string of text without specials\"",
                                        "\"\\u0041\\n\"", "\"caf\xc3\xa9\"", "\"tab\there\"", "\n", "\t",
                                        "\x01", "\"\\\x02\"", "\x0c"};
  std::string out = "{";
  while (out.size() < length) out += kPieces[rng() % (sizeof kPieces / sizeof *kPieces)];
  return out;
}

}  // namespace

TEST_CASE("json_blocks: the kernel is chosen for this CPU") {
  const std::string kernel = rt::detail::block_kernel_name();
  CHECK((kernel == "avx2" || kernel == "sse2"));
}

TEST_CASE("json_blocks: classify_block marks each class") {
  std::string block(64, 'x');
  block[0] = '"', block[1] = '\\', block[2] = '{', block[3] = '[', block[62] = '}', block[63] = ']';
  const rt::detail::BlockClasses classes = rt::detail::classify_block(block.data());
  CHECK(classes.quote == 1);
  CHECK(classes.backslash == 2);
  CHECK(classes.open == 12);
  CHECK(classes.close == (std::uint64_t{3} << 62));
}

TEST_CASE("json_blocks: scan_value agrees with the reference on random input") {
  std::mt19937 rng(7);
  for (int round = 0; round < 4000; ++round) {
    const std::string text = random_value(rng, rng() % 300);
    for (std::size_t max_depth : {std::size_t{2}, std::size_t{64}}) {
      CAPTURE(text);
      const rt::detail::ScanResult expected = reference_scan(text, max_depth);
      const rt::detail::ScanResult got = rt::detail::scan_value(text, 0, max_depth);
      REQUIRE(got.status == expected.status);
      REQUIRE(got.end == expected.end);
      REQUIRE(got.plain == expected.plain);
      const rt::detail::ScanResult fallback = rt::detail::scan_container_sse2(text, 0, max_depth);
      REQUIRE(fallback.status == expected.status);
      REQUIRE(fallback.end == expected.end);
      REQUIRE(fallback.plain == expected.plain);
      if (text.empty() || (text[0] != '{' && text[0] != '[')) continue;
      for (const rt::detail::ScanResult skip : {rt::detail::skip_container(text, 0, max_depth),
                                                rt::detail::skip_container_sse2(text, 0, max_depth)}) {
        REQUIRE(skip.status == expected.status);
        REQUIRE(skip.end == expected.end);
      }
    }
  }
}

TEST_CASE("json_blocks: plain ends at the value, bytes after it do not count") {
  const std::string value = "{\"a\":[1,\"x\"]}";
  for (std::size_t pad = 0; pad < 70; ++pad) {
    const std::string text = value + std::string(pad, ' ') + "\"\xc3\xa9\t\"";  // the next record is not plain
    CAPTURE(pad);
    CHECK(rt::detail::scan_value(text, 0, 64).plain);
    CHECK(rt::detail::scan_container_sse2(text, 0, 64).plain);
  }
  CHECK(rt::detail::scan_value("{\"a\":\n1}", 0, 64).plain);        // a newline between tokens is fine
  CHECK_FALSE(rt::detail::scan_value("{\"a\n\":1}", 0, 64).plain);  // but not inside a string
  CHECK_FALSE(rt::detail::scan_value("{\"\xc3\xa9\":1}", 0, 64).plain);
  CHECK_FALSE(rt::detail::scan_value("[1]", 0, 0).plain);             // too deep
  CHECK_FALSE(rt::detail::scan_value("{\"a\":1\f2}", 0, 64).plain);   // not JSON whitespace
}

TEST_CASE("json_blocks: backslash runs that straddle a block boundary") {
  for (std::size_t run = 1; run <= 6; ++run) {
    for (std::size_t at = 56; at <= 66; ++at) {
      std::string text = "{\"" + std::string(at, 'x') + std::string(run, '\\') + "\"}\"}";
      CAPTURE(text);
      const rt::detail::ScanResult expected = reference_scan(text, 64);
      const rt::detail::ScanResult got = rt::detail::scan_value(text, 0, 64);
      CHECK(got.status == expected.status);
      CHECK(got.end == expected.end);
    }
  }
}
