// AlertPublisher and suppression_key. Tested by alert_publisher_test.cc.
#include "distributed/alert_publisher.h"

#include "distributed/partitioning.h"
#include "runtime/sinks/sinks.h"

namespace sesrules::distributed {

std::string suppression_key(const runtime::Alert& alert) {
  // The alert-id hash over rule and key only: no evidence, a fixed "version".
  runtime::Alert identity;
  identity.rule_name = alert.rule_name;
  identity.key = alert.key;
  return runtime::compute_alert_id(identity, "suppression-key").substr(0, 16);
}

Headers alert_headers(const runtime::Alert& alert, bool with_msg_id) {
  Headers headers = {{kRuleHeader, alert.rule_name}, {kSuppressionKeyHeader, suppression_key(alert)}};
  if (with_msg_id) headers.emplace_back(kMsgIdHeader, alert.alert_id);
  return headers;
}

Expected<PublishResult> AlertPublisher::publish(const runtime::Alert& alert) {
  auto result = distributed::publish(*connection_, alert_subject(alert.rule_name), runtime::alert_to_json(alert),
                                     alert_headers(alert, !options_.omit_msg_id));
  if (!result.ok()) return result;
  if (result.value().duplicate) {
    ++duplicates_;
  } else {
    ++published_;
  }
  return result;
}

}  // namespace sesrules::distributed
