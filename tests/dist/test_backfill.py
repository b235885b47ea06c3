#!/usr/bin/env python3
"""End-to-end test of `sesrules backfill plan|work` on a real nats-server (loopback).

Kill test: plan ~30k generated events into per-account shards, start worker A held
before its first ack (--test-pause-before-ack-ms) and worker B, kill -9 A once it has
published its shard's alerts. Then: every shard acked exactly once (B's acks, the
stream empty, the consumer's ack floor), CT_ALERTS holds exactly the alert ids of
`sesrules eval --format jsonl` over the same folder, once each, and B's redo of A's
shard was suppressed as duplicates (proof the redo path ran). Re-planning queues
nothing new. Failure paths: a shard planned for other rules is refused, a shard with
a deleted file fails; both stay queued and make the worker exit with 3. A truncated
gzip is skipped and counted as in eval: its shard is acked, once, with input_errors.
A --since/--until plan stores exactly `eval --since/--until`'s alert ids.

    test_backfill.py SESRULES_BINARY SOURCE_DIR
Exit 77 (ctest SKIP) without nats-server unless SESRULES_REQUIRE_NATS=1.
"""
import base64
import collections
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import natsfixture  # noqa: E402

SESRULES = None
SOURCE_DIR = None
WAIT = 300  # seconds: a generous bound for a loaded 2-core machine, not a timing assertion


class JetStreamApi:
    """Just enough of the NATS text protocol for JetStream API requests."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.reader = self.sock.makefile("rb")
        self.reader.readline()  # INFO
        self.sock.sendall(b'CONNECT {"verbose":false,"headers":true,"no_responders":true}\r\nPING\r\n')
        self._next(b"PONG")
        self.sid = 0

    def _next(self, wanted):
        """The next line starting with one of `wanted`, answering the server's PINGs."""
        while True:
            line = self.reader.readline()
            if line.startswith(b"PING"):
                self.sock.sendall(b"PONG\r\n")
            elif line.startswith(wanted):
                return line
            elif line.startswith(b"-ERR") or not line:
                raise RuntimeError("nats: %r" % line)

    def request(self, api, body=None):
        self.sid += 1
        inbox = b"_INBOX.backfill_test.%d" % self.sid
        payload = json.dumps(body or {}).encode()
        self.sock.sendall(b"SUB %s %d\r\nPUB $JS.API.%s %s %d\r\n%s\r\nUNSUB %d 1\r\n" % (
            inbox, self.sid, api.encode(), inbox, len(payload), payload, self.sid))
        parts = self._next((b"MSG", b"HMSG")).split()
        data = self.reader.read(int(parts[-1]) + 2)[:-2]
        if parts[0] == b"HMSG":  # headers first: skip them
            data = data[int(parts[-2]):]
        return json.loads(data)

    def stream_messages(self, stream):
        state = self.request("STREAM.INFO." + stream)["state"]
        for seq in range(state["first_seq"], state["last_seq"] + 1):
            reply = self.request("STREAM.MSG.GET." + stream, {"seq": seq})
            if "message" in reply:
                yield base64.b64decode(reply["message"]["data"])

    def close(self):
        self.reader.close()
        self.sock.close()


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


class Backfill(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sesrules-backfill-")
        cls.logs = os.path.join(cls.tmp, "logs")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_ses_stream.py"), "--out", cls.logs,
                        "--events", "30000", "--accounts", "12", "--seed", "5"], check=True, stdout=subprocess.DEVNULL)
        truth = subprocess.run([SESRULES, "eval", "--format", "jsonl", "--quiet", cls.logs],
                               check=True, capture_output=True, text=True).stdout
        cls.truth = collections.Counter(alert["alert_id"] for alert in json_lines(truth))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def sesrules(self, server, *args, check=True):
        result = subprocess.run([SESRULES, *args], env=server.env(), capture_output=True, text=True, timeout=WAIT)
        if check:
            self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def plan(self, server, *args):
        out = self.sesrules(server, "backfill", "plan", "--nats", server.url, *args).stdout
        shard_ids = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
        return shard_ids, out

    def worker(self, server, *args):
        process = subprocess.Popen([SESRULES, "backfill", "work", "--nats", server.url, "--ack-wait", "2",
                                    "--retry-delay", "1", "-j", "1", *args],
                                   env=server.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(self.stop, process)  # a failed assertion must not leave workers behind
        return process

    @staticmethod
    def stop(process):
        if process.poll() is None:
            process.kill()
        process.communicate()

    def test_worker_killed_mid_shard(self):
        self.assertGreater(sum(self.truth.values()), 0, "the generated data must produce alerts")
        with natsfixture.NatsServer(partitions=8) as server:
            shard_ids, out = self.plan(server, self.logs)
            self.assertEqual(len(shard_ids), 12, out)
            self.assertIn("queued 12 new shards", out)
            _, again = self.plan(server, self.logs)
            self.assertIn("queued 0 new shards on CT_BACKFILL (12 already queued)", again)

            slow = self.worker(server, "--exit-when-idle", "600", "--test-pause-before-ack-ms", "600000")
            killed = json.loads(slow.stdout.readline())  # the first line: its shard's alerts are out
            self.assertEqual(killed["status"], "published", killed)
            self.assertGreater(killed["published"], 0, killed)
            fast = self.worker(server, "--exit-when-idle", "10")
            os.kill(slow.pid, signal.SIGKILL)
            slow.communicate()
            out, err = fast.communicate(timeout=WAIT)
            self.assertEqual(fast.returncode, 0, err)
            outcomes = json_lines(out)

            acked = collections.Counter(o["shard"] for o in outcomes if o["status"] == "acked")
            self.assertEqual(acked, collections.Counter(shard_ids), "every shard acked exactly once")
            redone = [o for o in outcomes if o["status"] == "acked" and o["shard"] == killed["shard"]]
            self.assertGreaterEqual(redone[0]["delivery"], 2)
            self.assertEqual(redone[0]["duplicates"], killed["published"], "the redo is suppressed, alert by alert")
            self.assertEqual(redone[0]["published"], 0)

            api = JetStreamApi(server.port)
            try:
                self.assertEqual(api.request("STREAM.INFO.CT_BACKFILL")["state"]["messages"], 0)
                consumer = api.request("CONSUMER.INFO.CT_BACKFILL.sesrules_backfill")
                self.assertEqual(consumer["num_pending"], 0)
                self.assertEqual(consumer["num_ack_pending"], 0)
                self.assertEqual(consumer["ack_floor"]["stream_seq"], consumer["delivered"]["stream_seq"])
                self.assertGreaterEqual(consumer["delivered"]["consumer_seq"], len(shard_ids) + 1)
                stored = collections.Counter(json.loads(m)["alert_id"] for m in api.stream_messages("CT_ALERTS"))
            finally:
                api.close()
            self.assertEqual(max(stored.values()), 1, "no alert stored twice")
            self.assertEqual(stored, self.truth, "CT_ALERTS differs from single-pass eval")

    def test_time_range_equals_eval_with_the_same_range(self):
        window = ["--since", "2024-06-03T02:00:00Z", "--until", "2024-06-03T05:00:00Z"]
        truth = subprocess.run([SESRULES, "eval", "--format", "jsonl", "--quiet", *window, self.logs],
                               check=True, capture_output=True, text=True).stdout
        expected = collections.Counter(alert["alert_id"] for alert in json_lines(truth))
        self.assertGreater(sum(expected.values()), 0)
        with natsfixture.NatsServer(partitions=8) as server:
            _, out = self.plan(server, *window, self.logs)
            self.assertIn("delivered before --since left out", out)
            worker = self.worker(server, "--exit-when-idle", "0")
            _, err = worker.communicate(timeout=WAIT)
            self.assertEqual(worker.returncode, 0, err)
            api = JetStreamApi(server.port)
            try:
                stored = collections.Counter(json.loads(m)["alert_id"] for m in api.stream_messages("CT_ALERTS"))
            finally:
                api.close()
            self.assertEqual(stored, expected)

    def test_refused_and_failed_shards_stay_queued_damaged_data_is_counted(self):
        one_account = os.path.join(self.tmp, "one-account")
        account = sorted(os.listdir(os.path.join(self.logs, "AWSLogs")))[0]
        shutil.copytree(os.path.join(self.logs, "AWSLogs", account), os.path.join(one_account, account))
        damaged = os.path.join(self.tmp, "damaged")
        account = sorted(os.listdir(os.path.join(self.logs, "AWSLogs")))[1]
        shutil.copytree(os.path.join(self.logs, "AWSLogs", account), os.path.join(damaged, account))
        truncated = sorted(os.path.join(d, f) for d, _, files in os.walk(damaged) for f in files)[0]
        with open(truncated, "r+b") as f:
            f.truncate(os.path.getsize(truncated) // 2)
        with natsfixture.NatsServer(partitions=8) as server:
            other_rules = os.path.join(SOURCE_DIR, "examples", "rules")
            refused_ids, _ = self.plan(server, "--rules", other_rules, self.logs)
            failing_ids, _ = self.plan(server, one_account)
            damaged_ids, _ = self.plan(server, damaged)
            victim = next(os.path.join(d, f) for d, _, files in os.walk(one_account) for f in files)
            os.remove(victim)

            worker = self.worker(server, "--exit-when-idle", "4")
            out, err = worker.communicate(timeout=WAIT)
            self.assertEqual(worker.returncode, 3, err)
            outcomes = json_lines(out)
            statuses = {o["shard"]: o["status"] for o in outcomes}
            self.assertEqual({statuses[s] for s in refused_ids}, {"refused"})
            self.assertEqual(statuses[failing_ids[0]], "failed")
            damaged_outcome = [o for o in outcomes if o["shard"] == damaged_ids[0]]
            self.assertEqual([o["status"] for o in damaged_outcome], ["published", "acked"], "damaged data is not retried")
            self.assertGreater(damaged_outcome[-1]["input_errors"], 0)
            self.assertIn(os.path.basename(truncated), err)
            self.assertIn("rule pack", err)
            self.assertIn("changed since planning", err)
            api = JetStreamApi(server.port)
            try:
                state = api.request("STREAM.INFO.CT_BACKFILL")["state"]
                self.assertEqual(state["messages"], len(refused_ids) + 1, "refused and failed shards stay queued")
            finally:
                api.close()


def main():
    global SESRULES, SOURCE_DIR
    SESRULES, SOURCE_DIR = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if natsfixture.find_server() is None:
        if os.environ.get("SESRULES_REQUIRE_NATS") == "1":
            print("test_backfill: nats-server not found and SESRULES_REQUIRE_NATS=1", file=sys.stderr)
            return 1
        print("test_backfill: nats-server not found: skipping", file=sys.stderr)
        return natsfixture.SKIP
    program = unittest.main(argv=[sys.argv[0]], exit=False, verbosity=2)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
