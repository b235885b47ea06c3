// Shared by distributed_tests: one connection to the fixture's server, the topology
// created once (memory storage), and unique names so test cases do not collide.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "distributed/nats_connection.h"
#include "distributed/topology.h"

namespace sesrules::distributed::test {

inline std::string nats_url() {
  const char* url = std::getenv("SESRULES_NATS_URL");
  return url != nullptr ? url : "nats://127.0.0.1:4222";
}

inline int partitions() {
  const char* n = std::getenv("SESRULES_PARTITIONS");
  return n != nullptr ? std::atoi(n) : 8;
}

inline NatsConnection connect_or_fail(const std::string& name = "distributed_tests") {
  ConnectOptions options;
  options.url = nats_url();
  options.name = name;
  auto connection = NatsConnection::connect(options);
  if (!connection.ok()) FAIL(connection.status().message());
  return std::move(connection.value());
}

// The process-wide connection with the topology in place; main() drops it before
// nats_Close so that the C client can free everything.
inline std::unique_ptr<NatsConnection>& shared_slot() {
  static std::unique_ptr<NatsConnection> slot;
  return slot;
}

inline NatsConnection& shared_connection() {
  auto& slot = shared_slot();
  if (!slot) {
    slot = std::make_unique<NatsConnection>(connect_or_fail());
    TopologyOptions options;
    options.partitions = partitions();
    options.memory = true;
    options.lease_ttl = std::chrono::seconds(15);  // as a worker would
    Status s = ensure_topology(*slot, options);
    if (!s.ok()) FAIL(s.message());
  }
  return *slot;
}

}  // namespace sesrules::distributed::test
