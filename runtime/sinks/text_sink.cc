// The text sink: one block per alert for people reading a terminal. Severity
// is coloured when the output is a terminal (SinkOptions::color). Evidence is a
// compact table; the exact layout is covered by the e2e golden outputs.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/sinks/sinks.h"

namespace sesrules::runtime {

namespace {

const char* severity_color(Severity s) {
  switch (s) {
    case Severity::Critical: return "\x1b[1;37;41m";
    case Severity::High: return "\x1b[1;31m";
    case Severity::Medium: return "\x1b[1;33m";
    case Severity::Low: return "\x1b[1;36m";
    case Severity::Info: return "\x1b[2m";
  }
  return "";
}

// Log strings come from possibly hostile accounts: control characters (ESC
// sequences in a userAgent could rewrite the terminal) are shown escaped.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

std::string duration_text(std::int64_t ms) {
  std::int64_t s = ms / 1000;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string short_source(std::string_view source) {
  auto dot = source.find(".amazonaws.com");
  return std::string(dot == std::string_view::npos ? source : source.substr(0, dot));
}

class TextSink : public AlertSink {
 public:
  TextSink(const SinkOptions& options, OutputStream& out) : options_(options), out_(out) {}

  Status emit(const Alert& alert) override {
    std::string text;
    if (count_++) text += "\n";
    std::string severity = fmt::format("{:<8}", upper(severity_name(alert.severity)));
    if (options_.color) severity = fmt::format("{}{}\x1b[0m", severity_color(alert.severity), severity);
    text += fmt::format("{} {}  {}\n", severity, alert.rule_name, alert.title);
    std::string key;
    for (std::size_t i = 0; i < alert.key.size(); ++i) key += (i ? ", " : "") + printable(alert.key[i]);
    if (!key.empty()) text += fmt::format("         key    {}\n", key);
    if (alert.first_time_ms == alert.last_time_ms) {
      text += fmt::format("         time   {}\n", format_event_time(alert.time_ms));
    } else {
      text += fmt::format("         time   {} .. {} ({})\n", format_event_time(alert.first_time_ms),
                          format_event_time(alert.last_time_ms),
                          duration_text(alert.last_time_ms - alert.first_time_ms));
    }
    if (options_.alert_ids && !alert.alert_id.empty()) text += fmt::format("         id     {}\n", alert.alert_id);
    for (const auto& [name, value] : alert.fields) {
      std::string rendered = value.get().kind == Kind::String ? std::string(value.get().str()) : value.to_json();
      text += fmt::format("         {:<6} {}\n", name, printable(rendered));
    }
    text += evidence_table(alert);
    return out_.write(text);
  }

  Status finish(const RunSummary&) override { return out_.flush(); }

 private:
  static std::string evidence_table(const Alert& alert) {
    std::size_t name_width = 5, region_width = 6, ip_width = 2;
    for (const EventPtr& e : alert.events) {
      name_width = std::max(name_width, short_source(e->event_source).size() + 1 + e->event_name.size());
      region_width = std::max(region_width, e->aws_region.size());
      ip_width = std::max(ip_width, e->source_ip.size());
    }
    std::string text = fmt::format("         {:<20}  {:<{}}  {:<{}}  {:<{}}  {:<20}  {}\n", "eventTime", "event",
                                   name_width, "region", region_width, "ip", ip_width, "accessKeyId", "error");
    for (const EventPtr& e : alert.events) {
      std::string event = printable(short_source(e->event_source) + ":" + e->event_name);
      text += fmt::format("         {:<20}  {:<{}}  {:<{}}  {:<{}}  {:<20}  {}\n", printable(e->event_time), event,
                          name_width, printable(e->aws_region), region_width, printable(e->source_ip), ip_width,
                          printable(e->access_key_id), printable(e->error_code.value_or("-")));
    }
    return text;
  }

  SinkOptions options_;
  OutputStream& out_;
  std::size_t count_ = 0;
};

}  // namespace

std::unique_ptr<AlertSink> make_text_sink(const SinkOptions& options, OutputStream& out) {
  return std::make_unique<TextSink>(options, out);
}

}  // namespace sesrules::runtime
