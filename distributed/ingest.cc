#include "distributed/ingest.h"

#include "distributed/partitioning.h"
#include "distributed/watermarks.h"

namespace sesrules::distributed {

Expected<std::unique_ptr<IngestPublisher>> IngestPublisher::create(const NatsConnection& connection, int partitions,
                                                                   std::uint64_t marker_every, int max_in_flight) {
  auto publisher = AsyncPublisher::create(connection, max_in_flight);
  if (!publisher.ok()) return publisher.status();
  return std::unique_ptr<IngestPublisher>(
      new IngestPublisher(connection, std::move(publisher.value()), partitions, marker_every));
}

void IngestPublisher::keep(const Status& status) {
  if (status.ok()) return;
  ++submit_failures_;
  if (first_error_.ok()) first_error_ = status;
}

void IngestPublisher::on_sequence_record(const runtime::SequenceRecordInfo& record) {
  Headers headers = {{kMsgIdHeader, std::string(record.event_id)}};
  // The watermark before this record, as eval's reorder buffer has it when the record arrives.
  if (max_time_ms_ != std::numeric_limits<std::int64_t>::min()) {
    headers.emplace_back(kWatermarkHeader, std::to_string(max_time_ms_));
  }
  max_time_ms_ = std::max(max_time_ms_, record.time_ms);
  keep(publisher_->publish(ingest_subject(record.recipient_account_id, record.aws_region), record.raw_json, headers));
  if (marker_every_ == 0 || ++records_ % marker_every_ != 0) return;
  // Asynchronous on the same connection: each partition sees the marker after the
  // records before it, and its value never exceeds the next record's header.
  std::string marker = encode_marker(Marker{max_time_ms_, false});
  for (int partition = 0; partition < partitions_; ++partition) {
    keep(publisher_->publish(watermark_subject(partition), marker));
    ++markers_;
  }
}

Status IngestPublisher::finish() {
  Status flushed = publisher_->flush();
  if (!first_error_.ok()) return first_error_;
  if (!flushed.ok()) return flushed;
  if (max_time_ms_ == std::numeric_limits<std::int64_t>::min()) return {};  // nothing published: nothing to end
  std::string marker = encode_marker(Marker{max_time_ms_, true});
  for (int partition = 0; partition < partitions_; ++partition) {
    auto published = publish(*connection_, watermark_subject(partition), marker);
    if (!published.ok()) return published.status();
    ++markers_;
  }
  return {};
}

IngestCounts IngestPublisher::counts() const {
  AsyncPublisher::Counts c = publisher_->counts();
  return IngestCounts{c.acked, c.duplicates, c.failed + submit_failures_, markers_};
}

}  // namespace sesrules::distributed
