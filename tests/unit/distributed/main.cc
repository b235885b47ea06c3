// doctest entry point for distributed_tests. These tests need a nats-server: ctest
// runs them through tests/dist/natsfixture.py, which exports SESRULES_NATS_URL.
// Run by hand without it, the binary skips (exit 77) instead of failing.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <nats/nats.h>

#include <cstdio>
#include <cstdlib>

#include "nats_test_env.h"

int main(int argc, char** argv) {
  const char* url = std::getenv("SESRULES_NATS_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr, "distributed_tests: SESRULES_NATS_URL not set (run via tests/dist/natsfixture.py): skipping\n");
    return 77;
  }
  doctest::Context context(argc, argv);
  int code = context.run();
  sesrules::distributed::test::shared_slot().reset();
  nats_Close();  // frees the C client's library-wide state (threads, timers) for LSan
  return code;
}
