// Tests value.cc: append_json_string's 16-byte scan against a byte-at-a-time
// reference, and OwnedValues sharing one Arena.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include <fmt/format.h>

#include "runtime/value.h"

namespace sesrules::runtime {
namespace {

// The escaping rules written out byte by byte, as append_json_string did before
// it classified 16 bytes at a time.
std::string reference_json_string(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else out.push_back(ch);
    }
  }
  out.push_back('"');
  return out;
}

std::string fast_json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST_CASE("append_json_string: every byte value at every position of a block") {
  for (std::size_t length : {1u, 7u, 15u, 16u, 17u, 31u, 32u, 33u}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (unsigned byte = 0; byte < 256; ++byte) {
        std::string s(length, 'a');
        s[at] = static_cast<char>(byte);
        CAPTURE(length);
        CAPTURE(at);
        CAPTURE(byte);
        REQUIRE(fast_json_string(s) == reference_json_string(s));
      }
    }
  }
}

TEST_CASE("append_json_string: random strings agree with the reference") {
  std::mt19937 rng(7);
  // Mostly printable with some escapes and high bytes, so words of every kind occur.
  const std::string alphabet = std::string("abcXYZ019-:/ ") + "\"\\\n\t\x01\x1f\x7f\x80\xc3\xff";
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 70, ' ');
    for (char& c : s) c = rng() % 4 == 0 ? alphabet[rng() % alphabet.size()] : static_cast<char>('a' + rng() % 26);
    CAPTURE(s);
    REQUIRE(fast_json_string(s) == reference_json_string(s));
  }
  CHECK(fast_json_string("") == "\"\"");
}

TEST_CASE("OwnedValues sharing an Arena keep their copies after the source is gone") {
  auto storage = std::make_shared<Arena>(64);
  std::vector<OwnedValue> owned;
  {
    Arena source;
    Member* members = source.allocate_array<Member>(1);
    new (&members[0]) Member{source.copy_string("name"), Value::from_string(source.copy_string("bucket-1"))};
    std::string text(200, 'x');  // larger than the Arena's block
    owned.emplace_back(Value::from_object(members, 1), storage);
    owned.emplace_back(Value::from_string(text), storage);
    owned.emplace_back(Value::from_int(42), storage);
  }
  storage.reset();  // the OwnedValues keep the Arena alive
  CHECK(owned[0].to_json() == R"({"name":"bucket-1"})");
  CHECK(owned[1].get().str() == std::string(200, 'x'));
  CHECK(owned[2].to_json() == "42");
}

}  // namespace
}  // namespace sesrules::runtime
