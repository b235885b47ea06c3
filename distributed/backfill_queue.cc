// Queuing backfill shards and working them (backfill_queue.h).
#include "distributed/backfill_queue.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "distributed/alert_publisher.h"
#include "distributed/consumers.h"
#include "distributed/partitioning.h"
#include "distributed/topology.h"
#include "runtime/sinks/sinks.h"

namespace sesrules::distributed {
namespace {

using Clock = std::chrono::steady_clock;

// Sends in_progress for one work item every `period` until destroyed, so a shard
// that takes longer than ack_wait is not handed to a second worker while this one
// is alive. The item is not touched by anyone else while the heartbeat runs.
class Heartbeat {
 public:
  Heartbeat(WorkItem& item, std::chrono::milliseconds period) : thread_([this, &item, period] {
      std::unique_lock lock(mutex_);
      while (!stop_) {
        if (stopped_.wait_for(lock, period, [this] { return stop_; })) break;
        lock.unlock();
        Status s = item.in_progress();
        lock.lock();
        if (!s.ok() && failure_.empty()) failure_ = s.message();
      }
    }) {}
  // The first failed in_progress, or "": after one, another worker may have redone
  // the shard (its alerts then count as duplicates there), which is harmless.
  std::string failure() {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  ~Heartbeat() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    stopped_.notify_all();
    thread_.join();
  }
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stop_ = false;
  std::string failure_;
  std::thread thread_;  // last: starts after the members it uses exist
};

// Keeps a shard's alerts until the shard is known to be complete, so a failed shard
// publishes nothing (a partial evaluation could give alerts eval would not).
class CollectingSink : public runtime::AlertSink {
 public:
  Status emit(const runtime::Alert& alert) override {
    alerts.push_back(alert);
    return {};
  }
  Status finish(const runtime::RunSummary&) override { return {}; }
  std::vector<runtime::Alert> alerts;
};

class ShardWorker {
 public:
  ShardWorker(const NatsConnection& connection, std::shared_ptr<const runtime::LoadedProgram> program,
              const BackfillWorkOptions& options, const ShardOutcomeCallback& on_outcome)
      : connection_(connection), program_(std::move(program)), options_(options), on_outcome_(on_outcome) {}

  // Fails only when the server cannot be reached (ack, nak or publish failed).
  Status work(WorkItem& item);
  const BackfillWorkSummary& summary() const { return summary_; }

 private:
  Status retry_later(WorkItem& item, ShardOutcome& outcome, std::string status, std::string message);
  Status evaluate_and_publish(WorkItem& item, const Shard& shard, ShardOutcome& outcome);
  Expected<std::vector<runtime::Alert>> evaluate_shard(const Shard& shard, ShardOutcome& outcome);
  Expected<AsyncPublisher::Counts> publish_alerts(const std::vector<runtime::Alert>& alerts);
  void report(const ShardOutcome& outcome) {
    if (on_outcome_) on_outcome_(outcome);
  }

  const NatsConnection& connection_;
  std::shared_ptr<const runtime::LoadedProgram> program_;
  const BackfillWorkOptions& options_;
  const ShardOutcomeCallback& on_outcome_;
  BackfillWorkSummary summary_;
};

Status ShardWorker::retry_later(WorkItem& item, ShardOutcome& outcome, std::string status, std::string message) {
  outcome.status = std::move(status);
  outcome.message = std::move(message);
  ++(outcome.status == "refused" ? summary_.refused : summary_.failed);
  report(outcome);
  return item.nak(options_.retry_delay_ms);
}

Status ShardWorker::work(WorkItem& item) {
  ShardOutcome outcome;
  outcome.delivery = item.message().num_delivered;
  auto shard = shard_from_json(item.message().data);
  if (!shard.ok()) {
    outcome.shard_id = fmt::format("stream sequence {}", item.message().sequence);
    outcome.status = "malformed";
    outcome.message = shard.status().message();
    ++summary_.malformed;
    report(outcome);
    return item.ack();  // it can never succeed; reported, not retried forever
  }
  outcome.shard_id = shard.value().id;
  outcome.account = shard.value().account;
  if (shard.value().pack_hash != options_.pack_hash) {
    return retry_later(item, outcome, "refused",
                       fmt::format("planned for rule pack {}, this worker runs {}: start workers with the "
                                   "rules the plan was made with",
                                   shard.value().pack_hash, options_.pack_hash));
  }
  return evaluate_and_publish(item, shard.value(), outcome);
}

// The shard's alerts, or why it failed (walk issues, changed files, unreadable files,
// evaluate errors). Damaged records or files are skipped and counted as in eval
// (outcome.input_errors, first one in outcome.message).
Expected<std::vector<runtime::Alert>> ShardWorker::evaluate_shard(const Shard& shard, ShardOutcome& outcome) {
  auto inputs = walk_shard(shard);
  if (!inputs.ok()) return inputs.status();
  runtime::EvalOptions eval = options_.eval;
  eval.since_ms = shard.since_ms;
  eval.until_ms = shard.until_ms;
  CollectingSink sink;
  std::string first_issue, first_unreadable;
  runtime::EvalCallbacks callbacks;
  callbacks.on_issue = [&](const runtime::ReadIssue& issue) {
    if (first_issue.empty()) first_issue = issue.message;
    if (first_unreadable.empty() && issue.reason == "files_skipped_unreadable") first_unreadable = issue.message;
  };
  auto result = runtime::evaluate(program_, inputs.value(), eval, sink, callbacks);
  if (!result.ok()) return result.status();
  if (result.value().files_unreadable > 0) {
    return Status::error(fmt::format("{} unreadable files: {}", result.value().files_unreadable, first_unreadable));
  }
  outcome.input_errors = result.value().input_errors;
  if (outcome.input_errors > 0) {
    outcome.message = fmt::format("{} damaged input units skipped, first: {}", outcome.input_errors, first_issue);
  }
  return std::move(sink.alerts);
}

// Alerts as AlertPublisher sends them (same subject, body and headers), but with a
// window of acknowledgments in flight: a shard can hold thousands of alerts, and one
// round trip each made publishing, not evaluation, the bulk of a shard's time.
Expected<AsyncPublisher::Counts> ShardWorker::publish_alerts(const std::vector<runtime::Alert>& alerts) {
  auto publisher = AsyncPublisher::create(connection_, 1024);
  if (!publisher.ok()) return publisher.status();
  for (const runtime::Alert& alert : alerts) {
    Status s = publisher.value()->publish(alert_subject(alert.rule_name), runtime::alert_to_json(alert),
                                          alert_headers(alert));
    if (!s.ok()) return s;
  }
  Status flushed = publisher.value()->flush();
  if (!flushed.ok()) return flushed;
  return publisher.value()->counts();
}

Status ShardWorker::evaluate_and_publish(WorkItem& item, const Shard& shard, ShardOutcome& outcome) {
  // The heartbeat runs until just before the final nak or ack: the item is then used
  // by this thread alone.
  std::optional<Heartbeat> heartbeat(std::in_place, item,
                                     std::chrono::milliseconds(std::max(options_.ack_wait_ms / 3, 1)));
  auto alerts = evaluate_shard(shard, outcome);
  if (!alerts.ok()) {
    heartbeat.reset();
    return retry_later(item, outcome, "failed", alerts.status().message());
  }
  auto counts = publish_alerts(alerts.value());
  if (!counts.ok()) return counts.status();  // server gone: the shard is redelivered
  outcome.alerts = alerts.value().size();
  outcome.published = counts.value().acked;
  outcome.duplicates = counts.value().duplicates;
  outcome.status = "published";
  report(outcome);
  if (options_.pause_before_ack_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(options_.pause_before_ack_ms));
  const std::string heartbeat_failure = heartbeat->failure();
  heartbeat.reset();
  if (!heartbeat_failure.empty()) {
    outcome.message += (outcome.message.empty() ? "" : "; ") + ("heartbeat failed: " + heartbeat_failure);
  }
  Status acked = item.ack();
  if (!acked.ok()) return acked;
  summary_.alerts += outcome.alerts;
  summary_.published += outcome.published;
  summary_.duplicates += outcome.duplicates;
  summary_.input_errors += outcome.input_errors;
  ++summary_.acked;
  outcome.status = "acked";
  report(outcome);
  return {};
}

}  // namespace

runtime::Expected<QueuedPlan> queue_plan(const NatsConnection& connection, const BackfillPlan& plan) {
  QueuedPlan queued;
  for (const Shard& shard : plan.shards) {
    auto result = publish(connection, kBackfillSubject, shard_to_json(shard), {{kMsgIdHeader, shard.id}});
    if (!result.ok()) return Status::error("queue shard " + shard.id + ": " + result.status().message());
    ++(result.value().duplicate ? queued.already_queued : queued.queued);
  }
  return queued;
}

runtime::Expected<BackfillWorkSummary> run_backfill_worker(const NatsConnection& connection,
                                                           std::shared_ptr<const runtime::LoadedProgram> program,
                                                           const BackfillWorkOptions& options,
                                                           const ShardOutcomeCallback& on_outcome) {
  auto consumer = WorkQueueConsumer::open(
      connection, {kBackfillStream, kBackfillDurable, kBackfillSubject, options.ack_wait_ms, -1});
  if (!consumer.ok()) return consumer.status();
  ShardWorker worker(connection, std::move(program), options, on_outcome);
  Clock::time_point idle_since = Clock::now();
  for (;;) {
    auto items = consumer.value().fetch(1, 1000);
    if (!items.ok()) return items.status();
    bool progressed = false;
    for (WorkItem& item : items.value()) {
      const std::uint64_t acked_before = worker.summary().acked + worker.summary().malformed;
      Status s = worker.work(item);
      if (!s.ok()) return s;
      progressed = progressed || worker.summary().acked + worker.summary().malformed > acked_before;
    }
    // Refused and failed shards come back after retry_delay: they do not count as work.
    if (progressed) {
      idle_since = Clock::now();
    } else if (options.exit_when_idle_ms >= 0 &&
               Clock::now() - idle_since >= std::chrono::milliseconds(options.exit_when_idle_ms)) {
      return worker.summary();
    }
  }
}

}  // namespace sesrules::distributed
