#include "distributed/alert_publisher.h"

#include <cstdio>

#include "distributed/partitioning.h"
#include "runtime/sinks/sinks.h"

namespace sesrules::distributed {

std::string suppression_key(const runtime::Alert& alert) {
  // Length-prefixed so ("ab","c") and ("a","bc") differ.
  std::string material;
  auto add = [&material](std::string_view part) {
    material += std::to_string(part.size());
    material += ':';
    material += part;
  };
  add(alert.rule_name);
  for (const auto& part : alert.key) add(part);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(material)));
  return hex;
}

Expected<PublishResult> AlertPublisher::publish(const runtime::Alert& alert) {
  Headers headers = {{kRuleHeader, alert.rule_name}, {kSuppressionKeyHeader, suppression_key(alert)}};
  if (!options_.omit_msg_id) headers.emplace_back(kMsgIdHeader, alert.alert_id);
  auto result = distributed::publish(*connection_, alert_subject(alert.rule_name), runtime::alert_to_json(alert), headers);
  if (!result.ok()) return result;
  if (result.value().duplicate) {
    ++duplicates_;
  } else {
    ++published_;
  }
  return result;
}

}  // namespace sesrules::distributed
