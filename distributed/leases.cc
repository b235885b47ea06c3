// LeaseTable: create / update-at-revision / delete on partition-<n>. Tested by kv_test.cc.
#include "distributed/leases.h"

namespace sesrules::distributed {

std::string lease_key(int partition) { return "partition-" + std::to_string(partition); }

Expected<LeaseOutcome> LeaseTable::try_acquire(int partition) {
  if (holds(partition)) return renew(partition);
  auto written = bucket_.create(lease_key(partition), owner_);
  if (!written.ok()) return written.status();
  if (written.value().outcome != WriteOutcome::Written) return LeaseOutcome::Taken;
  held_[partition] = LeaseState{partition, written.value().revision, std::chrono::steady_clock::now()};
  return LeaseOutcome::Held;
}

Expected<LeaseOutcome> LeaseTable::renew(int partition) {
  auto it = held_.find(partition);
  if (it == held_.end()) return LeaseOutcome::Lost;
  auto written = bucket_.update(lease_key(partition), owner_, it->second.revision);
  if (!written.ok()) return written.status();
  if (written.value().outcome != WriteOutcome::Written) {
    held_.erase(it);
    return LeaseOutcome::Lost;
  }
  it->second.revision = written.value().revision;
  it->second.renewed = std::chrono::steady_clock::now();
  return LeaseOutcome::Held;
}

Expected<std::vector<int>> LeaseTable::renew_due() {
  std::vector<int> lost;
  auto now = std::chrono::steady_clock::now();
  for (int partition : held()) {
    if (now - held_[partition].renewed < renew_interval()) continue;
    auto outcome = renew(partition);
    if (!outcome.ok()) return outcome.status();
    if (outcome.value() == LeaseOutcome::Lost) lost.push_back(partition);
  }
  return lost;
}

Status LeaseTable::release(int partition) {
  // Delete only while still ours: the update at our revision proves it (and restarts
  // the TTL, so nobody can take the key between it and the delete marker).
  auto outcome = renew(partition);
  if (!outcome.ok()) return outcome.status();
  if (outcome.value() == LeaseOutcome::Lost) return {};
  held_.erase(partition);
  return bucket_.remove(lease_key(partition));
}

Expected<std::string> LeaseTable::holder(int partition) {
  auto entry = bucket_.get(lease_key(partition));
  if (!entry.ok()) return entry.status();
  return entry.value() ? entry.value()->value : std::string();
}

std::vector<int> LeaseTable::held() const {
  std::vector<int> out;
  for (const auto& [partition, state] : held_) out.push_back(partition);
  return out;
}

}  // namespace sesrules::distributed
