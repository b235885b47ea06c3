// Reading streams. OrderedReader: one partition's subject filter of a stream, from a
// start sequence, in stream order — an ephemeral pull consumer without acks that is
// re-created from the last delivered sequence when a delivery gap shows or the server
// dropped the consumer (what the client libraries' "ordered consumer" does for push). WorkQueueConsumer: a durable
// pull consumer with explicit acks on a work-queue stream (backfill shards); a message
// not acked within ack_wait is redelivered, so a killed worker's shard is retried.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "distributed/stream_message.h"

namespace sesrules::distributed {

struct UnsubscribeDestroy {
  void operator()(natsSubscription* sub) const;
};
using EphemeralSubscription = std::unique_ptr<natsSubscription, UnsubscribeDestroy>;

struct OrderedReaderOptions {
  std::string stream;            // e.g. CT_IN
  std::string filter;            // e.g. ct.p.3.>
  std::uint64_t start_seq = 1;   // first stream sequence wanted
  int batch = 512;
};

class OrderedReader {
 public:
  static Expected<OrderedReader> open(const NatsConnection& connection, OrderedReaderOptions options);

  // The next messages in stream order (empty: none within timeout_ms).
  Expected<std::vector<StreamMessage>> next(int timeout_ms);
  std::uint64_t next_seq() const { return options_.start_seq; }
  std::uint64_t resubscribes() const { return resubscribes_; }
  // The server-side consumer's name (diagnostics, tests).
  Expected<std::string> consumer_name() const;

 private:
  Status subscribe();
  Status recover_if_consumer_gone();
  jsCtx* js_ = nullptr;  // owned by the NatsConnection, which must outlive the reader
  OrderedReaderOptions options_;
  EphemeralSubscription subscription_;
  std::uint64_t last_consumer_seq_ = 0;
  std::uint64_t resubscribes_ = 0;
};

struct WorkQueueOptions {
  std::string stream;      // e.g. CT_BACKFILL
  std::string durable;     // shared by every worker (no '.')
  std::string filter;      // e.g. ct.backfill.shards
  int ack_wait_ms = 30000;
  int max_deliver = -1;    // -1: unlimited
};

// One fetched work item; ack/nak/in_progress go to the server (the C message stays
// owned here until the item dies).
class WorkItem {
 public:
  explicit WorkItem(MsgHandle msg, StreamMessage message)
      : msg_(std::move(msg)), message_(std::move(message)) {}
  const StreamMessage& message() const { return message_; }
  Status ack();                      // done: removed from the work queue (waits for the server)
  Status nak(int delay_ms = 0);      // failed: redeliver after delay_ms
  Status in_progress();              // still working: restart the ack-wait timer

 private:
  MsgHandle msg_;
  StreamMessage message_;
};

class WorkQueueConsumer {
 public:
  static Expected<WorkQueueConsumer> open(const NatsConnection& connection, WorkQueueOptions options);
  Expected<std::vector<WorkItem>> fetch(int batch, int timeout_ms);

 private:
  WorkQueueOptions options_;
  SubscriptionHandle subscription_;
};

}  // namespace sesrules::distributed
