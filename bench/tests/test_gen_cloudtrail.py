"""Tests of bench/gen_cloudtrail.py and bench/ctgen/: determinism, layout, truth, record shape.

Run: python3 -m unittest discover -s bench/tests   (standard library only, ~10 s)
"""

import calendar
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

kBench = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, kBench)

from ctgen.catalog import CATALOG  # noqa: E402
from ctgen.oracle import single_event_matches  # noqa: E402

kSmall = ["--records", "4000", "--span", "3h", "--accounts", "2", "--regions", "4"]
kFileName = re.compile(r"AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d\d)/(\d\d)/"
                       r"\1_CloudTrail_\2_(\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz$")


def generate(out, *extra):
    subprocess.run([sys.executable, os.path.join(kBench, "gen_cloudtrail.py"), "--out", out,
                    *kSmall, *extra], check=True, stderr=subprocess.DEVNULL)
    with open(os.path.join(out, "truth.json")) as handle:
        return json.load(handle)


def tree(root):
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, root)] = handle.read()
    return found


def epoch(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


class GeneratedData(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.temp.name, "a")
        cls.truth = generate(cls.out, "--scenarios", "example", "--seed", "11")
        cls.files = {path: json.loads(gzip.decompress(data))["Records"]
                     for path, data in tree(cls.out).items() if path.endswith(".json.gz")}
        cls.records = [r for records in cls.files.values() for r in records]

    @classmethod
    def tearDownClass(cls):
        cls.temp.cleanup()

    def test_same_seed_gives_identical_bytes(self):
        again = os.path.join(self.temp.name, "b")
        generate(again, "--scenarios", "example", "--seed", "11")
        self.assertEqual(tree(self.out), tree(again))

    def test_other_seed_gives_other_data(self):
        other = os.path.join(self.temp.name, "c")
        truth = generate(other, "--scenarios", "example", "--seed", "12")
        self.assertNotEqual(truth["single_event_matches"], self.truth["single_event_matches"])

    def test_jsonl_format_holds_the_same_records(self):
        lines_dir = os.path.join(self.temp.name, "jsonl")
        truth = generate(lines_dir, "--scenarios", "example", "--seed", "11", "--format", "jsonl",
                         "--compress", "none")
        self.assertEqual(truth["single_event_matches"], self.truth["single_event_matches"])
        count = sum(data.count(b"\n") for path, data in tree(lines_dir).items()
                    if path.endswith(".jsonl"))
        self.assertEqual(count, self.truth["records_total"])

    def test_every_file_follows_the_s3_layout_and_lateness_bound(self):
        self.assertEqual(len(self.files), self.truth["files_total"])
        unsorted_files = 0
        for path, records in self.files.items():
            match = kFileName.search(path)
            self.assertIsNotNone(match, path)
            delivered = calendar.timegm(time.strptime(match.group(6), "%Y%m%dT%H%MZ"))
            times = [epoch(r["eventTime"]) for r in records]
            context = (path, min(times), max(times), delivered)
            # The name's time is truncated to the minute; records arrive >= 20 s after eventTime.
            self.assertGreaterEqual(delivered + 60 - max(times), 0, context)
            self.assertLessEqual(delivered - min(times), 15 * 60, context)
            unsorted_files += times != sorted(times)
        self.assertGreater(unsorted_files, len(self.files) // 4)

    def test_truth_lists_every_oracle_match_and_nothing_else(self):
        expected = sorted([rule, r["eventID"]] for r in self.records
                          for rule in single_event_matches(r))
        actual = [[m["rule"], m["eventID"]] for m in self.truth["single_event_matches"]]
        self.assertEqual(actual, expected)
        self.assertEqual(len(self.records), self.truth["records_total"])

    def test_scenarios_are_present_with_their_expectations(self):
        by_name = {s["name"]: s for s in self.truth["scenarios"]}
        all_ids = {r["eventID"] for r in self.records}
        cases = [  # name prefix, kind, expected sequence rules
            ("compromised-key-footprinting", "attack",
             {"ses.list_identities_with_verification", "ses.abuse_enumeration",
              "ses.sending_enabled_then_identity_verified"}),
            ("region-probe-akia-", "attack", {"ses.multi_region_quota_probe"}),
            ("temporary-key-footprinting", "decoy", set()),
            ("lookalike-event-names", "decoy", set()),
            ("enablement-lookalikes", "decoy", set()),
            ("isolated-get-account", "decoy", set()),
            ("verification-two-hours-later", "decoy", set()),
            ("two-region-probe-decoy", "decoy", set()),
            ("slow-region-probe-decoy", "decoy", set()),
        ]
        for prefix, kind, sequences in cases:
            with self.subTest(scenario=prefix):
                found = [s for name, s in by_name.items() if name.startswith(prefix)]
                self.assertEqual(len(found), 1)
                scenario = found[0]
                self.assertEqual(scenario["kind"], kind)
                self.assertEqual(set(scenario["expected_sequences"]), sequences)
                self.assertTrue(set(scenario["eventIDs"]) <= all_ids)
        footprint = by_name["compromised-key-footprinting"]
        rules = {rule for rule, _ in footprint["single_event_matches"]}
        self.assertEqual(len(rules), 5)
        probe = next(s for n, s in by_name.items() if n.startswith("region-probe-akia-"))
        self.assertTrue(3 <= len(probe["regions"]) <= 12)
        for decoy in ("temporary-key-footprinting", "lookalike-event-names", "enablement-lookalikes"):
            self.assertEqual(by_name[decoy]["single_event_matches"], [], decoy)

    def test_records_are_realistic(self):
        sizes = sorted(len(json.dumps(r, separators=(",", ":"))) for r in self.records)
        mean = sum(sizes) / len(sizes)
        self.assertTrue(1000 <= mean <= 1500, mean)
        kinds = {r["userIdentity"]["type"] for r in self.records}
        self.assertEqual(kinds, {"IAMUser", "AssumedRole", "AWSService", "Root"})
        self.assertTrue(any(r["requestParameters"] is None for r in self.records))
        errors = sum("errorCode" in r for r in self.records) / len(self.records)
        self.assertTrue(0.01 <= errors <= 0.05, errors)
        for field in ("eventVersion", "eventTime", "eventSource", "eventName", "awsRegion",
                      "sourceIPAddress", "userAgent", "eventID", "readOnly", "eventType",
                      "managementEvent", "recipientAccountId", "eventCategory"):
            self.assertTrue(all(field in r for r in self.records), field)


class Catalog(unittest.TestCase):
    def test_catalog_covers_about_100_calls_over_30_services(self):
        self.assertGreaterEqual(len(CATALOG), 100)
        self.assertGreaterEqual(len({spec.service for spec in CATALOG}), 30)
        self.assertEqual(len({(s.source, s.name) for s in CATALOG}), len(CATALOG))
        self.assertFalse(any(spec.service == "ses" for spec in CATALOG))


class Oracle(unittest.TestCase):
    def test_single_event_rules(self):
        akia, asia = "AKIAABCDEFGHIJKLMNOP", "ASIAABCDEFGHIJKLMNOP"
        cases = [  # source, name, key, requestParameters, expected rules
            ("ses", "GetAccount", akia, None, ["ses.get_account_long_term_key"]),
            ("ses", "GetAccount", asia, None, []),
            ("apigateway", "GetAccount", akia, None, []),
            ("ses", "GetSendQuota", akia, None, ["ses.quota_check_long_term_key"]),
            ("servicequotas", "ListServiceQuotas", akia, {"serviceCode": "ses"},
             ["ses.quota_check_long_term_key"]),
            ("servicequotas", "GetServiceQuota", akia, {"serviceCode": "ec2"}, []),
            ("servicequotas", "GetServiceQuota", akia, None, []),
            ("ses", "ListEmailIdentities", akia, None, ["ses.list_identities_long_term_key"]),
            ("cognito-identity", "ListIdentities", akia, None, []),
            ("ses", "GetAccountSendingEnabled", akia, None,
             ["ses.sending_status_check_long_term_key"]),
            ("ses", "UpdateAccountSendingEnabled", akia, {"enabled": True},
             ["ses.enable_sending_long_term_key"]),
            ("ses", "UpdateAccountSendingEnabled", akia, {"enabled": "true"}, []),
            ("ses", "UpdateAccountSendingEnabled", akia, {"enabled": 1}, []),
            ("ses", "UpdateAccountSendingEnabled", akia, None, []),
            ("ses", "PutAccountSendingAttributes", akia, {"sendingEnabled": True},
             ["ses.enable_sending_long_term_key"]),
            ("ses", "PutAccountSendingAttributes", akia, {"sendingEnabled": False}, []),
            ("ses", "GetAccount", None, None, []),
        ]
        for source, name, key, request, expected in cases:
            with self.subTest(source=source, name=name, key=key, request=request):
                record = {"eventSource": source + ".amazonaws.com", "eventName": name,
                          "userIdentity": {"accessKeyId": key} if key else {"type": "AWSService"},
                          "requestParameters": request}
                self.assertEqual(single_event_matches(record), expected)


if __name__ == "__main__":
    unittest.main()
