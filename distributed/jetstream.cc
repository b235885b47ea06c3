// Sync publish and the windowed async publisher. Tested by tests/unit/distributed/jetstream_test.cc.
#include "distributed/jetstream.h"

namespace sesrules::distributed {

Expected<MsgHandle> make_msg(const std::string& subject, std::string_view data, const Headers& headers) {
  auto msg = make_msg(subject, data);
  if (!msg.ok()) return msg;
  for (const auto& [key, value] : headers) {
    if (value.empty()) continue;
    natsStatus s = natsMsgHeader_Set(msg.value().get(), key.c_str(), value.c_str());
    if (s != NATS_OK) return nats_error("set header " + key + " on " + subject, s);
  }
  return msg;
}

Expected<PublishResult> publish(const NatsConnection& connection, const std::string& subject,
                                std::string_view data, const Headers& headers, PublishExpect expect) {
  auto msg = make_msg(subject, data, headers);
  if (!msg.ok()) return msg.status();
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.ExpectLastSeq = expect.last_seq;
  options.ExpectLastSubjectSeq = expect.last_subject_seq;
  jsPubAck* raw_ack = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_PublishMsg(&raw_ack, connection.js(), msg.value().get(), &options, &code);
  PubAckHandle ack(raw_ack);
  if (s != NATS_OK) return nats_error("publish to " + subject, s, code);
  return PublishResult{ack->Sequence, ack->Duplicate};
}

Expected<std::unique_ptr<AsyncPublisher>> AsyncPublisher::create(const NatsConnection& connection,
                                                                 int max_in_flight) {
  std::unique_ptr<AsyncPublisher> publisher(new AsyncPublisher());
  jsOptions options;
  jsOptions_Init(&options);
  options.Wait = connection.options().js_wait_ms;
  options.PublishAsync.MaxPending = max_in_flight;
  options.PublishAsync.AckHandler = &AsyncPublisher::on_ack;
  options.PublishAsync.AckHandlerClosure = publisher.get();
  options.PublishAsync.StallWait = connection.options().js_wait_ms;
  jsCtx* js = nullptr;
  natsStatus s = natsConnection_JetStream(&js, connection.raw(), &options);
  publisher->js_.reset(js);
  if (s != NATS_OK) return nats_error("JetStream context for async publishing", s);
  return publisher;
}

AsyncPublisher::~AsyncPublisher() {
  if (js_) (void)flush(5000);
  js_.reset();
}

void AsyncPublisher::on_ack(jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error, void* closure) {
  auto* self = static_cast<AsyncPublisher*>(closure);
  if (error != nullptr || ack == nullptr) {
    self->failed_.fetch_add(1);
    std::lock_guard lock(self->error_mutex_);
    if (self->first_error_.empty()) {
      self->first_error_ = std::string("async publish to ") + natsMsg_GetSubject(msg) + ": " +
                           (error != nullptr && error->ErrText != nullptr ? error->ErrText
                                                                          : "no acknowledgment");
    }
  } else if (ack->Duplicate) {
    self->duplicates_.fetch_add(1);
  } else {
    self->acked_.fetch_add(1);
  }
  natsMsg_Destroy(msg);
}

Status AsyncPublisher::publish(const std::string& subject, std::string_view data, const Headers& headers) {
  auto msg = make_msg(subject, data, headers);
  if (!msg.ok()) return msg.status();
  natsMsg* raw = msg.value().release();
  natsStatus s = js_PublishMsgAsync(js_.get(), &raw, nullptr);
  natsMsg_Destroy(raw);  // null when the library took ownership
  if (s != NATS_OK) return nats_error("async publish to " + subject, s);
  return {};
}

Status AsyncPublisher::flush(int timeout_ms) {
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.MaxWait = timeout_ms;
  natsStatus s = js_PublishAsyncComplete(js_.get(), &options);
  if (s != NATS_OK) return nats_error("wait for async publish acknowledgments", s);
  std::lock_guard lock(error_mutex_);
  if (!first_error_.empty()) {
    return Status::error(first_error_ + " (" + std::to_string(failed_.load()) + " failed)");
  }
  return {};
}

AsyncPublisher::Counts AsyncPublisher::counts() const {
  return Counts{acked_.load(), duplicates_.load(), failed_.load()};
}

}  // namespace sesrules::distributed
