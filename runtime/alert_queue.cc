#include "runtime/alert_queue.h"

#include <algorithm>

namespace sesrules::runtime {

namespace {

// std::*_heap keep the greatest element on top; the queue wants the first alert.
bool later(const Alert& a, const Alert& b) { return alert_less(b, a); }

}  // namespace

void AlertQueue::push(Alert alert) {
  if (alert.time_ms < released_before_) ++out_of_order_;
  heap_.push_back(std::move(alert));
  std::push_heap(heap_.begin(), heap_.end(), later);
  peak_size_ = std::max(peak_size_, heap_.size());
}

void AlertQueue::release_before(std::int64_t frontier, const Emit& emit) {
  released_before_ = std::max(released_before_, frontier);
  while (!heap_.empty() && heap_.front().time_ms < released_before_) pop_into(emit);
}

void AlertQueue::release_all(const Emit& emit) {
  while (!heap_.empty()) pop_into(emit);
  released_before_ = std::numeric_limits<std::int64_t>::max();
}

void AlertQueue::pop_into(const Emit& emit) {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Alert alert = std::move(heap_.back());
  heap_.pop_back();
  emit(alert);
}

}  // namespace sesrules::runtime
