// ensure_topology: streams and buckets, created or updated. Tested by topology_test.cc.
#include "distributed/topology.h"

#include "distributed/kv.h"
#include "distributed/leases.h"

namespace sesrules::distributed {

namespace {

std::int64_t nanos(std::chrono::milliseconds duration) {
  return static_cast<std::int64_t>(duration.count()) * 1000 * 1000;
}

}  // namespace

Status ensure_stream(const NatsConnection& connection, jsStreamConfig& config) {
  jsStreamInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&raw, connection.js(), config.Name, nullptr, &code);
  StreamInfoHandle info(raw);
  bool exists = s == NATS_OK;
  if (s != NATS_OK && s != NATS_NOT_FOUND) return nats_error(std::string("look up stream ") + config.Name, s, code);
  raw = nullptr;
  s = exists ? js_UpdateStream(&raw, connection.js(), &config, nullptr, &code)
             : js_AddStream(&raw, connection.js(), &config, nullptr, &code);
  info.reset(raw);
  if (s != NATS_OK) return nats_error(std::string(exists ? "update" : "create") + " stream " + config.Name, s, code);
  return {};
}

Status delete_stream(const NatsConnection& connection, const std::string& name) {
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_DeleteStream(connection.js(), name.c_str(), nullptr, &code);
  if (s != NATS_OK && s != NATS_NOT_FOUND) return nats_error("delete stream " + name, s, code);
  return {};
}

Status ensure_topology(const NatsConnection& connection, const TopologyOptions& options) {
  jsStorageType storage = options.memory ? js_MemoryStorage : js_FileStorage;
  const char* in_subjects[] = {"ct.p.>"};
  const char* alert_subjects[] = {"ct.alerts.>"};
  const char* backfill_subjects[] = {"ct.backfill.>"};
  struct Spec {
    const char* name;
    const char** subjects;
    jsRetentionPolicy retention;
    std::chrono::milliseconds duplicates, max_age;
  };
  const Spec specs[] = {
      {kInStream, in_subjects, js_LimitsPolicy, options.in_duplicate_window, options.in_max_age},
      {kAlertStream, alert_subjects, js_LimitsPolicy, options.alert_duplicate_window, std::chrono::milliseconds(0)},
      {kBackfillStream, backfill_subjects, js_WorkQueuePolicy, std::chrono::minutes(2), std::chrono::milliseconds(0)},
  };
  for (const Spec& spec : specs) {
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = spec.name;
    config.Subjects = spec.subjects;
    config.SubjectsLen = 1;
    config.Retention = spec.retention;
    config.Storage = storage;
    config.Duplicates = nanos(spec.duplicates);
    config.MaxAge = nanos(spec.max_age);
    Status s = ensure_stream(connection, config);
    if (!s.ok()) return s;
  }
  if (options.lease_ttl) {
    auto leases = KvBucket::open_or_create(
        connection, KvBucketOptions{kLeaseBucket, static_cast<int>(options.lease_ttl->count()), 1, options.memory});
    if (!leases.ok()) return leases.status();
  }
  auto checkpoints = KvBucket::open_or_create(connection, KvBucketOptions{kCheckpointBucket, 0, 1, options.memory});
  if (!checkpoints.ok()) return checkpoints.status();
  return {};
}

}  // namespace sesrules::distributed
