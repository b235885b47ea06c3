// A message read from a JetStream stream, copied out of the C client's natsMsg so
// that it outlives the fetch that returned it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "distributed/jetstream.h"

namespace sesrules::distributed {

struct StreamMessage {
  std::uint64_t sequence = 0;           // stream sequence
  std::uint64_t consumer_sequence = 0;  // per-consumer delivery sequence
  std::uint64_t num_delivered = 1;      // > 1: a redelivery
  std::uint64_t num_pending = 0;        // messages left for this consumer after this one
  std::string subject, data;
  Headers headers;

  // Value of header `key`, or "" when absent.
  const std::string& header(const std::string& key) const;
};

Expected<StreamMessage> copy_stream_message(natsMsg* msg);

// Fetches up to `batch` messages; an empty list when none arrived within `timeout_ms`.
struct MsgListGuard {
  natsMsgList list{nullptr, 0};
  ~MsgListGuard() { natsMsgList_Destroy(&list); }
};
Status fetch(natsSubscription* subscription, int batch, int timeout_ms, MsgListGuard& out,
             const std::string& what);

}  // namespace sesrules::distributed
