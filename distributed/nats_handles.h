// Owning handles for the NATS C client's objects, and the one place that turns a
// natsStatus (+ JetStream error code) into a Status. Every C handle the layer creates
// lives in one of these, so no error path can leak it.
#pragma once

#include <nats/nats.h>

#include <memory>
#include <string>
#include <string_view>

#include "runtime/base/status.h"

namespace sesrules::distributed {

using runtime::Expected;
using runtime::Status;

template <typename T, void (*Destroy)(T*)>
struct NatsDeleter {
  void operator()(T* handle) const {
    if (handle != nullptr) Destroy(handle);
  }
};
template <typename T, void (*Destroy)(T*)>
using NatsHandle = std::unique_ptr<T, NatsDeleter<T, Destroy>>;

using OptionsHandle = NatsHandle<natsOptions, natsOptions_Destroy>;
using ConnectionHandle = NatsHandle<natsConnection, natsConnection_Destroy>;
using JsHandle = NatsHandle<jsCtx, jsCtx_Destroy>;
using MsgHandle = NatsHandle<natsMsg, natsMsg_Destroy>;
using SubscriptionHandle = NatsHandle<natsSubscription, natsSubscription_Destroy>;
using PubAckHandle = NatsHandle<jsPubAck, jsPubAck_Destroy>;
using StreamInfoHandle = NatsHandle<jsStreamInfo, jsStreamInfo_Destroy>;
using ConsumerInfoHandle = NatsHandle<jsConsumerInfo, jsConsumerInfo_Destroy>;
using MetaDataHandle = NatsHandle<jsMsgMetaData, jsMsgMetaData_Destroy>;
using KvStoreHandle = NatsHandle<kvStore, kvStore_Destroy>;
using KvEntryHandle = NatsHandle<kvEntry, kvEntry_Destroy>;
using KvStatusHandle = NatsHandle<kvStatus, kvStatus_Destroy>;

// "what: <status text> (jetstream error N)" — names the operation and, when the
// server sent one, the JetStream error code (e.g. 10071 wrong last sequence).
Status nats_error(std::string_view what, natsStatus status, jsErrCode code = static_cast<jsErrCode>(0));

// Creates a message with `subject` and a copy of `data`.
Expected<MsgHandle> make_msg(const std::string& subject, std::string_view data);

}  // namespace sesrules::distributed
