// JetStream publishing: a synchronous publish that reports the stream sequence and
// whether the server suppressed it as a duplicate (same Nats-Msg-Id inside the
// stream's duplicate window), and an AsyncPublisher for bulk ingest that keeps at
// most `max_in_flight` unacknowledged messages (the library stalls beyond that).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "distributed/nats_connection.h"

namespace sesrules::distributed {

using Headers = std::vector<std::pair<std::string, std::string>>;
inline constexpr const char* kMsgIdHeader = "Nats-Msg-Id";

struct PublishResult {
  std::uint64_t sequence = 0;  // stream sequence (of the original when duplicate)
  bool duplicate = false;      // server suppressed it by Nats-Msg-Id
};

// Builds a message with headers (an empty header value is skipped).
Expected<MsgHandle> make_msg(const std::string& subject, std::string_view data, const Headers& headers);

// Optimistic concurrency: fail unless the stream's last sequence equals `expect_last_seq`.
struct PublishExpect {
  std::uint64_t last_seq = 0;          // 0: no expectation
  std::uint64_t last_subject_seq = 0;  // 0: no expectation
};

Expected<PublishResult> publish(const NatsConnection& connection, const std::string& subject,
                                std::string_view data, const Headers& headers = {},
                                PublishExpect expect = {});

class AsyncPublisher {
 public:
  struct Counts {
    std::uint64_t acked = 0, duplicates = 0, failed = 0;
  };
  static Expected<std::unique_ptr<AsyncPublisher>> create(const NatsConnection& connection,
                                                          int max_in_flight);
  ~AsyncPublisher();  // waits (bounded) for outstanding acks: callbacks use `this`
  AsyncPublisher(const AsyncPublisher&) = delete;
  AsyncPublisher& operator=(const AsyncPublisher&) = delete;

  // Queues one message; blocks (stalls) while the window is full.
  Status publish(const std::string& subject, std::string_view data, const Headers& headers = {});
  // Waits for every outstanding ack; an error names the first failed message and
  // stays (sticky): a bulk load that lost a message must not report success later.
  Status flush(int timeout_ms = 30000);
  Counts counts() const;

 private:
  AsyncPublisher() = default;
  static void on_ack(jsCtx* js, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error, void* self);

  JsHandle js_;
  std::atomic<std::uint64_t> acked_{0}, duplicates_{0}, failed_{0};
  std::mutex error_mutex_;
  std::string first_error_;
};

}  // namespace sesrules::distributed
