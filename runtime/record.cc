// eventTime parsing and formatting, and pending slots, for RecordView (runtime/record.h).
// Accepts RFC 3339 timestamps as CloudTrail writes them: "YYYY-MM-DDTHH:MM:SS",
// optional fractional seconds (digits past milliseconds are truncated), then "Z"
// or an offset "+HH:MM" / "-HH:MM" / "+HHMM". Anything else is malformed: the
// record then has no time (has_time = false), which is not an error.
// Tested by tests/unit/runtime/record_test.cc.
#include "runtime/record.h"

#include <cstring>

#include <fmt/format.h>

namespace sesrules::runtime {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate { std::int64_t year; unsigned month; unsigned day; };

CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads exactly `count` digits at text[pos]; advances pos.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, unsigned& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  pos += count;
  return true;
}

bool expect_char(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Fractional seconds after the '.', as milliseconds (extra digits truncated).
bool read_fraction(std::string_view text, std::size_t& pos, unsigned& millis) {
  millis = 0;
  std::size_t digits = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (digits < 3) millis = millis * 10 + static_cast<unsigned>(text[pos] - '0');
    ++digits;
    ++pos;
  }
  for (std::size_t i = digits; i < 3; ++i) millis *= 10;
  return digits > 0;
}

// "Z", "+HH:MM", "-HH:MM" or "+HHMM" as a signed offset in minutes; must end the text.
bool read_offset(std::string_view text, std::size_t& pos, int& minutes) {
  if (pos >= text.size()) return false;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    minutes = 0;
    return ++pos == text.size();
  }
  if (text[pos] != '+' && text[pos] != '-') return false;
  const int sign = text[pos++] == '-' ? -1 : 1;
  unsigned hours = 0, mins = 0;
  if (!read_digits(text, pos, 2, hours)) return false;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (!read_digits(text, pos, 2, mins) || hours > 23 || mins > 59) return false;
  minutes = sign * static_cast<int>(hours * 60 + mins);
  return pos == text.size();
}

}  // namespace

const Value& RecordView::resolve(std::uint32_t slot) const {
  static const Value kUndefined;
  return pending != nullptr ? pending->resolve(slot) : kUndefined;
}

namespace {

// Two ASCII digits at text[at] as a number; bad becomes non-zero if either is not one.
unsigned two_digits(std::string_view text, std::size_t at, unsigned& bad) {
  const unsigned high = static_cast<unsigned char>(text[at]) - unsigned{'0'};
  const unsigned low = static_cast<unsigned char>(text[at + 1]) - unsigned{'0'};
  bad |= static_cast<unsigned>(high > 9) | static_cast<unsigned>(low > 9);
  return high * 10 + low;
}

// The time of day of a CloudTrail-form time (`...THH:MM:SSZ`, 20 bytes) in
// milliseconds, or -1 when that part is not of the form or out of range.
std::int64_t cloudtrail_time_of_day(std::string_view text) {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return -1;
  unsigned bad = 0;
  const unsigned hour = two_digits(text, 11, bad), minute = two_digits(text, 14, bad);
  const unsigned second = two_digits(text, 17, bad);
  if (bad != 0 || hour > 23 || minute > 59 || second > 59) return -1;
  return (std::int64_t{hour} * 3600 + minute * 60 + second) * 1000;
}

}  // namespace

// CloudTrail's own form, YYYY-MM-DDTHH:MM:SSZ, parsed without the general
// reader's calls: every record's eventTime is parsed (ordering, watermarks).
// Anything else, out-of-range fields included, is left to the general reader.
bool parse_event_time(std::string_view text, std::int64_t& out_ms) {
  if (const std::int64_t time_of_day = cloudtrail_time_of_day(text);
      time_of_day >= 0 && text[4] == '-' && text[7] == '-') {
    unsigned bad = 0;
    const unsigned year = two_digits(text, 0, bad) * 100 + two_digits(text, 2, bad);
    const unsigned month = two_digits(text, 5, bad), day = two_digits(text, 8, bad);
    if (bad == 0 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month)) {
      out_ms = days_from_civil(year, month, day) * 86400000 + time_of_day;
      return true;
    }
  }
  return detail::parse_event_time_general(text, out_ms);
}

bool EventTimeReader::parse(std::string_view text, std::int64_t& out_ms) {
  if (has_day_ && text.size() == 20 && std::memcmp(text.data(), day_, sizeof day_) == 0) {
    if (const std::int64_t time_of_day = cloudtrail_time_of_day(text); time_of_day >= 0) {
      out_ms = day_ms_ + time_of_day;
      return true;
    }
  }
  if (!parse_event_time(text, out_ms)) return false;
  if (const std::int64_t time_of_day = cloudtrail_time_of_day(text); time_of_day >= 0) {
    std::memcpy(day_, text.data(), sizeof day_);
    day_ms_ = out_ms - time_of_day;
    has_day_ = true;
  }
  return true;
}

bool detail::parse_event_time_general(std::string_view text, std::int64_t& out_ms) {
  std::size_t pos = 0;
  unsigned year, month, day, hour, minute, second, millis = 0;
  if (!read_digits(text, pos, 4, year) || !expect_char(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect_char(text, pos, '-') ||
      !read_digits(text, pos, 2, day)) {
    return false;
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) return false;
  ++pos;
  if (!read_digits(text, pos, 2, hour) || !expect_char(text, pos, ':') ||
      !read_digits(text, pos, 2, minute) || !expect_char(text, pos, ':') ||
      !read_digits(text, pos, 2, second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  if (pos < text.size() && text[pos] == '.' && !read_fraction(text, ++pos, millis)) return false;
  int offset_minutes = 0;
  if (!read_offset(text, pos, offset_minutes)) return false;
  const std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 +
                               minute * 60 + second - std::int64_t{offset_minutes} * 60;
  out_ms = seconds * 1000 + millis;
  return true;
}

std::string format_event_time(std::int64_t ms) {
  std::int64_t days = ms / 86400000;
  std::int64_t rest = ms % 86400000;
  if (rest < 0) {
    rest += 86400000;
    --days;
  }
  const CivilDate date = civil_from_days(days);
  const auto millis = static_cast<unsigned>(rest % 1000);
  const auto secs = static_cast<unsigned>(rest / 1000);
  if (date.year < 0 || date.year > 9999) {  // fmt's sign and width rules; never in CloudTrail
    std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", date.year, date.month,
                                  date.day, secs / 3600, secs / 60 % 60, secs % 60);
    if (millis != 0) out += fmt::format(".{:03}", millis);
    out.push_back('Z');
    return out;
  }
  // By hand: every alert formats three times, and fmt's parsing of the pattern cost more
  // than the rest of the alert's JSON.
  char text[] = "0000-00-00T00:00:00.000Z";
  auto put = [&text](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10) text[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(date.year), 4);
  put(5, date.month, 2);
  put(8, date.day, 2);
  put(11, secs / 3600, 2);
  put(14, secs / 60 % 60, 2);
  put(17, secs % 60, 2);
  if (millis == 0) return std::string(text, 19) + 'Z';
  put(20, millis, 3);
  return std::string(text, 24);
}

}  // namespace sesrules::runtime
