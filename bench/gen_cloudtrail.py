#!/usr/bin/env python3
"""Deterministic generator of realistic CloudTrail logs with injected SES attack scenarios.

Writes benign traffic of ~100 API calls over ~35 services (Zipf-weighted) for several accounts
and regions, in CloudTrail's S3 layout (or JSON Lines), plus truth.json: every (rule, eventID)
the five single-event SES rules must report, and every injected scenario with the sequence
rules that must (or must not) fire for its key. Same arguments and seed -> identical bytes.
Python 3 standard library only. Tested by bench/tests/test_gen_cloudtrail.py.

  gen_cloudtrail.py --out DIR --truth truth.json [--size 1G | --records N] [--seed 7]
"""

import argparse
import calendar
import json
import os
import random
import sys
import time

from ctgen.background import BackgroundSource
from ctgen.layout import DeliveryQueue, JsonLinesWriter, S3Writer, dump_records
from ctgen.oracle import SINGLE_EVENT_RULES, single_event_matches
from ctgen.plan import Plan, kSlot
from ctgen.scenarios import SEQUENCE_RULES

kUnits = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
kSpanUnits = {"m": 60, "h": 3600, "d": 86400}


def parse_size(text):
    text = text.strip().upper().rstrip("B").rstrip("I")
    unit = text[-1] if text and text[-1] in kUnits else ""
    return int(float(text[:len(text) - len(unit)]) * kUnits[unit])


def parse_span(text):
    return int(float(text[:-1]) * kSpanUnits[text[-1]]) if text[-1] in kSpanUnits else int(text)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="output folder (created)")
    parser.add_argument("--truth", help="truth file (default: <out>/truth.json)")
    parser.add_argument("--seed", type=int, default=7)
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--size", type=parse_size, help="target uncompressed JSON bytes (100M, 1G)")
    target.add_argument("--records", type=int, help="target number of background records")
    parser.add_argument("--start", default="2024-05-14T00:00:00Z", help="first eventTime (UTC)")
    parser.add_argument("--span", type=parse_span, default=parse_span("24h"), help="e.g. 3h, 1d")
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--regions", type=int, default=8)
    parser.add_argument("--format", choices=("s3", "jsonl"), default="s3")
    parser.add_argument("--compress", choices=("gzip", "none"), default="gzip")
    parser.add_argument("--gzip-level", type=int, default=6, choices=range(1, 10))
    parser.add_argument("--plain-mirror", help="s3 format: also write uncompressed .json here")
    parser.add_argument("--scenarios", choices=("example", "full"), default="full")
    args = parser.parse_args(argv)
    if args.size is None and args.records is None:
        args.size = parse_size("100M")
    args.start_epoch = calendar.timegm(time.strptime(args.start, "%Y-%m-%dT%H:%M:%SZ"))
    return args


def calibrate(plan, seed):
    """Mean compact-JSON bytes per background record, from a separate sample stream."""
    source = BackgroundSource(random.Random(f"{seed}:calibrate"))
    account = plan.accounts[0]
    sample = [source.record(account, account.home_region, plan.start) for _ in range(600)]
    return (len(dump_records(sample)) - len('{"Records":[]}')) / len(sample)


class Generator:
    def __init__(self, args):
        self.args = args
        self.plan = Plan(args.seed, args.start_epoch, args.span, args.accounts, args.regions,
                         args.scenarios)
        self.rng = random.Random(f"{args.seed}:records")
        self.background = BackgroundSource(self.rng)
        # File names draw from their own stream so every format holds the same records.
        self.names_rng = random.Random(f"{args.seed}:names")
        self.matches = []
        self.records_total = 0
        compress = args.compress == "gzip"
        self.writer = S3Writer(args.out, compress, args.plain_mirror, args.gzip_level) \
            if args.format == "s3" else JsonLinesWriter(args.out, compress, args.gzip_level)

    def run(self):
        plan = self.plan
        total = self.args.records or int(self.args.size / calibrate(plan, self.args.seed))
        injected = self._injected()
        for index, account in enumerate(plan.accounts):
            regions = list(plan.regions) + sorted(
                {region for (acct, region) in injected if acct == account.account_id}
                - set(plan.regions))
            for region in regions:
                counts = plan.slot_counts(total, index, account, region) \
                    if region in plan.regions else [0] * plan.slots
                self._stream(account, region, counts, injected.get((account.account_id, region), []))
        self.writer.close()

    def _injected(self):
        by_stream = {}
        for scenario in self.plan.scenarios:
            for region, record in scenario.records:
                key = (scenario.account_, region)
                by_stream.setdefault(key, []).append(record)
        return by_stream

    def _stream(self, account, region, counts, scenario_records):
        queue = DeliveryQueue(self.rng, self.plan.start)
        pending = sorted(scenario_records, key=lambda r: r["eventTime"])
        for slot, count in enumerate(counts):
            slot_start = self.plan.start + slot * kSlot
            for _ in range(count):
                when = slot_start + self.rng.randrange(kSlot)
                self._add(queue, when, self.background.record(account, region, when))
            slot_end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(slot_start + kSlot))
            while pending and pending[0]["eventTime"] < slot_end:
                record = pending.pop(0)
                self._add(queue, _epoch(record["eventTime"]), record)
            self._flush(account, region, queue.ready(slot))
        for record in pending:
            self._add(queue, _epoch(record["eventTime"]), record)
        self._flush(account, region, queue.drain())

    def _add(self, queue, when, record):
        queue.add(when, record)
        self.records_total += 1
        for rule in single_event_matches(record):
            self.matches.append((rule, record["eventID"]))

    def _flush(self, account, region, files):
        for delivery, records in files:
            self.writer.write(self.names_rng, account.account_id, region, delivery, records)

    def truth(self):
        args, plan = self.args, self.plan
        scenarios, names = [], set()
        for scenario in plan.scenarios:
            entry = dict(scenario.truth)
            while entry["name"] in names:
                entry["name"] += "-again"
            names.add(entry["name"])
            records = [record for _, record in scenario.records]
            entry["regions"] = entry.get("regions") or sorted({r["awsRegion"] for r in records})
            entry["first_time"] = min(r["eventTime"] for r in records)
            entry["last_time"] = max(r["eventTime"] for r in records)
            entry["eventIDs"] = [r["eventID"] for r in records]
            entry["single_event_matches"] = sorted(
                [rule, r["eventID"]] for r in records for rule in single_event_matches(r))
            scenarios.append(entry)
        return {
            "generator": {"seed": args.seed, "start": args.start, "span_seconds": args.span,
                          "accounts": [a.account_id for a in plan.accounts],
                          "regions": plan.regions, "format": args.format,
                          "compress": args.compress, "scenario_set": args.scenarios},
            "records_total": self.records_total,
            "files_total": self.writer.files_written,
            "json_bytes_total": self.writer.plain_bytes,
            "single_event_rules": list(SINGLE_EVENT_RULES),
            "sequence_rules": list(SEQUENCE_RULES),
            "single_event_matches": [{"rule": rule, "eventID": event_id}
                                     for rule, event_id in sorted(self.matches)],
            "expected_sequence_alerts": sorted(
                ({"rule": rule, "accessKeyId": s["accessKeyId"], "scenario": s["name"]}
                 for s in scenarios for rule in s["expected_sequences"]),
                key=lambda alert: (alert["rule"], alert["accessKeyId"])),
            "scenarios": scenarios,
        }


def _epoch(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    generator = Generator(args)
    generator.run()
    truth = generator.truth()
    truth_path = args.truth or os.path.join(args.out, "truth.json")
    with open(truth_path, "w") as handle:
        json.dump(truth, handle, indent=1, sort_keys=False)
        handle.write("\n")
    print(f"gen_cloudtrail: {truth['records_total']} records, {truth['files_total']} files, "
          f"{truth['json_bytes_total'] / 2 ** 20:.1f} MiB JSON, "
          f"{len(truth['single_event_matches'])} single-event matches, "
          f"{len(truth['scenarios'])} scenarios -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
