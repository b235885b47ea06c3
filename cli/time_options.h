// Parsing of time-valued command-line options: durations (`15m`) and instants
// (`2024-01-31`, `2024-01-31T12:00:00Z`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sesrules::cli {

bool parse_duration_ms(const std::string& text, std::int64_t& out, std::string& error);
// Empty text leaves `out` empty and succeeds.
bool parse_time_option(const std::string& text, std::optional<std::int64_t>& out, std::string& error);

}  // namespace sesrules::cli
