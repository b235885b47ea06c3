#include "distributed/worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <thread>

#include "distributed/leases.h"
#include "distributed/topology.h"

namespace sesrules::distributed {

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kMemberPrefix = "member-";
constexpr const char* kFinishedPrefix = "finished-";

class Worker {
 public:
  Worker(const WorkerOptions& options, KvBucket members, KvBucket finished, LeaseTable leases)
      : options_(options), members_(std::move(members)), finished_(std::move(finished)), leases_(std::move(leases)) {}

  Status run(PartitionContext& context);

 private:
  void log(const std::string& message) const { fmt::print(stderr, "sesrules worker {}: {}\n", options_.id, message); }
  Status maintain(PartitionContext& context, bool force_fence_check);
  Status acquire(PartitionContext& context);
  Status stop(int partition, const std::string& why);
  Status poll(PartitionContext& context, int partition, int timeout_ms);
  Expected<bool> all_finished();

  const WorkerOptions& options_;
  KvBucket members_, finished_;
  LeaseTable leases_;
  std::map<int, std::unique_ptr<OwnedPartition>> owned_;
  std::map<int, bool> marked_finished_;
  Clock::time_point last_renew_ = Clock::now(), last_acquire_ = Clock::now(), last_activity_ = Clock::now();
};

Status Worker::stop(int partition, const std::string& why) {
  owned_.erase(partition);
  log(fmt::format("partition {}: stopped ({})", partition, why));
  return leases_.release(partition);  // a no-op when the lease is already someone else's
}

// Renews due leases and the membership key; acquires up to the fair share every
// ttl/3. A worker that overslept its lease (paused, swapped out) first tries each
// partition's pending checkpoint: the compare-and-set, not the local clock, decides
// whether it still owns the partition.
Status Worker::maintain(PartitionContext& context, bool force_fence_check) {
  auto interval = leases_.renew_interval();
  if (force_fence_check) {
    log("lease renewal overdue: checking ownership through the checkpoint compare-and-set");
    for (int partition : leases_.held()) {
      if (!owned_.count(partition)) continue;
      auto step = owned_[partition]->checkpoint();
      if (!step.ok()) return step.status();
      if (step.value() == PartitionStep::Fenced) {
        Status s = stop(partition, "checkpoint fenced");
        if (!s.ok()) return s;
      }
    }
  }
  auto lost = leases_.renew_due();
  if (!lost.ok()) return lost.status();
  for (int partition : lost.value()) {
    ++context.counters->lost;
    owned_.erase(partition);
    log(fmt::format("partition {}: lease lost (expired and taken); stopped", partition));
  }
  last_renew_ = Clock::now();
  if (Clock::now() - last_acquire_ < interval) return {};
  last_acquire_ = Clock::now();
  auto put = members_.put(kMemberPrefix + options_.id, "alive");
  if (!put.ok()) return put.status();
  return acquire(context);
}

Status Worker::acquire(PartitionContext& context) {
  auto members = members_.keys(kMemberPrefix);
  if (!members.ok()) return members.status();
  std::size_t live = std::max<std::size_t>(1, members.value().size());
  std::size_t share = (static_cast<std::size_t>(options_.partitions) + live - 1) / live;
  int first = static_cast<int>(std::hash<std::string>{}(options_.id) % static_cast<std::size_t>(options_.partitions));
  for (int i = 0; i < options_.partitions && owned_.size() < share; ++i) {
    int partition = (first + i) % options_.partitions;
    if (owned_.count(partition)) continue;
    auto outcome = leases_.try_acquire(partition);
    if (!outcome.ok()) return outcome.status();
    if (outcome.value() != LeaseOutcome::Held) continue;
    ++context.counters->acquired;
    log(fmt::format("partition {}: lease acquired ({} live workers, share {})", partition, live, share));
    auto opened = OwnedPartition::open(context, partition);
    if (!opened.ok()) {
      log(fmt::format("partition {}: cannot start: {}", partition, opened.status().message()));
      Status s = leases_.release(partition);
      if (!s.ok()) return s;
      continue;
    }
    owned_[partition] = std::move(opened.value());
    last_activity_ = Clock::now();
  }
  return {};
}

Status Worker::poll(PartitionContext& context, int partition, int timeout_ms) {
  auto messages = owned_[partition]->fetch(timeout_ms);
  if (!messages.ok()) return messages.status();
  // Fetching may have blocked (or the process was stopped) past the lease: check
  // ownership before acting on what arrived.
  if (Clock::now() - last_renew_ > options_.lease_ttl / 2) {
    Status s = maintain(context, true);
    if (!s.ok()) return s;
    if (!owned_.count(partition)) return {};
  }
  if (messages.value().empty()) return {};
  last_activity_ = Clock::now();
  auto step = owned_[partition]->process(messages.value());
  if (!step.ok()) return step.status();
  if (step.value() == PartitionStep::Fenced) return stop(partition, "checkpoint fenced");
  if (owned_[partition]->finished() && !marked_finished_[partition]) {
    auto put = finished_.put(kFinishedPrefix + std::to_string(partition), options_.id);
    if (!put.ok()) return put.status();
    marked_finished_[partition] = true;
  }
  return {};
}

Expected<bool> Worker::all_finished() {
  auto keys = finished_.keys(kFinishedPrefix);
  if (!keys.ok()) return keys.status();
  return keys.value().size() >= static_cast<std::size_t>(options_.partitions);
}

Status Worker::run(PartitionContext& context) {
  auto put = members_.put(kMemberPrefix + options_.id, "alive");
  if (!put.ok()) return put.status();
  log(fmt::format("started: {} partitions, lease ttl {} ms, checkpoint every {} records", options_.partitions,
                  options_.lease_ttl.count(), options_.checkpoint_every));
  // First acquisition after one renew interval: workers started together see each other.
  last_acquire_ = Clock::now();
  Clock::time_point last_idle_check = Clock::now();
  for (;;) {
    Status s = maintain(context, Clock::now() - last_renew_ > options_.lease_ttl / 2);
    if (!s.ok()) return s;
    std::vector<int> partitions;
    for (const auto& [partition, owned] : owned_) partitions.push_back(partition);
    int timeout_ms = partitions.empty() ? 0 : std::max(5, 100 / static_cast<int>(partitions.size()));
    for (int partition : partitions) {
      if (!owned_.count(partition)) continue;
      s = poll(context, partition, timeout_ms);
      if (!s.ok()) return s;
    }
    if (partitions.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // A worker that overslept (stopped mid-batch, swapped out) must learn through the
    // top of the loop whether it still owns its partitions before it may call itself
    // idle: otherwise it exits holding unwritten state and never meets the fence.
    if (Clock::now() - last_renew_ > options_.lease_ttl / 2) continue;
    if (!options_.exit_when_idle || Clock::now() - last_activity_ < *options_.exit_when_idle ||
        Clock::now() - last_idle_check < leases_.renew_interval()) {
      continue;
    }
    last_idle_check = Clock::now();
    auto done = all_finished();
    if (!done.ok()) return done.status();
    if (!done.value()) continue;
    for (int partition : leases_.held()) (void)leases_.release(partition);
    (void)members_.remove(kMemberPrefix + options_.id);
    log("idle and every partition finished: exiting");
    return {};
  }
}

}  // namespace

Status run_worker(const NatsConnection& connection, std::shared_ptr<const runtime::LoadedProgram> program,
                  const WorkerOptions& options, WorkerCounters& counters, std::uint64_t& published,
                  std::uint64_t& duplicates) {
  TopologyOptions topology;
  topology.partitions = options.partitions;
  topology.lease_ttl = options.lease_ttl;
  // Workers starting together race to create the streams and buckets; a loser's
  // create can fail while the winner's is in flight, and a retry then finds them.
  Status s = ensure_topology(connection, topology);
  for (int attempt = 1; !s.ok() && attempt < 3; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    s = ensure_topology(connection, topology);
  }
  if (!s.ok()) return s;
  auto lease_bucket = KvBucket::open(connection, kLeaseBucket);
  auto member_bucket = KvBucket::open(connection, kLeaseBucket);
  auto finished_bucket = KvBucket::open(connection, kCheckpointBucket);
  auto checkpoints = CheckpointStore::open(connection);
  if (!lease_bucket.ok()) return lease_bucket.status();
  if (!member_bucket.ok()) return member_bucket.status();
  if (!finished_bucket.ok()) return finished_bucket.status();
  if (!checkpoints.ok()) return checkpoints.status();
  AlertPublisher alerts(connection, AlertPublisherOptions{options.omit_alert_msg_id});

  PartitionContext context;
  context.connection = &connection;
  context.program = std::move(program);
  context.processor = options.processor;
  context.checkpoints = &checkpoints.value();
  context.alerts = &alerts;
  context.counters = &counters;
  context.checkpoint_every = std::max<std::uint64_t>(1, options.checkpoint_every);
  context.batch = options.batch;
  context.kill = options.kill;
  context.log = [&options](int partition, const std::string& message) {
    fmt::print(stderr, "sesrules worker {}: partition {}: {}\n", options.id, partition, message);
  };
  Worker worker(options, std::move(member_bucket.value()), std::move(finished_bucket.value()),
                LeaseTable(std::move(lease_bucket.value()), options.id, options.lease_ttl));
  s = worker.run(context);
  published = alerts.published();
  duplicates = alerts.duplicates();
  return s;
}

}  // namespace sesrules::distributed
