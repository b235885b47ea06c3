// Partition ownership through a KV bucket whose TTL is the lease length. A worker
// acquires partition n by creating key "partition-<n>" (value: its owner id), keeps
// it by updating with the revision it holds (every ttl/3), and gives it up by
// deleting it. If its update meets another revision, someone else took the partition
// after the key expired: the lease is lost and the worker must stop processing that
// partition at once (fencing; the checkpoint compare-and-set is the second fence).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "distributed/kv.h"

namespace sesrules::distributed {

inline constexpr const char* kLeaseBucket = "sesrules_leases";

std::string lease_key(int partition);

enum class LeaseOutcome { Held, Taken, Lost };

struct LeaseState {
  int partition = 0;
  std::uint64_t revision = 0;
  std::chrono::steady_clock::time_point renewed;
};

class LeaseTable {
 public:
  LeaseTable(KvBucket bucket, std::string owner, std::chrono::milliseconds ttl)
      : bucket_(std::move(bucket)), owner_(std::move(owner)), ttl_(ttl) {}

  // Held: now ours. Taken: another owner holds it (alive, or not yet expired).
  Expected<LeaseOutcome> try_acquire(int partition);
  // Held: still ours. Lost: the revision moved (expired and taken): stop processing it.
  Expected<LeaseOutcome> renew(int partition);
  // Renews every held lease older than ttl/3; returns the partitions lost.
  Expected<std::vector<int>> renew_due();
  Status release(int partition);
  // Who holds `partition` now ("" when nobody).
  Expected<std::string> holder(int partition);

  bool holds(int partition) const { return held_.count(partition) != 0; }
  std::vector<int> held() const;
  const std::string& owner() const { return owner_; }
  std::chrono::milliseconds renew_interval() const { return ttl_ / 3; }

 private:
  KvBucket bucket_;
  std::string owner_;
  std::chrono::milliseconds ttl_;
  std::map<int, LeaseState> held_;
};

}  // namespace sesrules::distributed
