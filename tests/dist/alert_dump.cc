// Test helper for tests/dist/test_worker.py: prints every message stored in
// CT_ALERTS (one alert JSON object per line, in stream order) and exits once a
// fetch comes back empty. Usage: alert_dump NATS_URL
#include <cstdio>

#include "distributed/consumers.h"
#include "distributed/topology.h"

int main(int argc, char** argv) {
  using namespace sesrules::distributed;
  if (argc != 2) {
    std::fprintf(stderr, "usage: alert_dump NATS_URL\n");
    return 2;
  }
  ConnectOptions options;
  options.url = argv[1];
  auto connection = NatsConnection::connect(options);
  if (!connection.ok()) {
    std::fprintf(stderr, "alert_dump: %s\n", connection.status().message().c_str());
    return 1;
  }
  auto reader = OrderedReader::open(connection.value(), OrderedReaderOptions{kAlertStream, "ct.alerts.>", 1, 512});
  if (!reader.ok()) {
    std::fprintf(stderr, "alert_dump: %s\n", reader.status().message().c_str());
    return 1;
  }
  for (;;) {
    auto batch = reader.value().next(1000);
    if (!batch.ok()) {
      std::fprintf(stderr, "alert_dump: %s\n", batch.status().message().c_str());
      return 1;
    }
    if (batch.value().empty()) return 0;
    for (const StreamMessage& message : batch.value()) std::printf("%s\n", message.data.c_str());
  }
}
