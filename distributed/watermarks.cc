#include "distributed/watermarks.h"

#include <charconv>

namespace sesrules::distributed {

std::string encode_marker(const Marker& marker) {
  return "{\"t_ms\":" + std::to_string(marker.t_ms) + ",\"final\":" + (marker.final ? "true" : "false") + "}";
}

std::optional<std::int64_t> parse_millis(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<Marker> decode_marker(std::string_view body) {
  constexpr std::string_view kHead = "{\"t_ms\":";
  constexpr std::string_view kFinal = ",\"final\":";
  if (body.substr(0, kHead.size()) != kHead) return std::nullopt;
  body.remove_prefix(kHead.size());
  auto comma = body.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  auto t = parse_millis(body.substr(0, comma));
  body.remove_prefix(comma);
  if (!t || body.substr(0, kFinal.size()) != kFinal) return std::nullopt;
  body.remove_prefix(kFinal.size());
  if (body == "true}") return Marker{*t, true};
  if (body == "false}") return Marker{*t, false};
  return std::nullopt;
}

}  // namespace sesrules::distributed
