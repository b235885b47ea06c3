// Tests runtime/readers/decompress.cc: gzip by magic bytes, multi-member files,
// truncation, CRC damage, trailing bytes and the decompressed-size cap.
#include <doctest/doctest.h>

#include <string>

#include "reader_fixtures.h"
#include "runtime/readers/decompress.h"

namespace rt = sesrules::runtime;
using rt::testing::gzip;

namespace {

std::string sample_text(std::size_t lines) {
  std::string text;
  for (std::size_t i = 0; i < lines; ++i) text += rt::testing::record_json("GetSendQuota", std::to_string(i)) + "\n";
  return text;
}

}  // namespace

TEST_CASE("is_gzip looks at magic bytes only") {
  CHECK(rt::is_gzip(gzip("x")));
  CHECK_FALSE(rt::is_gzip("{\"Records\":[]}"));
  CHECK_FALSE(rt::is_gzip("\x1f"));
  CHECK_FALSE(rt::is_gzip(""));
}

TEST_CASE("decompress: good inputs") {
  const std::string a = sample_text(50), b = sample_text(3);
  struct Case { std::string name; std::string input; std::string expected; std::uint32_t members; };
  const Case cases[] = {
      {"single member", gzip(a), a, 1},
      {"two members", gzip(a) + gzip(b), a + b, 2},
      {"empty member in the middle", gzip(a) + gzip("") + gzip(b), a + b, 3},
      {"zero padding after the last member", gzip(b) + std::string(512, '\0'), b, 1},
      {"stored (level 0)", gzip(a, 0), a, 1},
  };
  rt::Decompressor decompressor;  // reused across cases, as a reader does
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const rt::DecompressResult result = decompressor.decompress("f.gz", c.input);
    CHECK(result.reason.empty());
    CHECK(result.message.empty());
    CHECK(result.members == c.members);
    CHECK(result.data == c.expected);
  }
}

TEST_CASE("decompress: damaged inputs are reported with the file name") {
  const std::string a = sample_text(200), b = sample_text(5);
  const std::string whole = gzip(a);
  std::string bad_crc = whole;
  bad_crc[bad_crc.size() - 8] = static_cast<char>(bad_crc[bad_crc.size() - 8] ^ 0x55);
  struct Case { std::string name; std::string input; const char* reason; const char* message_part; std::string data; };
  const Case cases[] = {
      {"cut in half", whole.substr(0, whole.size() / 2), "files_skipped_gzip_truncated", "truncated", ""},
      {"trailer cut", whole.substr(0, whole.size() - 3), "files_skipped_gzip_truncated", "truncated", ""},
      {"header only", whole.substr(0, 6), "files_skipped_gzip_truncated", "truncated", ""},
      {"bad CRC", bad_crc, "files_skipped_gzip_corrupt", "CRC", ""},
      {"second member cut", gzip(b) + whole.substr(0, whole.size() / 2), "files_damaged_gzip", "member 2", b},
      {"trailing text", gzip(b) + "hello", "files_damaged_gzip", "not gzip data", b},
  };
  rt::Decompressor decompressor;
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const rt::DecompressResult result = decompressor.decompress("logs/x.json.gz", c.input);
    CHECK(result.reason == c.reason);
    CHECK(result.message.find("logs/x.json.gz") != std::string::npos);
    CHECK(result.message.find(c.message_part) != std::string::npos);
    CHECK(result.data == c.data);
  }
}

TEST_CASE("decompress: the size cap stops bombs and allows exactly the cap") {
  const std::string zeros(1 << 20, '0');
  const std::string bomb = gzip(zeros, 9);
  CHECK(bomb.size() < 4096);
  {
    rt::Decompressor decompressor(64 * 1024);
    const rt::DecompressResult result = decompressor.decompress("bomb.gz", bomb);
    CHECK(result.reason == "files_skipped_decompression_cap");
    CHECK(result.message == "bomb.gz: decompressed size exceeds --max-decompressed-bytes (65536)");
    CHECK(result.data.empty());
  }
  {
    rt::Decompressor decompressor(zeros.size());
    const rt::DecompressResult result = decompressor.decompress("exact.gz", bomb);
    CHECK(result.reason.empty());
    CHECK(result.data.size() == zeros.size());
  }
  {
    // Two members that each fit but together do not.
    rt::Decompressor decompressor(zeros.size() + 10);
    const rt::DecompressResult result = decompressor.decompress("two.gz", bomb + bomb);
    CHECK(result.reason == "files_skipped_decompression_cap");
  }
}

TEST_CASE("decompress: a lying ISIZE trailer does not matter") {
  const std::string text = sample_text(20);
  std::string lying = gzip(text);
  lying[lying.size() - 1] = '\x7f';  // ISIZE claims ~2 GiB; the CRC still matches the data
  rt::Decompressor decompressor;
  const rt::DecompressResult result = decompressor.decompress("lie.gz", lying);
  CHECK(result.reason == "files_skipped_gzip_corrupt");
}
