// The publishing half of `sesrules ingest`: every record that can advance a sequence
// step (EvalCallbacks::on_sequence_record) goes to ct.in.<account>.<region> with
// Nats-Msg-Id = eventID (CT_IN's duplicate window drops a re-ingested record) and the
// Sesrules-Watermark header; finish() flushes and sends each partition its final
// marker (distributed/watermarks.h). Publishing is asynchronous and in order on one
// connection, so a partition sees records and markers in ingest's order.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "distributed/jetstream.h"
#include "runtime/evaluate.h"

namespace sesrules::distributed {

struct IngestCounts {
  std::uint64_t published = 0, duplicates = 0, failed = 0, markers = 0;
};

class IngestPublisher {
 public:
  // Every `marker_every` sequence records, every partition also gets a non-final marker
  // with the current maximum, so a partition whose accounts are quiet still advances
  // its watermark (its absence windows close) while the input goes on.
  static Expected<std::unique_ptr<IngestPublisher>> create(const NatsConnection& connection, int partitions,
                                                           std::uint64_t marker_every = 5000,
                                                           int max_in_flight = 1024);

  // Called from evaluate()'s merge thread, in input order. A failure is kept (the
  // first one is reported by finish()) and counted; later records are still tried.
  void on_sequence_record(const runtime::SequenceRecordInfo& record);
  // Waits for every acknowledgement, then publishes the final markers.
  Status finish();
  IngestCounts counts() const;

 private:
  IngestPublisher(const NatsConnection& connection, std::unique_ptr<AsyncPublisher> publisher, int partitions,
                  std::uint64_t marker_every)
      : connection_(&connection),
        publisher_(std::move(publisher)),
        partitions_(partitions),
        marker_every_(marker_every) {}
  void keep(const Status& status);

  const NatsConnection* connection_;
  std::unique_ptr<AsyncPublisher> publisher_;
  int partitions_;
  std::uint64_t marker_every_;
  std::int64_t max_time_ms_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t records_ = 0, markers_ = 0, submit_failures_ = 0;
  Status first_error_;
};

}  // namespace sesrules::distributed
