// Publishes runtime Alerts to ct.alerts.<rule> as the jsonl object of the sinks
// (runtime/sinks alert_to_json), with Nats-Msg-Id = alert_id so that an alert
// re-published by a replay after a crash is dropped by CT_ALERTS' duplicate window
// (counted in `duplicates`: replayed-and-suppressed), and Sesrules-Suppression-Key
// for SIEM-side grouping. `omit_msg_id` exists only for the negative control test.
#pragma once

#include <cstdint>
#include <string>

#include "distributed/jetstream.h"
#include "runtime/alert.h"

namespace sesrules::distributed {

inline constexpr const char* kSuppressionKeyHeader = "Sesrules-Suppression-Key";
inline constexpr const char* kRuleHeader = "Sesrules-Rule";

// 16 hex digits; depends only on the rule name and the key parts (not the evidence).
std::string suppression_key(const runtime::Alert& alert);

// The headers every published alert carries: rule, suppression key and, unless
// omitted, Nats-Msg-Id = alert_id. Shared with bulk (async) alert publishing.
Headers alert_headers(const runtime::Alert& alert, bool with_msg_id = true);

struct AlertPublisherOptions {
  bool omit_msg_id = false;
};

class AlertPublisher {
 public:
  AlertPublisher(const NatsConnection& connection, AlertPublisherOptions options = {})
      : connection_(&connection), options_(options) {}

  Expected<PublishResult> publish(const runtime::Alert& alert);
  std::uint64_t published() const { return published_; }
  std::uint64_t duplicates() const { return duplicates_; }

 private:
  const NatsConnection* connection_;
  AlertPublisherOptions options_;
  std::uint64_t published_ = 0, duplicates_ = 0;
};

}  // namespace sesrules::distributed
