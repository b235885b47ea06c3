"""Tests of the bench peers (simdjson filter, jq, Python) and of the checking/reporting tools.

Every peer must report exactly truth.json's single-event matches on generated data and the
expected matches on hand-written edge cases (field order, types, lookalike sources).
The simdjson peer is compiled with g++ when available; jq is skipped when missing.
Run: python3 -m unittest discover -s bench/tests
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

kBench = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
kAkia, kAsia = "AKIAABCDEFGHIJKLMNOP", "ASIAABCDEFGHIJKLMNOP"

# Edge cases: (eventID, record, expected rule or None). Field orders and types vary on purpose.
kEdgeCases = [
    ("e1", {"eventID": "e1", "requestParameters": {"enabled": True},
            "eventName": "UpdateAccountSendingEnabled", "eventSource": "ses.amazonaws.com",
            "userIdentity": {"accessKeyId": kAkia}}, "ses.enable_sending_long_term_key"),
    ("e2", {"eventSource": "ses.amazonaws.com", "eventName": "UpdateAccountSendingEnabled",
            "requestParameters": {"enabled": "true"}, "userIdentity": {"accessKeyId": kAkia},
            "eventID": "e2"}, None),
    ("e3", {"eventSource": "ses.amazonaws.com", "eventName": "GetAccount",
            "userIdentity": {"accessKeyId": kAsia}, "eventID": "e3"}, None),
    ("e4", {"eventSource": "apigateway.amazonaws.com", "eventName": "GetAccount",
            "userIdentity": {"accessKeyId": kAkia}, "eventID": "e4"}, None),
    ("e5", {"eventSource": "servicequotas.amazonaws.com", "eventName": "GetServiceQuota",
            "userIdentity": {"accessKeyId": kAkia}, "requestParameters": None, "eventID": "e5"}, None),
    ("e6", {"userIdentity": {"type": "IAMUser", "accessKeyId": kAkia}, "eventID": "e6",
            "requestParameters": {"maxResults": 10, "serviceCode": "ses"},
            "eventName": "ListServiceQuotas", "eventSource": "servicequotas.amazonaws.com"},
     "ses.quota_check_long_term_key"),
    ("e7", {"eventSource": "ses.amazonaws.com", "eventName": "ListEmailIdentities",
            "userIdentity": "not-an-object", "eventID": "e7"}, None),
    ("e8", {"eventSource": "ses.amazonaws.com", "eventName": "PutAccountSendingAttributes",
            "userIdentity": {"accessKeyId": kAkia}, "requestParameters": {"sendingEnabled": 1},
            "eventID": "e8"}, None),
    ("e9", {"eventSource": "ses.amazonaws.com", "eventName": "GetAccountSendingEnabled",
            "userIdentity": {"accessKeyId": kAkia, "type": "IAMUser"}, "eventID": "e9"},
     "ses.sending_status_check_long_term_key"),
]


def run(command, stdin=None):
    return subprocess.run(command, input=stdin, capture_output=True, text=True, check=True).stdout


class Peers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory()
        root = cls.temp.name
        cls.plain, cls.truth_path = os.path.join(root, "json"), os.path.join(root, "truth.json")
        subprocess.run([sys.executable, os.path.join(kBench, "gen_cloudtrail.py"),
                        "--out", os.path.join(root, "gz"), "--plain-mirror", cls.plain,
                        "--truth", cls.truth_path, "--records", "5000", "--span", "3h"],
                       check=True, stderr=subprocess.DEVNULL)
        cls.edge = os.path.join(root, "edge")
        os.makedirs(cls.edge)
        with open(os.path.join(cls.edge, "edge.json"), "w") as handle:
            json.dump({"Records": [record for _, record, _ in kEdgeCases]}, handle)
        with open(os.path.join(cls.edge, "edge.jsonl"), "w") as handle:
            for _, record, _ in kEdgeCases:
                handle.write(json.dumps(record) + "\n")
        cls.simdjson = None
        if shutil.which("g++"):
            binary = os.path.join(root, "filter_simdjson")
            built = subprocess.run(["g++", "-O2", "-std=c++20", "-Wall", "-Wextra", "-Wpedantic",
                                    "-Werror", os.path.join(kBench, "peers", "filter_simdjson.cc"),
                                    "-lsimdjson", "-o", binary], capture_output=True)
            cls.simdjson = binary if built.returncode == 0 else None

    @classmethod
    def tearDownClass(cls):
        cls.temp.cleanup()

    def peers(self):
        found = [("python", lambda paths: run([sys.executable,
                                                os.path.join(kBench, "peers", "evaluate.py"), *paths]))]
        if self.simdjson:
            found.append(("simdjson", lambda paths: run([self.simdjson, *paths])))
        if shutil.which("jq"):
            def jq(paths):
                files = sorted(os.path.join(folder, name) for path in paths
                               for folder, _, names in os.walk(path) for name in names)
                return run(["jq", "-r", "-f", os.path.join(kBench, "peers", "filter.jq"), *files])
            found.append(("jq", jq))
        return found

    def test_peers_agree_with_truth_on_generated_data(self):
        for name, peer in self.peers():
            with self.subTest(peer=name):
                checked = subprocess.run(
                    [sys.executable, os.path.join(kBench, "check_matches.py"), "peer",
                     "--truth", self.truth_path, "--name", name],
                    input=peer([self.plain]), capture_output=True, text=True)
                self.assertEqual(checked.returncode, 0, checked.stdout)

    def test_peers_on_edge_cases(self):
        expected = sorted([f"{rule}\t{event_id}" for event_id, _, rule in kEdgeCases if rule] * 2)
        for name, peer in self.peers():
            with self.subTest(peer=name):
                self.assertEqual(sorted(peer([self.edge]).splitlines()), expected)

    def test_simdjson_peer_was_built(self):
        if not shutil.which("g++"):
            self.skipTest("g++ not installed")
        self.assertIsNotNone(self.simdjson, "filter_simdjson.cc failed to compile warning-free")


class Tools(unittest.TestCase):
    def setUp(self):
        self.truth = {
            "single_event_rules": ["ses.get_account_long_term_key"],
            "sequence_rules": ["ses.abuse_enumeration"],
            "single_event_matches": [{"rule": "ses.get_account_long_term_key", "eventID": "a"}],
            "expected_sequence_alerts": [{"rule": "ses.abuse_enumeration", "accessKeyId": kAkia}],
            "scenarios": [{"accessKeyId": kAkia, "eventIDs": ["a", "b"]}]}
        self.temp = tempfile.TemporaryDirectory()
        self.truth_path = os.path.join(self.temp.name, "truth.json")
        with open(self.truth_path, "w") as handle:
            json.dump(self.truth, handle)

    def tearDown(self):
        self.temp.cleanup()

    def check(self, kind, text):
        return subprocess.run([sys.executable, os.path.join(kBench, "check_matches.py"), kind,
                               "--truth", self.truth_path], input=text, capture_output=True,
                              text=True).returncode

    def test_check_matches_accepts_exact_and_rejects_differences(self):
        single = {"rule": "get_account_long_term_key", "key": kAkia, "events": [{"eventID": "a"}]}
        sequence = {"rule": "ses.abuse_enumeration", "key": [kAkia],
                    "events": [{"eventID": "a"}, {"eventID": "b"}]}
        stray = dict(sequence, events=[{"eventID": "z"}])
        other = {"rule": "ses.identity_deleted", "key": kAkia, "events": []}
        cases = [  # kind, input, exit status
            ("peer", "ses.get_account_long_term_key\ta\n", 0),
            ("peer", "", 1),
            ("peer", "ses.get_account_long_term_key\ta\nses.get_account_long_term_key\tb\n", 1),
            ("sesrules", "\n".join(json.dumps(a) for a in (single, sequence, other)), 0),
            ("sesrules", json.dumps(single), 1),
            ("sesrules", "\n".join(json.dumps(a) for a in (single, stray)), 1),
            ("sesrules", "not json\n", 1),
        ]
        for kind, text, status in cases:
            with self.subTest(kind=kind, text=text):
                self.assertEqual(self.check(kind, text), status)

    def test_timer_and_report(self):
        results = os.path.join(self.temp.name, "results.tsv")
        for label, command in (("cat", "true"), ("simdjson", "true")):
            run([sys.executable, os.path.join(kBench, "timer.py"), "--runs", "3", "--label", label,
                 "--results", results, "--", command])
        with open(results) as handle:
            rows = [line.split("\t") for line in handle]
        self.assertEqual([row[0] for row in rows], ["cat", "simdjson"])
        self.assertTrue(all(float(row[1]) >= 0 and row[4].strip() == "3" for row in rows))
        with open(results, "a") as handle:
            handle.write("sesrules-j1\t0.300\t0\t0\t3\nsimdjson2\t1\t1\t1\t1\n")
        report = run([sys.executable, os.path.join(kBench, "report.py"), "--results", results,
                      "--json-bytes", "1000000", "--gz-bytes", "100000"])
        self.assertIn("| P6 | sesrules -j 2 / -j 1 | n/a | <= 0.6 | pending |", report)
        self.assertIn("| `sesrules eval -j 2` | json | n/a | n/a | n/a |", report)
        failing = subprocess.run([sys.executable, os.path.join(kBench, "timer.py"), "--runs", "1",
                                  "--label", "x", "--results", results, "--", "false"],
                                 capture_output=True)
        self.assertNotEqual(failing.returncode, 0)

    def test_interleaved_peers_give_paired_ratios(self):
        results = os.path.join(self.temp.name, "results.tsv")
        rounds = os.path.join(self.temp.name, "rounds.tsv")
        order = os.path.join(self.temp.name, "order")
        peers = []
        for label in ("sesrules-j1", "sesrules-j2", "cat"):
            peers += ["--peer", label, f"echo {label} >>'{order}'"]
        run([sys.executable, os.path.join(kBench, "timer.py"), "--runs", "3", "--warmup", "0",
             "--results", results, "--rounds", rounds] + peers)
        with open(order) as handle:
            ran = handle.read().split()
        # Each round runs every peer once, starting one peer later than the round before.
        self.assertEqual(ran, ["sesrules-j1", "sesrules-j2", "cat", "sesrules-j2", "cat", "sesrules-j1",
                               "cat", "sesrules-j1", "sesrules-j2"])
        with open(rounds) as handle:
            self.assertEqual(len(handle.readlines()), 9)
        # The paired ratio is the median of per-round ratios, not the ratio of the medians:
        # here 0.5, 0.5 and 2.0 per round (median 0.5) against medians 1.0 / 1.0.
        with open(results, "w") as handle:
            handle.write("sesrules-j1\t1.0\t0\t0\t3\nsesrules-j2\t1.0\t0\t0\t3\n")
        with open(rounds, "w") as handle:
            for index, (j1, j2) in enumerate(((2.0, 1.0), (1.0, 0.5), (0.5, 1.0))):
                handle.write(f"{index}\tsesrules-j1\t{j1}\n{index}\tsesrules-j2\t{j2}\n")
        report = run([sys.executable, os.path.join(kBench, "report.py"), "--results", results,
                      "--rounds", rounds, "--json-bytes", "1000000", "--gz-bytes", "100000"])
        self.assertIn("| P6 | sesrules -j 2 / -j 1 (paired) | 0.50 | <= 0.6 | met |", report)
        unpaired = run([sys.executable, os.path.join(kBench, "report.py"), "--results", results,
                        "--json-bytes", "1000000", "--gz-bytes", "100000"])
        self.assertIn("| P6 | sesrules -j 2 / -j 1 (medians) | 1.00 | <= 0.6 | **missed** |", unpaired)


if __name__ == "__main__":
    unittest.main()
