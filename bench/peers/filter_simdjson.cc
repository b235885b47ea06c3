// Bench peer: a hand-written simdjson On-Demand filter for the five single-event SES rules.
// It is the speed floor a general rule engine is compared with (target P1 in
// docs/performance.md): one forward pass per record, no rule language, no allocation per record.
// Reads files or folders (recursively) of plain JSON: {"Records":[...]} or JSON Lines
// (.jsonl/.ndjson), and prints "<rule>\t<eventID>" per match. Field order is not assumed.
// Checked against truth.json by bench/run.sh and bench/tests/test_peers.py.
// Build: g++ -O2 -std=c++20 filter_simdjson.cc -lsimdjson -o filter_simdjson
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace od = simdjson::ondemand;

// What the rules need from one record. Views point into the parser's string buffer and die
// with the document.
struct Facts {
  std::string_view source;
  std::string_view name;
  std::string_view key_id;
  std::string_view event_id;
  std::string_view service_code;
  bool enabled_true = false;          // requestParameters.enabled is the JSON boolean true
  bool sending_enabled_true = false;  // requestParameters.sendingEnabled is true
};

constexpr std::string_view kSes = "ses.amazonaws.com";
constexpr std::string_view kQuotas = "servicequotas.amazonaws.com";

const char* matching_rule(const Facts& f) {
  if (!f.key_id.starts_with("AKIA")) return nullptr;
  if (f.source == kQuotas) {
    bool quota_call = f.name == "ListServiceQuotas" || f.name == "GetServiceQuota";
    return quota_call && f.service_code == "ses" ? "ses.quota_check_long_term_key" : nullptr;
  }
  if (f.source != kSes) return nullptr;
  if (f.name == "GetAccount") return "ses.get_account_long_term_key";
  if (f.name == "GetSendQuota") return "ses.quota_check_long_term_key";
  if (f.name == "ListIdentities" || f.name == "ListEmailIdentities") {
    return "ses.list_identities_long_term_key";
  }
  if (f.name == "GetAccountSendingEnabled") return "ses.sending_status_check_long_term_key";
  if ((f.name == "UpdateAccountSendingEnabled" && f.enabled_true) ||
      (f.name == "PutAccountSendingAttributes" && f.sending_enabled_true)) {
    return "ses.enable_sending_long_term_key";
  }
  return nullptr;
}

// requestParameters matters only for a few calls; when eventSource and eventName came first
// (CloudTrail's usual order) we can skip the object for every other call.
bool request_may_matter(const Facts& f) {
  if (f.source.empty() || f.name.empty()) return true;
  if (f.source == kQuotas) return true;
  return f.source == kSes &&
         (f.name == "UpdateAccountSendingEnabled" || f.name == "PutAccountSendingAttributes");
}

std::string_view string_or_empty(od::value value) {
  std::string_view text;
  return value.get_string().get(text) == simdjson::SUCCESS ? text : std::string_view{};
}

bool is_true(od::value value) {
  bool flag = false;
  return value.get_bool().get(flag) == simdjson::SUCCESS && flag;
}

void read_request(od::value value, Facts& f) {
  od::object request;
  if (value.get_object().get(request) != simdjson::SUCCESS) return;
  for (auto field : request) {
    od::raw_json_string key = field.key();
    if (key == "serviceCode") f.service_code = string_or_empty(field.value());
    else if (key == "enabled") f.enabled_true = is_true(field.value());
    else if (key == "sendingEnabled") f.sending_enabled_true = is_true(field.value());
  }
}

void read_identity(od::value value, Facts& f) {
  od::object identity;
  if (value.get_object().get(identity) != simdjson::SUCCESS) return;
  for (auto field : identity) {
    if (field.key() == "accessKeyId") f.key_id = string_or_empty(field.value());
  }
}

void scan_record(od::object record, std::string& out) {
  Facts f;
  for (auto field : record) {
    od::raw_json_string key = field.key();
    if (key == "eventSource") f.source = string_or_empty(field.value());
    else if (key == "eventName") f.name = string_or_empty(field.value());
    else if (key == "eventID") f.event_id = string_or_empty(field.value());
    else if (key == "userIdentity") read_identity(field.value(), f);
    else if (key == "requestParameters" && request_may_matter(f)) read_request(field.value(), f);
  }
  if (const char* rule = matching_rule(f)) {
    out.append(rule).append("\t").append(f.event_id).append("\n");
  }
}

void scan_records_document(od::parser& parser, const simdjson::padded_string& text,
                           std::string& out) {
  od::document doc = parser.iterate(text);
  for (auto field : doc.get_object()) {
    if (field.key() != "Records") continue;
    for (auto item : field.value().get_array()) {
      od::object record;
      if (item.get_object().get(record) == simdjson::SUCCESS) scan_record(record, out);
    }
  }
}

void scan_json_lines(od::parser& parser, const simdjson::padded_string& text, std::string& out) {
  od::document_stream stream = parser.iterate_many(text);
  for (auto doc : stream) {
    od::object record;
    if (doc.get_object().get(record) == simdjson::SUCCESS) scan_record(record, out);
  }
}

bool is_json_lines(const std::string& path) {
  return path.ends_with(".jsonl") || path.ends_with(".ndjson");
}

std::vector<std::string> collect(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (!fs::is_directory(argv[i])) {
      files.emplace_back(argv[i]);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(argv[i])) {
      std::string path = entry.path().string();
      if (entry.is_regular_file() && (path.ends_with(".json") || is_json_lines(path))) {
        found.push_back(std::move(path));
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  od::parser parser;
  std::string out;
  int failures = 0;
  for (const std::string& path : collect(argc, argv)) {
    try {
      simdjson::padded_string text = simdjson::padded_string::load(path);
      if (is_json_lines(path)) scan_json_lines(parser, text, out);
      else scan_records_document(parser, text, out);
    } catch (const simdjson::simdjson_error& error) {
      std::fprintf(stderr, "filter_simdjson: %s: %s\n", path.c_str(), error.what());
      ++failures;
    }
    if (out.size() > (1u << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return failures == 0 ? 0 : 1;
}
