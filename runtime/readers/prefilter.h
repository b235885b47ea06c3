// PrefilterGovernor: decides, record by record, whether the reader consults its
// prefilter (event_prefilter.h). The prefilter is pure cost when most records
// pass it (rule sets that match common events), so the governor turns it off
// while that is so and keeps it for selective rule sets such as the SES pack.
// Tested by tests/unit/runtime/prefilter_test.cc.
#pragma once

#include <cstdint>

namespace sesrules::runtime {

// It watches windows of kWindow checked records; when more than half of a window
// passed, the prefilter sits out the next kPause records, then is tried again.
// Only speed depends on it: a record the prefilter would reject matches no rule.
class PrefilterGovernor {
 public:
  static constexpr std::uint32_t kWindow = 2048;
  static constexpr std::uint32_t kPause = 64 * 1024;

  bool active() const { return paused_ == 0; }
  // One record went by: checked (passed or not) when active(), else unchecked.
  void record(bool passed) {
    if (paused_ > 0) {
      --paused_;
      return;
    }
    passed_ += passed ? 1 : 0;
    if (++checked_ < kWindow) return;
    if (passed_ * 2 > checked_) paused_ = kPause;
    checked_ = passed_ = 0;
  }

 private:
  std::uint32_t checked_ = 0, passed_ = 0, paused_ = 0;
};

}  // namespace sesrules::runtime
