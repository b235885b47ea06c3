#!/usr/bin/env python3
"""Generates N synthetic single-event rules in the sesrules language (docs/language.md).

Used by bench/run.sh for target P4 ("1,000 generated rules <= 2x the pack"): each rule is
indexed by (eventSource, eventName) taken from the generator's catalog, plus one more condition
drawn from a small set of shapes (string equality, set membership, startswith, contains,
cidr_contains, glob_match, a requestParameters field) so the VM runs a realistic mix.
`--one` writes a single rule equal to ses.get_account_long_term_key (P4's baseline).
Deterministic for a given --seed. Tested by bench/tests/test_gen_rules.py.

  gen_rules.py --count 1000 [--seed 7] > generated.rules
"""

import argparse
import random
import sys

from ctgen.catalog import CATALOG

kHeader = "package bench.generated\n"
kSeverities = ("info", "low", "medium", "high")


def condition(rng, index):
    shape = index % 7
    if shape == 0:
        return 'startswith(input.userIdentity.accessKeyId, "AKIA")\n    input.errorCode == "AccessDenied"'
    if shape == 1:
        return f'input.awsRegion in {{"{rng.choice(("me-south-1", "af-south-1"))}", "ap-northeast-3"}}'
    if shape == 2:
        return f'contains(input.userAgent, "scanner-{index}")'
    if shape == 3:
        return f'cidr_contains("198.51.{index % 256}.0/24", input.sourceIPAddress)'
    if shape == 4:
        return f'glob_match("arn:aws:iam::*:user/generated-{index}*", input.userIdentity.arn)'
    if shape == 5:
        return f'input.requestParameters.name == "generated-{index}"'
    return 'input.userIdentity.type == "Root"\n    not input.errorCode'


def rule(rng, index):
    spec = CATALOG[rng.randrange(len(CATALOG))]
    return (f"alert generated_{index:04d} {{\n"
            f"  meta {{\n"
            f"    title: \"Generated rule {index}\"\n"
            f"    severity: {kSeverities[index % len(kSeverities)]}\n"
            f"    description: \"Synthetic single-event rule {index} for the P4 benchmark.\"\n"
            f"  }}\n"
            f"  when {{\n"
            f"    input.eventSource == \"{spec.source}\"\n"
            f"    input.eventName == \"{spec.name}\"\n"
            f"    {condition(rng, index)}\n"
            f"  }}\n"
            f"}}\n")


kOneRule = """alert get_account_long_term_key_only {
  meta {
    title: "SES GetAccount by a long-term access key"
    severity: low
    description: "The single-event baseline of target P4: one rule, same check as the pack's."
  }
  when {
    input.eventSource == "ses.amazonaws.com"
    input.eventName == "GetAccount"
    startswith(input.userIdentity.accessKeyId, "AKIA")
  }
}
"""


def generate(count, seed, one=False):
    if one:
        return kHeader + "\n" + kOneRule
    rng = random.Random(f"{seed}:rules")
    return kHeader + "".join("\n" + rule(rng, index) for index in range(1, count + 1))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", action="store_true", help="only the P4 baseline rule")
    args = parser.parse_args(argv)
    sys.stdout.write(generate(args.count, args.seed, args.one))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
