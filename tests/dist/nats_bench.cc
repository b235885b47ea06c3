// Loopback throughput of the JetStream layer (a measurement, not a test):
//   python3 tests/dist/natsfixture.py --partitions 64 --run build/release/tests/nats_bench [EVENTS] [--memory]
// Publishes ~1.2 KB CloudTrail-sized records (1 TB/day / 10k events/s) to
// ct.in.<account>.<region> with Nats-Msg-Id, synchronously and through the async
// publisher, then reads them back in order: all partitions, and one partition.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "distributed/consumers.h"
#include "distributed/jetstream.h"
#include "distributed/partitioning.h"
#include "distributed/topology.h"

namespace dist = sesrules::distributed;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int fail(const sesrules::runtime::Status& status) {
  std::fprintf(stderr, "nats_bench: %s\n", status.message().c_str());
  return 1;
}

std::string account_of(int i) { return std::to_string(100000000000LL + (i % 1000) * 7919LL); }

void report(const char* what, long count, double seconds, std::size_t bytes) {
  std::printf("%-34s %8ld msgs %7.2fs %10.0f msg/s %7.1f MB/s\n", what, count, seconds, count / seconds,
              static_cast<double>(bytes) * count / seconds / 1e6);
}

long read_all(const dist::NatsConnection& connection, const std::string& filter, long expected, int& error) {
  auto reader = dist::OrderedReader::open(connection, {dist::kInStream, filter, 1, 1024});
  if (!reader.ok()) {
    error = fail(reader.status());
    return 0;
  }
  long got = 0;
  while (got < expected) {
    auto batch = reader.value().next(2000);
    if (!batch.ok()) {
      error = fail(batch.status());
      return got;
    }
    if (batch.value().empty()) break;
    got += static_cast<long>(batch.value().size());
    if (batch.value().back().num_pending == 0) break;  // caught up with the stream
  }
  return got;
}

}  // namespace

int main(int argc, char** argv) {
  long events = 100000;
  bool memory = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--memory") == 0) memory = true;
    else events = std::atol(argv[i]);
  }
  const char* url = std::getenv("SESRULES_NATS_URL");
  const char* parts = std::getenv("SESRULES_PARTITIONS");
  dist::ConnectOptions options;
  if (url != nullptr) options.url = url;
  auto connection = dist::NatsConnection::connect(options);
  if (!connection.ok()) return fail(connection.status());
  dist::TopologyOptions topology;
  topology.partitions = parts != nullptr ? std::atoi(parts) : 64;
  topology.memory = memory;
  if (auto s = dist::delete_stream(connection.value(), dist::kInStream); !s.ok()) return fail(s);
  if (auto s = dist::ensure_topology(connection.value(), topology); !s.ok()) return fail(s);
  const std::string payload(1200, 'x');
  std::printf("storage=%s partitions=%d payload=%zu bytes\n", memory ? "memory" : "file", topology.partitions,
              payload.size());

  const long sync_count = events / 10;
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < sync_count; ++i) {
    auto r = dist::publish(connection.value(), dist::ingest_subject(account_of(static_cast<int>(i)), "us-east-1"),
                           payload, {{dist::kMsgIdHeader, "sync-" + std::to_string(i)}});
    if (!r.ok()) return fail(r.status());
  }
  report("sync publish", sync_count, seconds_since(start), payload.size());

  auto publisher = dist::AsyncPublisher::create(connection.value(), 1024);
  if (!publisher.ok()) return fail(publisher.status());
  start = std::chrono::steady_clock::now();
  for (long i = 0; i < events; ++i) {
    auto s = publisher.value()->publish(dist::ingest_subject(account_of(static_cast<int>(i)), "eu-west-1"), payload,
                                        {{dist::kMsgIdHeader, "async-" + std::to_string(i)}});
    if (!s.ok()) return fail(s);
  }
  if (auto s = publisher.value()->flush(120000); !s.ok()) return fail(s);
  report("async publish (window 1024)", events, seconds_since(start), payload.size());

  const long total = sync_count + events;
  int error = 0;
  start = std::chrono::steady_clock::now();
  long got = read_all(connection.value(), "ct.p.>", total, error);
  if (error != 0) return error;
  report("ordered read, all partitions", got, seconds_since(start), payload.size());
  start = std::chrono::steady_clock::now();
  got = read_all(connection.value(), dist::partition_filter(0), total, error);
  if (error != 0) return error;
  report("ordered read, partition 0", got, seconds_since(start), payload.size());
  return 0;
}
