// Copying a fetched natsMsg (data, headers, JetStream metadata) into a StreamMessage.
// Tested by jetstream_test.cc and work_queue_test.cc.
#include "distributed/stream_message.h"

#include <cstdlib>

namespace sesrules::distributed {

const std::string& StreamMessage::header(const std::string& key) const {
  static const std::string kEmpty;
  for (const auto& [name, value] : headers) {
    if (name == key) return value;
  }
  return kEmpty;
}

namespace {

Status copy_headers(natsMsg* msg, Headers& out) {
  const char** keys = nullptr;
  int count = 0;
  natsStatus s = natsMsgHeader_Keys(msg, &keys, &count);
  if (s == NATS_NOT_FOUND) return {};
  if (s != NATS_OK) return nats_error("read message headers", s);
  for (int i = 0; i < count && s == NATS_OK; ++i) {
    const char* value = nullptr;
    s = natsMsgHeader_Get(msg, keys[i], &value);
    if (s == NATS_OK) out.emplace_back(keys[i], value != nullptr ? value : "");
  }
  std::free(static_cast<void*>(keys));
  if (s != NATS_OK) return nats_error("read message header", s);
  return {};
}

}  // namespace

Expected<StreamMessage> copy_stream_message(natsMsg* msg) {
  StreamMessage out;
  out.subject = natsMsg_GetSubject(msg);
  const char* data = natsMsg_GetData(msg);
  if (data != nullptr) out.data.assign(data, static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
  jsMsgMetaData* raw_meta = nullptr;
  natsStatus s = natsMsg_GetMetaData(&raw_meta, msg);
  MetaDataHandle meta(raw_meta);
  if (s != NATS_OK) return nats_error("metadata of message on " + out.subject, s);
  out.sequence = meta->Sequence.Stream;
  out.consumer_sequence = meta->Sequence.Consumer;
  out.num_delivered = meta->NumDelivered;
  out.num_pending = meta->NumPending;
  Status headers = copy_headers(msg, out.headers);
  if (!headers.ok()) return headers;
  return out;
}

Status fetch(natsSubscription* subscription, int batch, int timeout_ms, MsgListGuard& out,
             const std::string& what) {
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_Fetch(&out.list, subscription, batch, timeout_ms, &code);
  if (s == NATS_TIMEOUT) return {};  // nothing new: not an error for a poller
  if (s != NATS_OK) return nats_error("fetch from " + what, s, code);
  return {};
}

}  // namespace sesrules::distributed
