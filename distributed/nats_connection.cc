// Connect with reconnect options and a JetStream context. Tested through every distributed_tests case.
#include "distributed/nats_connection.h"

namespace sesrules::distributed {

namespace {

Expected<OptionsHandle> make_options(const ConnectOptions& options) {
  natsOptions* raw = nullptr;
  natsStatus s = natsOptions_Create(&raw);
  OptionsHandle handle(raw);
  if (s == NATS_OK) s = natsOptions_SetURL(raw, options.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(raw, options.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(raw, options.timeout_ms);
  if (s == NATS_OK) s = natsOptions_SetAllowReconnect(raw, true);
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(raw, options.max_reconnect);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(raw, options.reconnect_wait_ms);
  if (s != NATS_OK) return nats_error("NATS options for " + options.url, s);
  return handle;
}

}  // namespace

Expected<NatsConnection> NatsConnection::connect(const ConnectOptions& options) {
  auto nats_options = make_options(options);
  if (!nats_options.ok()) return nats_options.status();
  NatsConnection result;
  result.options_ = options;
  natsConnection* raw = nullptr;
  natsStatus s = natsConnection_Connect(&raw, nats_options.value().get());
  result.connection_.reset(raw);
  if (s != NATS_OK) return nats_error("connect to NATS at " + options.url, s);
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options.js_wait_ms;
  jsCtx* js = nullptr;
  s = natsConnection_JetStream(&js, raw, &js_options);
  result.js_.reset(js);
  if (s != NATS_OK) return nats_error("JetStream context on " + options.url, s);
  return result;
}

bool NatsConnection::closed() const {
  return !connection_ || natsConnection_IsClosed(connection_.get());
}

void NatsConnection::close() {
  js_.reset();
  if (connection_) natsConnection_Close(connection_.get());
  connection_.reset();
}

}  // namespace sesrules::distributed
