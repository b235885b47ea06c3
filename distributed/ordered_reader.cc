// OrderedReader: an ephemeral, ack-less pull consumer that follows one filter in stream
// order and rebuilds itself on gaps or loss. Tested by jetstream_test.cc.
#include "distributed/consumers.h"

namespace sesrules::distributed {

void UnsubscribeDestroy::operator()(natsSubscription* sub) const {
  if (sub == nullptr) return;
  (void)natsSubscription_Unsubscribe(sub);  // deletes the ephemeral consumer; best effort
  natsSubscription_Destroy(sub);
}

Expected<OrderedReader> OrderedReader::open(const NatsConnection& connection,
                                            OrderedReaderOptions options) {
  OrderedReader reader;
  reader.js_ = connection.js();
  reader.options_ = std::move(options);
  if (reader.options_.start_seq == 0) reader.options_.start_seq = 1;
  Status s = reader.subscribe();
  if (!s.ok()) return s;
  return reader;
}

Status OrderedReader::subscribe() {
  subscription_.reset();
  last_consumer_seq_ = 0;
  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = options_.stream.c_str();
  sub_options.Config.DeliverPolicy = js_DeliverByStartSequence;
  sub_options.Config.OptStartSeq = options_.start_seq;
  sub_options.Config.AckPolicy = js_AckNone;
  sub_options.Config.InactiveThreshold = 60LL * 1000 * 1000 * 1000;  // server cleans up after a crash
  sub_options.Config.MemoryStorage = true;
  natsSubscription* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_PullSubscribe(&raw, js_, options_.filter.c_str(), nullptr, nullptr,
                                  &sub_options, &code);
  subscription_.reset(raw);
  if (s != NATS_OK) {
    return nats_error("read " + options_.stream + " " + options_.filter + " from sequence " +
                          std::to_string(options_.start_seq),
                      s, code);
  }
  return {};
}

Expected<std::string> OrderedReader::consumer_name() const {
  jsConsumerInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_GetConsumerInfo(&raw, subscription_.get(), nullptr, &code);
  ConsumerInfoHandle info(raw);
  if (s != NATS_OK) return nats_error("consumer of " + options_.stream + " " + options_.filter, s, code);
  return std::string(info->Name);
}

Status OrderedReader::recover_if_consumer_gone() {
  jsConsumerInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_GetConsumerInfo(&raw, subscription_.get(), nullptr, &code);
  ConsumerInfoHandle info(raw);
  if (s == NATS_OK) return {};
  if (s != NATS_NOT_FOUND) return nats_error("consumer of " + options_.stream + " " + options_.filter, s, code);
  ++resubscribes_;
  return subscribe();
}

Expected<std::vector<StreamMessage>> OrderedReader::next(int timeout_ms) {
  MsgListGuard batch;
  Status s = fetch(subscription_.get(), options_.batch, timeout_ms, batch, options_.stream + " " + options_.filter);
  if (!s.ok()) return s;
  if (batch.list.Count == 0) {
    // A pull request to a consumer the server dropped (idle past InactiveThreshold,
    // a server restart with memory storage) just times out: check on idle polls.
    Status recovered = recover_if_consumer_gone();
    if (!recovered.ok()) return recovered;
    return std::vector<StreamMessage>();
  }
  std::vector<StreamMessage> out;
  out.reserve(static_cast<std::size_t>(batch.list.Count));
  for (int i = 0; i < batch.list.Count; ++i) {
    auto message = copy_stream_message(batch.list.Msgs[i]);
    if (!message.ok()) return message.status();
    // Without acks a lost delivery is never resent: a consumer-sequence gap means
    // messages were dropped, so restart from the last good stream sequence.
    if (message.value().consumer_sequence != last_consumer_seq_ + 1) {
      ++resubscribes_;
      Status again = subscribe();
      if (!again.ok()) return again;
      return out;
    }
    last_consumer_seq_ = message.value().consumer_sequence;
    options_.start_seq = message.value().sequence + 1;
    out.push_back(std::move(message.value()));
  }
  return out;
}

}  // namespace sesrules::distributed
