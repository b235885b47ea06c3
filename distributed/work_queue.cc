// WorkQueueConsumer and WorkItem ack/nak/in_progress. Tested by work_queue_test.cc.
#include "distributed/consumers.h"

namespace sesrules::distributed {

Status WorkItem::ack() {
  natsStatus s = natsMsg_AckSync(msg_.get(), nullptr, nullptr);
  if (s != NATS_OK) return nats_error("ack " + message_.subject + " #" + std::to_string(message_.sequence), s);
  return {};
}

Status WorkItem::nak(int delay_ms) {
  natsStatus s = delay_ms > 0 ? natsMsg_NakWithDelay(msg_.get(), delay_ms, nullptr)
                              : natsMsg_Nak(msg_.get(), nullptr);
  if (s != NATS_OK) return nats_error("nak " + message_.subject + " #" + std::to_string(message_.sequence), s);
  return {};
}

Status WorkItem::in_progress() {
  natsStatus s = natsMsg_InProgress(msg_.get(), nullptr);
  if (s != NATS_OK) {
    return nats_error("in-progress " + message_.subject + " #" + std::to_string(message_.sequence), s);
  }
  return {};
}

Expected<WorkQueueConsumer> WorkQueueConsumer::open(const NatsConnection& connection,
                                                    WorkQueueOptions options) {
  WorkQueueConsumer consumer;
  consumer.options_ = std::move(options);
  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = consumer.options_.stream.c_str();
  sub_options.Config.AckPolicy = js_AckExplicit;
  sub_options.Config.AckWait = static_cast<int64_t>(consumer.options_.ack_wait_ms) * 1000 * 1000;
  sub_options.Config.MaxDeliver = consumer.options_.max_deliver;
  natsSubscription* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_PullSubscribe(&raw, connection.js(), consumer.options_.filter.c_str(),
                                  consumer.options_.durable.c_str(), nullptr, &sub_options, &code);
  consumer.subscription_.reset(raw);
  if (s != NATS_OK) {
    return nats_error("work-queue consumer " + consumer.options_.durable + " on " + consumer.options_.stream, s,
                      code);
  }
  return consumer;
}

Expected<std::vector<WorkItem>> WorkQueueConsumer::fetch(int batch, int timeout_ms) {
  MsgListGuard list;
  Status s = distributed::fetch(subscription_.get(), batch, timeout_ms, list, options_.stream);
  if (!s.ok()) return s;
  std::vector<WorkItem> out;
  for (int i = 0; i < list.list.Count; ++i) {
    MsgHandle msg(list.list.Msgs[i]);
    list.list.Msgs[i] = nullptr;  // now owned by msg
    auto message = copy_stream_message(msg.get());
    if (!message.ok()) return message.status();
    out.emplace_back(std::move(msg), std::move(message.value()));
  }
  return out;
}

}  // namespace sesrules::distributed
