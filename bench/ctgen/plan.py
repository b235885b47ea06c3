"""The run plan: accounts, regions, how many records each stream gets, and where scenarios go.

`Plan` turns the command line into deterministic decisions: account ids, per-(account, region,
5-minute slot) record counts (account share x region share x a diurnal curve, rounded with a
carried remainder so the total is exact), and the scenario list placed at fixed fractions of the
time span. The scenario set "example" has one footprinting key and one region probe plus all
decoys; "full" adds an ASIA probe, an SES v2 flow with IAM persistence and edge-size probes.
Tested by bench/tests/test_gen_cloudtrail.py.
"""

import math
import random

from . import scenarios as sc
from .identities import make_account

kDefaultRegions = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1",
                   "ap-northeast-1", "us-east-2", "eu-west-2", "ca-central-1", "ap-south-1",
                   "sa-east-1", "eu-north-1")
kAccountShares = (0.5, 0.3, 0.2, 0.12, 0.08)
kSlot = 300
kMinSpan = 3 * 3600


class Plan:
    def __init__(self, seed, start, span, account_count, region_count, scenario_set):
        if span < kMinSpan:
            raise ValueError("--span must be at least 3h (a decoy needs a 2h gap)")
        if not 1 <= region_count <= len(kDefaultRegions):
            raise ValueError(f"--regions must be between 1 and {len(kDefaultRegions)}")
        if not 1 <= account_count <= len(kAccountShares):
            raise ValueError(f"--accounts must be between 1 and {len(kAccountShares)}")
        self.seed, self.start, self.span = seed, start, span
        self.rng = random.Random(f"{seed}:plan")
        self.regions = list(kDefaultRegions[:region_count])
        self.accounts = [self._account(index) for index in range(account_count)]
        self.slots = span // kSlot
        self.scenarios = self._scenarios(scenario_set)

    def _account(self, index):
        account_id = str(self.rng.randrange(10 ** 11, 10 ** 12))
        home = self.regions[index % min(3, len(self.regions))]
        return make_account(self.rng, account_id, home, self.seed)

    def region_shares(self, account):
        """Share of each region in `account`'s traffic: home region first, Zipf-like tail."""
        ordered = [account.home_region] + [r for r in self.regions if r != account.home_region]
        weights = {region: 1.0 / (rank ** 1.2) for rank, region in enumerate(ordered, start=1)}
        total = sum(weights.values())
        return {region: weights[region] / total for region in self.regions}

    def slot_counts(self, total_records, account_index, account, region):
        """Records per 5-minute slot for one stream (carried rounding, diurnal curve)."""
        shares = kAccountShares[:len(self.accounts)]
        share = shares[account_index] / sum(shares) * self.region_shares(account)[region]
        curve = [1.0 + 0.4 * math.sin(2 * math.pi * (((self.start + s * kSlot) / 3600.0 - 9) / 24))
                 for s in range(self.slots)]
        scale = total_records * share / sum(curve)
        counts, carry = [], 0.0
        for factor in curve:
            carry += factor * scale
            whole = int(carry)
            counts.append(whole)
            carry -= whole
        return counts

    def _at(self, fraction):
        return self.start + int(self.span * fraction) + self.rng.randrange(0, 120)

    def _scenarios(self, scenario_set):
        rng, accounts = self.rng, self.accounts
        first, second = accounts[0], accounts[1 % len(accounts)]
        home, other = first.home_region, second.home_region
        ids = (first.account_id, second.account_id)
        probe_count = rng.randint(3, 12)
        picks = [
            sc.slow_verification(rng, ids[1], other, self._at(0.05)),
            sc.compromised_key_footprinting(rng, ids[0], home, self._at(0.55)),
            sc.region_probe(rng, ids[1], self._at(0.35), probe_count),
            sc.temporary_key_footprinting(rng, ids[0], home, self._at(0.45)),
            sc.lookalike_sources(rng, ids[1], other, self._at(0.25)),
            sc.enablement_lookalikes(rng, ids[0], home, self._at(0.7)),
            sc.isolated_call(rng, ids[1], other, self._at(0.8)),
            sc.sparse_probe(rng, ids[0], self._at(0.15), ("us-east-1", "eu-west-1"), 60,
                            "two-region-probe", "GetSendQuota in only 2 regions within a minute."),
            sc.sparse_probe(rng, ids[1], self._at(0.6), ("us-west-2", "ap-south-1", "sa-east-1"),
                            720, "slow-region-probe",
                            "GetSendQuota in 3 regions, 12 minutes apart: never 3 within 10m."),
        ]
        if scenario_set == "full":
            third = accounts[2 % len(accounts)]
            picks += [
                sc.region_probe(rng, third.account_id, self._at(0.65), 4, long_term=False),
                sc.region_probe(rng, ids[0], self._at(0.9), 12),
                sc.region_probe(rng, third.account_id, self._at(0.2), 3),
                sc.sesv2_footprinting_with_persistence(rng, third.account_id, third.home_region,
                                                       self._at(0.75)),
            ]
        return picks
