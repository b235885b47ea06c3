// AlertQueue: alerts found but not yet written. evaluate() releases them in
// alert_less order as soon as nothing found later can come before them (its
// frontier, see Merger in evaluate.cc), so the queue holds the alerts of about
// one lateness horizon, not of the whole run: a rule that fires on every record
// of a year of logs no longer needs memory for every alert.
// An alert pushed behind what was already released (its record arrived later than
// the horizon, or had no eventTime) goes out with the next release, out of order,
// and is counted in out_of_order().
// Not thread-safe. Tested by tests/unit/runtime/alert_queue_test.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "runtime/alert.h"

namespace sesrules::runtime {

class AlertQueue {
 public:
  using Emit = std::function<void(Alert&)>;

  void push(Alert alert);
  // Hands every held alert with time_ms < frontier to emit, in alert_less order.
  // A frontier lower than an earlier one releases nothing more.
  void release_before(std::int64_t frontier, const Emit& emit);
  // End of input: everything held, in order.
  void release_all(const Emit& emit);

  std::size_t size() const { return heap_.size(); }
  std::size_t peak_size() const { return peak_size_; }
  std::uint64_t out_of_order() const { return out_of_order_; }

 private:
  void pop_into(const Emit& emit);

  std::vector<Alert> heap_;  // std::push_heap order: the first alert on top
  std::int64_t released_before_ = std::numeric_limits<std::int64_t>::min();
  std::size_t peak_size_ = 0;
  std::uint64_t out_of_order_ = 0;
};

}  // namespace sesrules::runtime
