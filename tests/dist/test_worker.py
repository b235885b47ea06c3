#!/usr/bin/env python3
"""End-to-end tests of `sesrules ingest` + `sesrules worker` on a real nats-server
(docs/distributed.md, issue 9). Each test starts a fresh server (natsfixture),
workers, then ingest over records from gen_ses_stream.py, waits for the workers to
exit (--exit-when-idle), reads CT_ALERTS back (alert_dump) and compares the
alert-id multiset with the ground truth: `sesrules eval --format jsonl` over the
same files, minus the single-event alerts (which ingest reports itself).

    test_worker.py SESRULES ALERT_DUMP [unittest args]

Exit 77 (ctest SKIP) without nats-server, unless SESRULES_REQUIRE_NATS=1.
"""
import collections
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from natsfixture import SKIP, NatsServer, find_server  # noqa: E402

SESRULES = ALERT_DUMP = None
PARTITIONS = 8
EVENTS = 20000
TTL = "2"          # lease TTL in seconds: takeovers happen quickly
IDLE = "1"         # --exit-when-idle
SHUFFLED_LATENESS = "2h"
WAIT = 300         # seconds: generous upper bound for any phase (not a timing assertion)
DATA = {}


def setUpModule():
    tmp = tempfile.mkdtemp(prefix="sesrules-worker-test-")
    DATA["tmp"] = tmp
    DATA["logs"] = os.path.join(tmp, "logs")
    DATA["shuffled"] = os.path.join(tmp, "shuffled.jsonl")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_ses_stream.py"),
                    "--out", DATA["logs"], "--events", str(EVENTS), "--accounts", "12",
                    "--shuffled", DATA["shuffled"]], check=True, stdout=subprocess.DEVNULL)


def tearDownModule():
    shutil.rmtree(DATA["tmp"], ignore_errors=True)


def ids_of(jsonl_text):
    return collections.Counter(json.loads(line)["alert_id"] for line in jsonl_text.splitlines() if line.strip())


def eval_ids(path, lateness="15m"):
    out = subprocess.run([SESRULES, "eval", "-q", "--format", "jsonl", "--max-lateness", lateness, path],
                         check=True, capture_output=True, text=True).stdout
    return ids_of(out)


def summary(log_text):
    """The key=value summary line a worker prints at exit ({} when it was killed)."""
    match = re.search(r"summary: (.*)", log_text)
    return {k: int(v) for k, v in (kv.split("=") for kv in match.group(1).split())} if match else {}


def kv_put_raw(url, bucket, key, data):
    """Overwrites a KV value with a plain NATS publish (no client library needed)."""
    host, port = url.replace("nats://", "").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.recv(4096)  # INFO
        sock.sendall(b'CONNECT {"verbose":false}\r\n' + b"PUB $KV.%s.%s %d\r\n%s\r\nPING\r\n"
                     % (bucket.encode(), key.encode(), len(data), data))
        reply = b""
        while b"PONG" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                raise RuntimeError("connection closed before PONG: %r" % reply)
            reply += chunk


class Run:
    """One scenario on one server: workers, ingest, results."""

    def __init__(self, test, server):
        self.test, self.server, self.workers = test, server, {}
        self.dir = tempfile.mkdtemp(prefix="run-", dir=DATA["tmp"])

    def start(self, wid, *extra, idle=IDLE):
        log = open(os.path.join(self.dir, wid + ".log"), "w")
        args = [SESRULES, "worker", "--id", wid, "--lease-ttl", TTL, "--exit-when-idle", idle] + list(extra)
        self.workers[wid] = (subprocess.Popen(args, env=self.server.env(), stderr=log), log)

    def log(self, wid):
        with open(os.path.join(self.dir, wid + ".log")) as f:
            return f.read()

    def wait_for(self, predicate, what):
        deadline = time.monotonic() + WAIT
        while not predicate():
            if time.monotonic() > deadline:
                self.test.fail("timed out waiting for " + what + "\n" + self.all_logs())
            time.sleep(0.1)

    def acquired(self, wid):
        return self.log(wid).count("lease acquired")

    def wait_acquired(self, wids, count=PARTITIONS):
        self.wait_for(lambda: sum(self.acquired(w) for w in wids) >= count, "%d leases held by %s" % (count, wids))

    def ingest(self, path, *extra):
        result = subprocess.run([SESRULES, "ingest", "-q", "--format", "jsonl", path, *extra], env=self.server.env(),
                                capture_output=True, text=True)
        self.test.assertEqual(result.returncode, 0, result.stderr)
        self.ingest_log = result.stderr
        self.singles = ids_of(result.stdout)

    def finish(self):
        for wid, (process, log) in self.workers.items():
            try:
                process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                self.test.fail("worker %s did not exit\n%s" % (wid, self.all_logs()))
            log.close()
        out = subprocess.run([ALERT_DUMP, self.server.url], check=True, capture_output=True, text=True).stdout
        return ids_of(out)

    def truth(self, path, lateness="15m"):
        truth = eval_ids(path, lateness)
        self.test.assertTrue(self.singles and all(truth[i] >= n for i, n in self.singles.items()),
                             "ingest's single-event alerts are not all in eval's output")
        return truth - self.singles

    def counters(self, key):
        return sum(summary(self.log(w)).get(key, 0) for w in self.workers)

    def all_logs(self):
        return "\n".join("--- %s\n%s" % (w, self.log(w)[-3000:]) for w in self.workers)


class WorkerTest(unittest.TestCase):
    def setUp(self):
        self.server = NatsServer(partitions=PARTITIONS).start()
        self.started = time.monotonic()

    def tearDown(self):
        self.server.stop()
        sys.stderr.write("  (%s: %.1fs)\n" % (self.id().split(".")[-1], time.monotonic() - self.started))

    def report(self, run, got, truth):
        sys.stderr.write("  events=%d truth_alerts=%d got=%d published=%d duplicates=%d fenced=%d unreadable=%d\n"
                         % (EVENTS, sum(truth.values()), sum(got.values()), run.counters("published"),
                            run.counters("duplicates"), run.counters("fenced"),
                            run.counters("checkpoints_unreadable")))

    def assert_same(self, run, got, truth):
        self.report(run, got, truth)
        self.assertGreater(sum(truth.values()), 0, "the truth has no sequence alerts: the test proves nothing")
        missing, extra = truth - got, got - truth
        self.assertFalse(missing or extra, "missing %d, extra %d\n%s" % (sum(missing.values()), sum(extra.values()),
                                                                          run.all_logs()))

    def kill_run(self, kill_args, worker_args=(), logs=None):
        run = Run(self, self.server)
        run.start("a", *worker_args, *kill_args)
        run.start("b", *worker_args)
        run.wait_acquired(["a", "b"])
        run.start("standby", *worker_args)
        run.ingest(logs or DATA["logs"])
        got = run.finish()
        self.assertEqual(run.workers["a"][0].returncode, -signal.SIGKILL, "the victim was not killed\n" + run.log("a"))
        return run, got

    def test_stream_equals_batch(self):
        run = Run(self, self.server)
        run.start("solo")
        run.wait_acquired(["solo"])
        run.ingest(DATA["logs"], "--publish-alerts")
        got = run.finish()
        # With --publish-alerts ingest adds the single-event alerts: CT_ALERTS then holds all of eval's.
        self.assert_same(run, got, run.truth(DATA["logs"]) + run.singles)

    def test_shuffled_input_equals_batch(self):
        # Lateness 2h on the shuffled file: about half the sequence records are late,
        # so every late decision must follow eval's global watermark (the header).
        run = Run(self, self.server)
        run.start("solo", "--max-lateness", SHUFFLED_LATENESS)
        run.wait_acquired(["solo"])
        run.ingest(DATA["shuffled"])
        got = run.finish()
        self.assert_same(run, got, run.truth(DATA["shuffled"], SHUFFLED_LATENESS))
        self.assertGreater(run.counters("events_late"), 0, "no late records: the lateness path did not run")

    def check_kill(self, kill_args, worker_args=()):
        run, got = self.kill_run(kill_args, worker_args)
        self.assert_same(run, got, run.truth(DATA["logs"]))
        self.assertGreater(run.counters("duplicates"), 0,
                           "no replayed-and-suppressed alerts: the replay path did not run")

    def test_kill_before_first_checkpoint(self):
        self.check_kill(["--test-kill-after-alerts", "3"], ["--checkpoint-every", "1000000"])

    def test_kill_mid_stream(self):
        self.check_kill(["--test-kill-after-alerts", "20"], ["--checkpoint-every", "300"])

    def test_kill_after_the_end(self):
        self.check_kill(["--test-kill-before-final-checkpoint"], ["--checkpoint-every", "300"])

    def test_zombie_is_fenced(self):
        # The stopped worker may have finished all its partitions already; the others
        # then stay (idle 10s, well past the 2s lease) to take its partitions anyway.
        run = Run(self, self.server)
        run.start("a", "--checkpoint-every", "300")
        run.start("b", "--checkpoint-every", "300", idle="10")
        run.wait_acquired(["a", "b"])
        run.start("standby", "--checkpoint-every", "300", idle="10")
        victim = run.workers["a"][0]
        run.ingest(DATA["logs"])
        os.kill(victim.pid, signal.SIGSTOP)  # somewhere in its work, or after it
        try:
            # Its leases expire; the others take and claim every one of its partitions.
            run.wait_for(lambda: sum(run.log(w).count("claimed at") for w in ("b", "standby")) >= PARTITIONS,
                         "the other workers to claim the stopped worker's partitions")
        finally:
            os.kill(victim.pid, signal.SIGCONT)
        got = run.finish()
        self.assert_same(run, got, run.truth(DATA["logs"]))
        self.assertGreater(summary(run.log("a")).get("fenced", 0), 0, "the zombie's checkpoint write was not rejected\n"
                           + run.log("a"))

    def test_control_without_msg_id_duplicates(self):
        run, got = self.kill_run(["--test-kill-after-alerts", "20"],
                                 ["--checkpoint-every", "300", "--test-omit-alert-msg-id"])
        truth = run.truth(DATA["logs"])
        self.report(run, got, truth)
        self.assertTrue(got - truth, "control passed: alerts replayed without Nats-Msg-Id were not duplicated")

    def test_control_lateness_zero_mismatches(self):
        run = Run(self, self.server)
        run.start("solo", "--max-lateness", "0s")
        run.wait_acquired(["solo"])
        run.ingest(DATA["shuffled"])
        got = run.finish()
        truth = run.truth(DATA["shuffled"], SHUFFLED_LATENESS)
        self.report(run, got, truth)
        self.assertNotEqual(got, truth, "control passed: lateness 0 on shuffled input matched the truth")

    def test_corrupt_checkpoint_replays(self):
        run = Run(self, self.server)
        run.start("first", "--checkpoint-every", "300", "--test-kill-after-alerts", "20")
        run.wait_acquired(["first"])
        run.ingest(DATA["logs"])
        run.workers["first"][0].wait(timeout=WAIT)
        kv_put_raw(self.server.url, "sesrules_checkpoints", "partition-3", b"garbage, not a snapshot")
        run.start("second")
        got = run.finish()
        self.assert_same(run, got, run.truth(DATA["logs"]))
        self.assertIn("checkpoint of partition 3", run.log("second"))
        self.assertEqual(summary(run.log("second")).get("checkpoints_unreadable"), 1)


def main():
    global SESRULES, ALERT_DUMP
    if len(sys.argv) < 3:
        sys.exit("usage: test_worker.py SESRULES ALERT_DUMP [unittest args]")
    SESRULES, ALERT_DUMP = sys.argv[1], sys.argv[2]
    if find_server() is None:
        if os.environ.get("SESRULES_REQUIRE_NATS") == "1":
            sys.exit("test_worker: nats-server not found and SESRULES_REQUIRE_NATS=1")
        print("test_worker: nats-server not found: skipping", file=sys.stderr)
        sys.exit(SKIP)
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)


if __name__ == "__main__":
    main()
