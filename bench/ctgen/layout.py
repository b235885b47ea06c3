"""Where records go: CloudTrail's S3 delivery layout, or JSON Lines.

S3 layout: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<16 random>.json[.gz], each file {"Records":[...]}
holding what *arrived* in one 5-minute delivery window of one account and region. A record
arrives 20 s to ~7 min after its eventTime, so a file is not time-sorted, neighbouring files
overlap in eventTime, and the delivery time in the name is at most ~15 min after its records.
Gzip output uses mtime=0 and no file name in the header, so the same seed gives identical bytes.
Tested by bench/tests/test_gen_cloudtrail.py (determinism, layout, lateness bound).
"""

import gzip
import json
import os
import time

kDeliveryPeriod = 300
kMaxArrivalLag = 420
kMaxDeliveryJitter = 180
kGzipLevel = 6


def dump_records(records):
    return json.dumps({"Records": records}, separators=(",", ":")).encode()


def dump_lines(records):
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records).encode()


class DeliveryQueue:
    """Buckets one account+region stream's records by arrival window, in event-time order."""

    def __init__(self, rng, origin):
        self.rng_, self.origin_ = rng, origin
        self.buckets_ = {}

    def add(self, when, record):
        lag = 20 + min(self.rng_.expovariate(1.0 / 110), kMaxArrivalLag - 20)
        arrival = when + lag
        bucket = int((arrival - self.origin_) // kDeliveryPeriod)
        self.buckets_.setdefault(bucket, []).append((arrival, record))

    def ready(self, last_complete_bucket):
        """Yields (delivery time, records) of buckets that can no longer receive records."""
        for bucket in sorted(b for b in self.buckets_ if b <= last_complete_bucket):
            entries = self.buckets_.pop(bucket)
            entries.sort(key=lambda entry: entry[0])
            delivery = self.origin_ + (bucket + 1) * kDeliveryPeriod + \
                self.rng_.randrange(0, kMaxDeliveryJitter)
            yield delivery, [entry[1] for entry in entries]

    def drain(self):
        return self.ready(max(self.buckets_, default=-1))


class S3Writer:
    """Writes delivery files under `root` (gzip or plain) and optionally a plain mirror."""

    def __init__(self, root, compress, plain_mirror=None, level=kGzipLevel):
        self.root_, self.compress_, self.plain_mirror_ = root, compress, plain_mirror
        self.level_ = level
        self.files_written = 0
        self.plain_bytes = 0

    def write(self, rng, account, region, delivery, records):
        stamp = time.gmtime(delivery)
        folder = os.path.join("AWSLogs", account, "CloudTrail", region,
                              time.strftime("%Y/%m/%d", stamp))
        suffix = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
                         for _ in range(16))
        name = f"{account}_CloudTrail_{region}_{time.strftime('%Y%m%dT%H%MZ', stamp)}_{suffix}.json"
        payload = dump_records(records)
        self.plain_bytes += len(payload)
        self.files_written += 1
        if self.compress_:
            _write(os.path.join(self.root_, folder, name + ".gz"),
                   gzip.compress(payload, compresslevel=self.level_, mtime=0))
        else:
            _write(os.path.join(self.root_, folder, name), payload)
        if self.plain_mirror_:
            _write(os.path.join(self.plain_mirror_, folder, name), payload)

    def close(self):
        pass


class JsonLinesWriter:
    """One JSON Lines file per account+region: <root>/<account>/<region>.jsonl[.gz]."""

    def __init__(self, root, compress, level=kGzipLevel):
        self.root_, self.compress_, self.level_ = root, compress, level
        self.current_, self.handle_ = None, None
        self.files_written = 0
        self.plain_bytes = 0

    def write(self, rng, account, region, delivery, records):
        if self.current_ != (account, region):
            self.close()
            path = os.path.join(self.root_, account, region + (".jsonl.gz" if self.compress_ else ".jsonl"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            raw = open(path, "wb")
            self.handle_ = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                         compresslevel=self.level_) if self.compress_ else raw
            self.raw_ = raw
            self.current_ = (account, region)
            self.files_written += 1
        payload = dump_lines(records)
        self.plain_bytes += len(payload)
        self.handle_.write(payload)

    def close(self):
        if self.handle_ is not None:
            self.handle_.close()
            if self.handle_ is not self.raw_:
                self.raw_.close()
        self.current_, self.handle_ = None, None


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
