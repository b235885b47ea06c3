#!/usr/bin/env python3
"""Checks a peer's or sesrules' output against truth.json; exit 1 on any disagreement.

  check_matches.py peer     --truth T --name NAME  < "<rule>\\t<eventID>" lines
  check_matches.py sesrules --truth T [--name NAME] < sesrules eval --format jsonl output

Peers are compared as the set of (rule, eventID) with truth's single_event_matches. For sesrules,
alerts of the five single-event rules are compared the same way (first evidence event), alerts
of truth's sequence rules as the set of (rule, access key) with expected_sequence_alerts, and
their evidence must lie inside the scenario's events; alerts of other pack rules are counted
only. Rule names without a package ("abuse_enumeration") are read as "ses.<name>".
Tested by bench/tests/test_peers.py.
"""

import argparse
import json
import sys


def normalize(rule):
    return rule if "." in rule else "ses." + rule


def key_text(key):
    if isinstance(key, str):
        return key
    if isinstance(key, list) and len(key) == 1 and isinstance(key[0], str):
        return key[0]
    return json.dumps(key, sort_keys=True)


def report_difference(name, what, expected, actual):
    missing, extra = sorted(expected - actual), sorted(actual - expected)
    if not missing and not extra:
        print(f"  ok   {name}: {len(actual)} {what} agree with truth")
        return True
    print(f"  FAIL {name}: {len(missing)} missing, {len(extra)} unexpected {what}")
    for label, items in (("missing", missing), ("unexpected", extra)):
        for item in items[:10]:
            print(f"         {label}: {' '.join(item)}")
    return False


def check_peer(truth, name, lines):
    expected = {(m["rule"], m["eventID"]) for m in truth["single_event_matches"]}
    actual = set()
    for line in lines:
        line = line.rstrip("\n")
        if line:
            rule, _, event_id = line.partition("\t")
            actual.add((rule, event_id))
    return report_difference(name, "single-event matches", expected, actual)


def check_sesrules(truth, name, lines):
    single_rules, sequence_rules = set(truth["single_event_rules"]), set(truth["sequence_rules"])
    scenario_events = {s["accessKeyId"]: set(s["eventIDs"]) for s in truth["scenarios"]}
    single, sequences, others, ok = set(), set(), {}, True
    for line in lines:
        if not line.strip():
            continue
        try:
            alert = json.loads(line)
        except json.JSONDecodeError:
            print(f"  FAIL {name}: not a JSON alert: {line.strip()[:80]}")
            ok = False
            continue
        rule, events = normalize(alert["rule"]), alert.get("events") or []
        if rule in single_rules:
            single.add((rule, events[0]["eventID"] if events else "?"))
        elif rule in sequence_rules:
            key = key_text(alert.get("key"))
            sequences.add((rule, key))
            allowed = scenario_events.get(key)
            stray = [e["eventID"] for e in events if allowed is None or e["eventID"] not in allowed]
            if stray:
                print(f"  FAIL {name}: {rule} for {key} cites events outside its scenario: {stray[:3]}")
                ok = False
        else:
            others[rule] = others.get(rule, 0) + 1
    ok &= check_peer(truth, name, (f"{r}\t{e}" for r, e in single))
    expected = {(a["rule"], a["accessKeyId"]) for a in truth["expected_sequence_alerts"]}
    ok &= report_difference(name, "sequence alerts (rule, key)", expected, sequences)
    for rule, count in sorted(others.items()):
        print(f"  info {name}: {count} alert(s) of {rule} (not in truth; not checked)")
    return ok


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("peer", "sesrules"))
    parser.add_argument("--truth", required=True)
    parser.add_argument("--name", default="output")
    args = parser.parse_args(argv)
    with open(args.truth) as handle:
        truth = json.load(handle)
    check = check_peer if args.kind == "peer" else check_sesrules
    return 0 if check(truth, args.name, sys.stdin) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
