// A JetStream key-value bucket with compare-and-set: create succeeds only for a key
// that does not exist (or was deleted / expired), update only when the caller still
// holds the latest revision. Leases and checkpoints are built on these two.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "distributed/nats_connection.h"

namespace sesrules::distributed {

struct KvEntry {
  std::string value;
  std::uint64_t revision = 0;
};

enum class WriteOutcome { Written, AlreadyExists, RevisionMismatch };

struct WriteResult {
  WriteOutcome outcome = WriteOutcome::Written;
  std::uint64_t revision = 0;  // the new revision when Written
};

struct KvBucketOptions {
  std::string bucket;
  int ttl_ms = 0;        // 0: keys never expire
  int history = 1;
  bool memory = false;   // memory storage (tests); file storage otherwise
};

class KvBucket {
 public:
  // Creates the bucket when missing, binds to it otherwise (an error if its TTL differs).
  static Expected<KvBucket> open_or_create(const NatsConnection& connection, const KvBucketOptions& options);
  static Expected<KvBucket> open(const NatsConnection& connection, const std::string& bucket);

  // nullopt: not found (never written, deleted or expired).
  Expected<std::optional<KvEntry>> get(const std::string& key);
  Expected<WriteResult> create(const std::string& key, std::string_view value);
  Expected<WriteResult> update(const std::string& key, std::string_view value, std::uint64_t expected_revision);
  Expected<std::uint64_t> put(const std::string& key, std::string_view value);
  Status remove(const std::string& key);
  // Live keys starting with `prefix` (deleted and expired keys are not listed).
  Expected<std::vector<std::string>> keys(std::string_view prefix = {});
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  KvStoreHandle store_;
};

}  // namespace sesrules::distributed
