#include "cli/time_options.h"

#include <cctype>

#include "runtime/record.h"

namespace sesrules::cli {

bool parse_duration_ms(const std::string& text, std::int64_t& out, std::string& error) {
  std::size_t i = 0;
  std::int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > (INT64_MAX / 10) - 10) break;
    value = value * 10 + (text[i++] - '0');
  }
  std::string unit = text.substr(i);
  std::int64_t scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000
                     : unit == "h" ? 3600000 : unit == "d" ? 86400000 : 0;
  if (i == 0 || scale == 0 || value > INT64_MAX / scale) {
    error = "invalid duration `" + text + "`: expected a number and a unit, such as 30s, 15m, 1h or 1d";
    return false;
  }
  out = value * scale;
  return true;
}

bool parse_time_option(const std::string& text, std::optional<std::int64_t>& out, std::string& error) {
  if (text.empty()) return true;
  std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
  std::int64_t ms = 0;
  if (!runtime::parse_event_time(full, ms)) {
    error = "invalid time `" + text + "`: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ";
    return false;
  }
  out = ms;
  return true;
}

}  // namespace sesrules::cli
