// KvBucket over the C client's kvStore. Tested by kv_test.cc.
#include "distributed/kv.h"

namespace sesrules::distributed {

namespace {

// JetStream's "wrong last sequence" error: the compare-and-set lost.
constexpr int kWrongLastSequence = 10071;

// The C client reports a lost compare-and-set only through the thread's last error
// text ("wrong last sequence: N", JetStream error 10071).
bool lost_compare_and_set(natsStatus status) {
  if (status != NATS_ERR) return false;
  const char* text = nats_GetLastError(nullptr);
  return text != nullptr && (std::string_view(text).find("wrong last sequence") != std::string_view::npos ||
                             std::string_view(text).find(std::to_string(kWrongLastSequence)) != std::string_view::npos);
}

}  // namespace

// An existing bucket keeps its TTL; a different one requested now would silently
// change nothing, so it is an error (lease length is a deployment-wide setting).
static Status check_ttl(const std::string& name, kvStore* store, std::int64_t wanted_ns) {
  kvStatus* raw = nullptr;
  natsStatus s = kvStore_Status(&raw, store);
  KvStatusHandle status(raw);
  if (s != NATS_OK) return nats_error("status of KV bucket " + name, s);
  std::int64_t actual_ns = kvStatus_TTL(status.get());
  if (actual_ns == wanted_ns) return {};
  return Status::error("KV bucket " + name + " exists with TTL " + std::to_string(actual_ns / 1000000) +
                       " ms, not the requested " + std::to_string(wanted_ns / 1000000) +
                       " ms (delete the bucket or use the same TTL)");
}

Expected<KvBucket> KvBucket::open_or_create(const NatsConnection& connection, const KvBucketOptions& options) {
  const std::int64_t ttl_ns = static_cast<std::int64_t>(options.ttl_ms) * 1000 * 1000;
  auto existing = open(connection, options.bucket);
  if (existing.ok()) {
    Status ttl = check_ttl(options.bucket, existing.value().store_.get(), ttl_ns);
    if (!ttl.ok()) return ttl;
    return existing;
  }
  kvConfig config;
  kvConfig_Init(&config);
  config.Bucket = options.bucket.c_str();
  config.History = static_cast<uint8_t>(options.history);
  config.TTL = ttl_ns;  // nanoseconds: it becomes the stream's MaxAge
  config.StorageType = options.memory ? js_MemoryStorage : js_FileStorage;
  kvStore* raw = nullptr;
  natsStatus s = js_CreateKeyValue(&raw, connection.js(), &config);
  KvBucket bucket;
  bucket.name_ = options.bucket;
  bucket.store_.reset(raw);
  if (s != NATS_OK) return nats_error("create KV bucket " + options.bucket, s);
  return bucket;
}

Expected<KvBucket> KvBucket::open(const NatsConnection& connection, const std::string& name) {
  kvStore* raw = nullptr;
  natsStatus s = js_KeyValue(&raw, connection.js(), name.c_str());
  KvBucket bucket;
  bucket.name_ = name;
  bucket.store_.reset(raw);
  if (s != NATS_OK) return nats_error("open KV bucket " + name, s);
  return bucket;
}

Expected<std::optional<KvEntry>> KvBucket::get(const std::string& key) {
  kvEntry* raw = nullptr;
  natsStatus s = kvStore_Get(&raw, store_.get(), key.c_str());
  KvEntryHandle entry(raw);
  if (s == NATS_NOT_FOUND) return std::optional<KvEntry>();
  if (s != NATS_OK) return nats_error("get " + name_ + "/" + key, s);
  KvEntry out;
  const void* data = kvEntry_Value(entry.get());
  if (data != nullptr) out.value.assign(static_cast<const char*>(data), static_cast<std::size_t>(kvEntry_ValueLen(entry.get())));
  out.revision = kvEntry_Revision(entry.get());
  return std::optional<KvEntry>(std::move(out));
}

Expected<WriteResult> KvBucket::create(const std::string& key, std::string_view value) {
  uint64_t revision = 0;
  natsStatus s = kvStore_Create(&revision, store_.get(), key.c_str(), value.data(), static_cast<int>(value.size()));
  if (s == NATS_OK) return WriteResult{WriteOutcome::Written, revision};
  if (lost_compare_and_set(s)) return WriteResult{WriteOutcome::AlreadyExists, 0};
  return nats_error("create " + name_ + "/" + key, s);
}

Expected<WriteResult> KvBucket::update(const std::string& key, std::string_view value, std::uint64_t expected_revision) {
  uint64_t revision = 0;
  natsStatus s = kvStore_Update(&revision, store_.get(), key.c_str(), value.data(), static_cast<int>(value.size()),
                                expected_revision);
  if (s == NATS_OK) return WriteResult{WriteOutcome::Written, revision};
  if (lost_compare_and_set(s)) return WriteResult{WriteOutcome::RevisionMismatch, 0};
  return nats_error("update " + name_ + "/" + key + " at revision " + std::to_string(expected_revision), s);
}

Expected<std::uint64_t> KvBucket::put(const std::string& key, std::string_view value) {
  uint64_t revision = 0;
  natsStatus s = kvStore_Put(&revision, store_.get(), key.c_str(), value.data(), static_cast<int>(value.size()));
  if (s != NATS_OK) return nats_error("put " + name_ + "/" + key, s);
  return revision;
}

Status KvBucket::remove(const std::string& key) {
  natsStatus s = kvStore_Delete(store_.get(), key.c_str());
  if (s != NATS_OK) return nats_error("delete " + name_ + "/" + key, s);
  return {};
}

Expected<std::vector<std::string>> KvBucket::keys(std::string_view prefix) {
  kvKeysList list{nullptr, 0};
  natsStatus s = kvStore_Keys(&list, store_.get(), nullptr);
  std::vector<std::string> out;
  for (int i = 0; i < list.Count; ++i) {
    std::string_view key(list.Keys[i]);
    if (key.substr(0, prefix.size()) == prefix) out.emplace_back(key);
  }
  kvKeysList_Destroy(&list);
  if (s == NATS_NOT_FOUND) return std::vector<std::string>();  // an empty bucket
  if (s != NATS_OK) return nats_error("list keys of " + name_, s);
  return out;
}

}  // namespace sesrules::distributed
