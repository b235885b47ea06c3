// `sesrules worker`: owns partitions through leases and runs an OwnedPartition for
// each (docs/distributed.md, "Worker"). Single-threaded: one loop renews leases
// (every ttl/3), acquires free partitions up to its fair share ceil(N / live
// workers) — the live set is the member-<id> keys of the lease bucket, which expire
// with the same TTL — and polls each owned partition in turn. A lost lease or a
// Fenced checkpoint stops that partition at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "distributed/worker_partition.h"

namespace sesrules::distributed {

struct WorkerOptions {
  std::string id;
  int partitions = 64;
  std::chrono::milliseconds lease_ttl{15000};
  std::uint64_t checkpoint_every = 5000;
  // Exit once every partition has finished (final marker checkpointed, by any worker)
  // and nothing arrived for this long. Unset: run until killed.
  std::optional<std::chrono::milliseconds> exit_when_idle;
  runtime::stream::ProcessorOptions processor;
  bool omit_alert_msg_id = false;  // negative control only: the sink cannot deduplicate
  KillPoints kill;
  int batch = 512;
};

// Runs until exit_when_idle is satisfied (or forever); an error is a failure of the
// NATS layer the worker cannot continue without.
Status run_worker(const NatsConnection& connection, std::shared_ptr<const runtime::LoadedProgram> program,
                  const WorkerOptions& options, WorkerCounters& counters, std::uint64_t& published,
                  std::uint64_t& duplicates);

}  // namespace sesrules::distributed
