// AlertQueue (runtime/alert_queue.h): release order, the frontier, out-of-order alerts.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "runtime/alert_queue.h"

namespace sesrules::runtime {
namespace {

Alert alert_at(std::int64_t time_ms, std::string rule = "r", std::string event_id = "e") {
  Alert alert;
  alert.time_ms = time_ms;
  alert.rule_name = std::move(rule);
  auto event = std::make_shared<EventRecord>();
  event->event_id = std::move(event_id);
  alert.events.push_back(event);
  return alert;
}

struct Released {
  std::vector<std::string> names;  // "time/rule/event"
  AlertQueue::Emit emit() {
    return [this](Alert& a) { names.push_back(std::to_string(a.time_ms) + "/" + a.rule_name + "/" + a.events[0]->event_id); };
  }
};

TEST_CASE("alert queue: releases only what is before the frontier, in alert_less order") {
  AlertQueue queue;
  Released out;
  queue.push(alert_at(30, "b"));
  queue.push(alert_at(10, "z"));
  queue.push(alert_at(30, "a", "e2"));
  queue.push(alert_at(30, "a", "e1"));
  queue.push(alert_at(20));
  queue.release_before(30, out.emit());  // 30 is not before 30: an equal time may still come
  CHECK(out.names == std::vector<std::string>{"10/z/e", "20/r/e"});
  CHECK(queue.size() == 3);
  queue.release_before(25, out.emit());  // a frontier never goes back
  CHECK(queue.size() == 3);
  queue.push(alert_at(30, "a", "e0"));   // equal time, not out of order
  queue.release_before(31, out.emit());
  CHECK(out.names == std::vector<std::string>{"10/z/e", "20/r/e", "30/a/e0", "30/a/e1", "30/a/e2", "30/b/e"});
  CHECK(queue.out_of_order() == 0);
  CHECK(queue.peak_size() == 5);
}

TEST_CASE("alert queue: an alert behind the released ones goes out next, counted") {
  AlertQueue queue;
  Released out;
  queue.push(alert_at(100));
  queue.release_before(101, out.emit());
  queue.push(alert_at(50, "late"));
  queue.push(alert_at(200));
  CHECK(queue.out_of_order() == 1);
  queue.release_before(101, out.emit());
  CHECK(out.names == std::vector<std::string>{"100/r/e", "50/late/e"});
  queue.release_all(out.emit());
  CHECK(out.names.back() == "200/r/e");
  CHECK(queue.size() == 0);
  queue.push(alert_at(300));  // after release_all everything is out of order
  CHECK(queue.out_of_order() == 2);
}

TEST_CASE("alert queue: releasing in steps gives the same order as one sort") {
  std::mt19937 random(7);
  std::vector<Alert> alerts;
  for (int i = 0; i < 500; ++i) {
    alerts.push_back(alert_at(static_cast<std::int64_t>(random() % 100), "r" + std::to_string(random() % 3),
                              "e" + std::to_string(i)));
  }
  std::vector<Alert> sorted = alerts;
  std::sort(sorted.begin(), sorted.end(), [](const Alert& a, const Alert& b) { return alert_less(a, b); });
  // Arrival: each alert at most 10 behind the newest so far; the frontier lags by 10.
  std::sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) { return a.time_ms < b.time_ms; });
  std::shuffle(alerts.begin(), alerts.end(), random);
  std::stable_sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) { return a.time_ms / 10 < b.time_ms / 10; });
  AlertQueue queue;
  Released out, expected;
  std::int64_t newest = 0;
  for (Alert& alert : alerts) {
    newest = std::max(newest, alert.time_ms);
    queue.push(std::move(alert));
    queue.release_before(newest - 10, out.emit());
  }
  queue.release_all(out.emit());
  for (Alert& alert : sorted) expected.emit()(alert);
  CHECK(queue.out_of_order() == 0);
  CHECK(out.names == expected.names);
  CHECK(queue.peak_size() < 200);
}

}  // namespace
}  // namespace sesrules::runtime
