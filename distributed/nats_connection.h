// A connection to one NATS server (or cluster URL list) with its JetStream context.
// Reconnects on its own (a worker survives a server restart); close() drains nothing
// and is idempotent, the destructor closes too.
#pragma once

#include <string>

#include "distributed/nats_handles.h"

namespace sesrules::distributed {

struct ConnectOptions {
  std::string url = "nats://127.0.0.1:4222";  // comma-separated list allowed
  std::string name = "sesrules";              // shows in the server's connz
  int timeout_ms = 2000;                      // connect timeout
  int max_reconnect = 120;                    // -1: forever
  int reconnect_wait_ms = 250;
  int js_wait_ms = 5000;                      // JetStream API and sync publish timeout
};

class NatsConnection {
 public:
  static Expected<NatsConnection> connect(const ConnectOptions& options);

  natsConnection* raw() const { return connection_.get(); }
  jsCtx* js() const { return js_.get(); }
  const ConnectOptions& options() const { return options_; }
  bool closed() const;
  void close();

 private:
  NatsConnection() = default;
  ConnectOptions options_;
  ConnectionHandle connection_;
  JsHandle js_;  // declared after connection_: destroyed first
};

}  // namespace sesrules::distributed
