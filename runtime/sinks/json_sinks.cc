// jsonl / json / csv sinks. The jsonl field set is a public contract
// (docs/cli.md, docs/alert.schema.json): add fields, never rename them.
#include <cerrno>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include "runtime/sinks/sinks.h"

namespace sesrules::runtime {

namespace {

void json_string(std::string& out, std::string_view s) { append_json_string(out, s); }

void json_key(std::string& out, const std::vector<std::string>& key) {
  if (key.empty()) {
    out += "null";
  } else if (key.size() == 1) {
    json_string(out, key[0]);
  } else {
    out.push_back('[');
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (i) out.push_back(',');
      json_string(out, key[i]);
    }
    out.push_back(']');
  }
}

// `prefix` is the separator and the quoted key (`,"eventTime":`): the keys are
// fixed plain ASCII, so they are written as literals rather than escaped per alert.
void field(std::string& out, std::string_view prefix, std::string_view value) {
  out += prefix;
  json_string(out, value);
}

void event_json(std::string& out, const EventRecord& e, std::uint32_t step) {
  field(out, "{\"eventID\":", e.event_id);
  field(out, ",\"eventTime\":", e.event_time);
  field(out, ",\"eventSource\":", e.event_source);
  field(out, ",\"eventName\":", e.event_name);
  field(out, ",\"awsRegion\":", e.aws_region);
  field(out, ",\"sourceIPAddress\":", e.source_ip);
  field(out, ",\"accessKeyId\":", e.access_key_id);
  field(out, ",\"userIdentityArn\":", e.user_arn);
  field(out, ",\"recipientAccountId\":", e.recipient_account);
  out += ",\"errorCode\":";
  if (e.error_code) json_string(out, *e.error_code); else out += "null";
  field(out, ",\"file\":", e.file);
  fmt::format_to(std::back_inserter(out), ",\"record_index\":{},\"byte_offset\":{}", e.provenance.record_index,
                 e.provenance.byte_offset);
  out += ",\"step\":";
  if (step == kWholeRule) out += "null"; else fmt::format_to(std::back_inserter(out), "{}", step);
  out.push_back('}');
}

// Room for a typical single-event alert, so the string grows at most once or twice.
constexpr std::size_t kAlertJsonReserve = 1024;

void append_alert_json(std::string& out, const Alert& alert) {
  out.reserve(out.size() + kAlertJsonReserve);
  field(out, "{\"rule\":", alert.rule_name);
  field(out, ",\"title\":", alert.title);
  field(out, ",\"severity\":", severity_name(alert.severity));
  out += ",\"key\":";
  json_key(out, alert.key);
  field(out, ",\"time\":", format_event_time(alert.time_ms));
  field(out, ",\"first_time\":", format_event_time(alert.first_time_ms));
  field(out, ",\"last_time\":", format_event_time(alert.last_time_ms));
  if (!alert.alert_id.empty()) field(out, ",\"alert_id\":", alert.alert_id);
  out += ",\"events\":[";
  for (std::size_t i = 0; i < alert.events.size(); ++i) {
    if (i) out.push_back(',');
    event_json(out, *alert.events[i], i < alert.event_steps.size() ? alert.event_steps[i] : kWholeRule);
  }
  out += "],\"fields\":{";
  for (std::size_t i = 0; i < alert.fields.size(); ++i) {
    if (i) out.push_back(',');
    json_string(out, alert.fields[i].first);
    out.push_back(':');
    append_json(out, alert.fields[i].second.get());
  }
  out += "}}";
}

}  // namespace

std::string alert_to_json(const Alert& alert) {
  std::string out;
  append_alert_json(out, alert);
  return out;
}

Status OutputStream::write(std::string_view text) {
  if (text.empty()) return {};
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    if (errno == EPIPE) return Status::error("EPIPE");
    return Status::error(fmt::format("cannot write output: {}", std::strerror(errno)));
  }
  return {};
}

Status OutputStream::flush() {
  if (std::fflush(file_) != 0) {
    if (errno == EPIPE) return Status::error("EPIPE");
    return Status::error(fmt::format("cannot write output: {}", std::strerror(errno)));
  }
  return {};
}

namespace {

class JsonlSink : public AlertSink {
 public:
  JsonlSink(OutputStream& out, bool array) : out_(out), array_(array) {}
  Status emit(const Alert& alert) override {
    line_.clear();  // keeps its capacity from the last alert
    if (array_) line_ = count_++ ? ",\n  " : "[\n  ";
    append_alert_json(line_, alert);
    if (!array_) line_.push_back('\n');
    return out_.write(line_);
  }
  Status finish(const RunSummary&) override {
    if (array_) {
      Status s = out_.write(count_ ? "\n]\n" : "[]\n");
      if (!s.ok()) return s;
    }
    return out_.flush();
  }

 private:
  OutputStream& out_;
  bool array_;
  std::size_t count_ = 0;
  std::string line_;
};

std::string csv_cell(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

class CsvSink : public AlertSink {
 public:
  explicit CsvSink(OutputStream& out) : out_(out) {}
  Status emit(const Alert& alert) override {
    std::string line;
    if (!header_done_) {
      line = "time,severity,rule,key,first_time,last_time,events,event_ids,title,alert_id\n";
      header_done_ = true;
    }
    std::string key, ids;
    for (std::size_t i = 0; i < alert.key.size(); ++i) key += (i ? "|" : "") + alert.key[i];
    for (std::size_t i = 0; i < alert.events.size(); ++i) ids += (i ? " " : "") + alert.events[i]->event_id;
    line += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", format_event_time(alert.time_ms),
                        severity_name(alert.severity), csv_cell(alert.rule_name), csv_cell(key),
                        format_event_time(alert.first_time_ms), format_event_time(alert.last_time_ms),
                        alert.events.size(), csv_cell(ids), csv_cell(alert.title), alert.alert_id);
    return out_.write(line);
  }
  Status finish(const RunSummary&) override {
    if (!header_done_) {
      Status s = out_.write("time,severity,rule,key,first_time,last_time,events,event_ids,title,alert_id\n");
      if (!s.ok()) return s;
    }
    return out_.flush();
  }

 private:
  OutputStream& out_;
  bool header_done_ = false;
};

}  // namespace

std::unique_ptr<AlertSink> make_text_sink(const SinkOptions& options, OutputStream& out);

std::unique_ptr<AlertSink> make_sink(const SinkOptions& options, OutputStream& out) {
  switch (options.format) {
    case SinkFormat::Jsonl: return std::make_unique<JsonlSink>(out, false);
    case SinkFormat::Json: return std::make_unique<JsonlSink>(out, true);
    case SinkFormat::Csv: return std::make_unique<CsvSink>(out);
    case SinkFormat::Text: break;
  }
  return make_text_sink(options, out);
}

}  // namespace sesrules::runtime
