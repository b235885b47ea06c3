#!/usr/bin/env python3
"""Deterministic SES-heavy CloudTrail for the distributed tests (tests/dist).

The bench generator models real traffic, where ~0.05% of records touch SES, so
almost nothing reaches the partition stream. These tests need the opposite: tens
of thousands of records that advance sequence steps, spread over many accounts
(partitions) and keys, with attack flows that complete across hours, regions and
file boundaries. Benign keys call the same APIs with temporary credentials or in
patterns that must not alert, so negative paths run too.

Writes CloudTrail's S3 layout (gzip Records files named by delivery time) and,
with --shuffled, the same records as one JSON Lines file in random order (the
input of the late-data negative control). Same arguments -> identical bytes.

  gen_ses_stream.py --out DIR [--events 20000] [--accounts 12] [--seed 3] [--shuffled FILE]
"""

import argparse
import gzip
import json
import os
import random
import uuid
from datetime import datetime, timedelta, timezone

START = datetime(2024, 6, 3, 0, 0, 0, tzinfo=timezone.utc)
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1",
           "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"]
SES = "ses.amazonaws.com"
IAM = "iam.amazonaws.com"
QUOTAS = "servicequotas.amazonaws.com"
# One attack flow: (minutes after the start, source, name, parameters, region offset).
ATTACK_FLOW = [
    (0.0, SES, "GetSendQuota", None, 0),
    (1.0, SES, "GetSendQuota", None, 1),
    (2.0, SES, "GetSendQuota", None, 2),
    (3.5, SES, "GetAccount", None, 3),
    (6.0, QUOTAS, "ListServiceQuotas", {"serviceCode": "ses"}, 0),
    (9.0, SES, "ListIdentities", {"identityType": "EmailAddress"}, 0),
    (11.0, SES, "GetIdentityVerificationAttributes", {"identities": ["ops@example.com"]}, 0),
    (14.0, SES, "GetAccountSendingEnabled", None, 0),
    (16.0, SES, "UpdateAccountSendingEnabled", {"enabled": True}, 0),
    (20.0, SES, "VerifyEmailIdentity", {"emailAddress": "billing@example.net"}, 0),
    (31.0, IAM, "CreateUser", {"userName": "ses-smtp-user.20240603"}, 0),
    (33.0, IAM, "CreateAccessKey", {"userName": "ses-smtp-user.20240603"}, 0),
]
BENIGN_CALLS = [(SES, "SendEmail"), (SES, "SendRawEmail"), (SES, "GetSendQuota"), (SES, "ListIdentities"),
                (SES, "GetIdentityVerificationAttributes"), (SES, "GetAccountSendingEnabled"),
                (SES, "SendTemplatedEmail"), (SES, "ListEmailIdentities")]


class Generator:
    def __init__(self, seed, accounts):
        self.rng = random.Random(seed)
        self.accounts = ["%012d" % (210000000000 + 7919 * i) for i in range(accounts)]
        self.serial = 0

    def uid(self):
        self.serial += 1
        return str(uuid.UUID(int=self.rng.getrandbits(128) | (self.serial & 0xffff), version=4))

    def key(self, long_term):
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        return ("AKIA" if long_term else "ASIA") + "".join(self.rng.choice(alphabet) for _ in range(16))

    def record(self, when, account, key, source, name, region, params=None, error=None):
        user = "app-%s" % key[-5:].lower()
        rec = {
            "eventVersion": "1.08",
            "userIdentity": {"type": "IAMUser" if key.startswith("AKIA") else "AssumedRole",
                             "principalId": "AIDA" + key[4:], "arn": "arn:aws:iam::%s:user/%s" % (account, user),
                             "accountId": account, "accessKeyId": key, "userName": user},
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": source,
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": "198.51.100.%d" % self.rng.randrange(1, 255),
            "userAgent": "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5",
            "requestParameters": params,
            "responseElements": None,
            "requestID": self.uid(),
            "eventID": self.uid(),
            "readOnly": name.startswith(("Get", "List")),
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
        }
        if error:
            rec["errorCode"] = error
            rec["errorMessage"] = "not authorized"
        return rec

    def attack(self, start, account, records):
        key = self.key(long_term=self.rng.random() < 0.85)
        base_region = self.rng.randrange(len(REGIONS))
        denied = self.rng.random() < 0.1
        for minutes, source, name, params, offset in ATTACK_FLOW:
            if self.rng.random() < 0.12:
                continue  # an incomplete flow: some sequences must not complete
            when = start + timedelta(seconds=round(minutes * 60 + self.rng.uniform(0, 40)))
            region = REGIONS[(base_region + offset) % len(REGIONS)]
            error = "AccessDenied" if denied and source == SES and self.rng.random() < 0.5 else None
            records.append(self.record(when, account, key, source, name, region, params, error))

    def benign(self, start, span_s, account, records, count):
        key = self.key(long_term=self.rng.random() < 0.5)
        region = self.rng.choice(REGIONS)
        for _ in range(count):
            when = start + timedelta(seconds=self.rng.uniform(0, span_s))
            source, name = self.rng.choice(BENIGN_CALLS)
            records.append(self.record(when, account, key, source, name, region))

    def generate(self, events, hours):
        span_s = hours * 3600
        records = []
        while len(records) < events:
            account = self.rng.choice(self.accounts)
            start = START + timedelta(seconds=self.rng.uniform(0, span_s - 3600))
            if self.rng.random() < 0.3:
                self.attack(start, account, records)
            else:
                self.benign(start, 3600, account, records, self.rng.randrange(5, 40))
        return records


def delivery_files(records):
    """Groups records like CloudTrail: per account, region and 5-minute bucket."""
    files = {}
    for rec in records:
        when = datetime.strptime(rec["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        bucket = when - timedelta(minutes=when.minute % 5, seconds=when.second)
        files.setdefault((rec["recipientAccountId"], rec["awsRegion"], bucket), []).append(rec)
    return files


def write_s3(out, records, rng):
    for (account, region, bucket), recs in sorted(delivery_files(records).items()):
        recs.sort(key=lambda r: (r["eventTime"], r["eventID"]))
        delivered = bucket + timedelta(minutes=5 + rng.randrange(0, 6))
        folder = os.path.join(out, "AWSLogs", account, "CloudTrail", region, delivered.strftime("%Y/%m/%d"))
        os.makedirs(folder, exist_ok=True)
        name = "%s_CloudTrail_%s_%s_%04x.json.gz" % (account, region, delivered.strftime("%Y%m%dT%H%MZ"),
                                                     rng.getrandbits(16))
        with open(os.path.join(folder, name), "wb") as f:
            f.write(gzip.compress(json.dumps({"Records": recs}, separators=(",", ":")).encode(), 6, mtime=0))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--accounts", type=int, default=12)
    parser.add_argument("--hours", type=int, default=8)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--shuffled", help="also write every record, in random order, to this JSON Lines file")
    args = parser.parse_args()
    gen = Generator(args.seed, args.accounts)
    records = gen.generate(args.events, args.hours)
    write_s3(args.out, records, gen.rng)
    if args.shuffled:
        shuffled = list(records)
        gen.rng.shuffle(shuffled)
        with open(args.shuffled, "w") as f:
            for rec in shuffled:
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    print("%d records, %d accounts -> %s" % (len(records), args.accounts, args.out))


if __name__ == "__main__":
    main()
