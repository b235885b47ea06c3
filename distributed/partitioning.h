// Subjects of the distributed mode and the account -> partition function. Ingest
// publishes to ct.in.<account>.<region>; the server's subject mapping (see
// server_mapping_config) rewrites that to ct.p.<n>.<account>.<region> with
// n = partition(N, account), which partition_of reproduces: FNV-1a (32-bit) of the
// account token, modulo N. Tested against a real server in distributed_tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sesrules::distributed {

inline constexpr const char* kIngestPrefix = "ct.in";
inline constexpr const char* kPartitionPrefix = "ct.p";
inline constexpr const char* kAlertPrefix = "ct.alerts";
inline constexpr const char* kBackfillSubject = "ct.backfill.shards";

std::uint32_t fnv1a32(std::string_view bytes);

int partition_of(std::string_view account, int partitions);

// NATS subject tokens cannot hold '.', ' ', '*', '>' or be empty; account ids and
// regions never do, but bad input must not break the subject tree: such characters
// become '_' and an empty token becomes "_".
std::string subject_token(std::string_view text);

std::string ingest_subject(std::string_view account, std::string_view region);
std::string partition_subject(int partition, std::string_view account, std::string_view region);
std::string partition_filter(int partition);        // ct.p.<n>.>  (events and markers)
std::string watermark_subject(int partition);       // ct.p.<n>.wm
std::string alert_subject(std::string_view rule);   // ct.alerts.<rule>

// The nats-server config block (text) that maps ct.in.*.* onto N partitions.
std::string server_mapping_config(int partitions);

struct PartitionedSubject {
  int partition = 0;
  bool marker = false;        // ct.p.<n>.wm
  std::string account, region;
};
// nullopt when `subject` is not ct.p.<n>.wm or ct.p.<n>.<account>.<region>.
std::optional<PartitionedSubject> parse_partitioned_subject(std::string_view subject);

}  // namespace sesrules::distributed
