// Subjects and partition_of. Tested by partitioning_test.cc (against the server's mapping).
#include "distributed/partitioning.h"

#include <charconv>
#include <vector>

namespace sesrules::distributed {

// 32-bit on purpose: it must equal the server's partition() hash (Go's fnv.New32a).
std::uint32_t fnv1a32(std::string_view bytes) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

int partition_of(std::string_view account, int partitions) {
  if (partitions <= 0) return 0;
  return static_cast<int>(fnv1a32(subject_token(account)) % static_cast<std::uint32_t>(partitions));
}

std::string subject_token(std::string_view text) {
  if (text.empty()) return "_";
  std::string out(text);
  for (char& c : out) {
    if (c == '.' || c == '*' || c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n') c = '_';
  }
  return out;
}

std::string ingest_subject(std::string_view account, std::string_view region) {
  return std::string(kIngestPrefix) + "." + subject_token(account) + "." + subject_token(region);
}

std::string partition_subject(int partition, std::string_view account, std::string_view region) {
  return std::string(kPartitionPrefix) + "." + std::to_string(partition) + "." + subject_token(account) + "." +
         subject_token(region);
}

std::string partition_filter(int partition) {
  return std::string(kPartitionPrefix) + "." + std::to_string(partition) + ".>";
}

std::string watermark_subject(int partition) {
  return std::string(kPartitionPrefix) + "." + std::to_string(partition) + ".wm";
}

std::string alert_subject(std::string_view rule) { return std::string(kAlertPrefix) + "." + subject_token(rule); }

std::string server_mapping_config(int partitions) {
  return "mappings = {\n  \"" + std::string(kIngestPrefix) + ".*.*\": \"" + kPartitionPrefix + ".{{partition(" +
         std::to_string(partitions) + ",1)}}.{{wildcard(1)}}.{{wildcard(2)}}\"\n}\n";
}

namespace {

std::vector<std::string_view> split_tokens(std::string_view subject) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = subject.find('.', start);
    tokens.push_back(subject.substr(start, dot - start));
    if (dot == std::string_view::npos) return tokens;
    start = dot + 1;
  }
}

}  // namespace

std::optional<PartitionedSubject> parse_partitioned_subject(std::string_view subject) {
  auto tokens = split_tokens(subject);
  if (tokens.size() < 4 || tokens[0] != "ct" || tokens[1] != "p") return std::nullopt;
  PartitionedSubject out;
  auto [end, error] = std::from_chars(tokens[2].data(), tokens[2].data() + tokens[2].size(), out.partition);
  if (error != std::errc() || end != tokens[2].data() + tokens[2].size() || out.partition < 0) return std::nullopt;
  if (tokens.size() == 4 && tokens[3] == "wm") {
    out.marker = true;
    return out;
  }
  if (tokens.size() != 5 || tokens[3].empty() || tokens[4].empty()) return std::nullopt;
  out.account = tokens[3];
  out.region = tokens[4];
  return out;
}

}  // namespace sesrules::distributed
