// What ingest tells the workers about time, beyond the records themselves.
//
// Every published record carries header Sesrules-Watermark = the largest eventTime
// of the sequence records this ingest published before it. A worker applies it
// before the record, so its partition's late-data decisions equal eval's over the
// whole input (eval's watermark is global; a partition alone would see a lower one
// and keep records eval drops). At the end, ingest publishes a marker to every
// partition's ct.p.<n>.wm with the input's maximum eventTime and final = true: the
// worker flushes as eval does at its end (absence windows closed before it fire).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sesrules::distributed {

inline constexpr const char* kWatermarkHeader = "Sesrules-Watermark";

struct Marker {
  std::int64_t t_ms = 0;
  bool final = false;
};

// {"t_ms":<int>,"final":true|false}
std::string encode_marker(const Marker& marker);
// nullopt when `body` is not what encode_marker writes.
std::optional<Marker> decode_marker(std::string_view body);
// A decimal millisecond count (the watermark header); nullopt when malformed.
std::optional<std::int64_t> parse_millis(std::string_view text);

}  // namespace sesrules::distributed
