#!/usr/bin/env python3
"""Turns bench/run.sh's timing and RSS files into the markdown tables of docs/performance.md.

  report.py --results results.tsv [--rounds rounds.tsv] --rss rss.tsv --json-bytes N --gz-bytes N --title TEXT

results.tsv rows come from timer.py (label, median, min, max, runs); rss.tsv rows are
(label, dataset, KiB). A target whose two peers were timed interleaved (rounds.tsv rows: round,
label, seconds) is the median of its per-round ratios ("paired"); otherwise the ratio of the
medians. Missing labels (sesrules not built yet) print as "n/a", and every target whose inputs
are missing is "pending". Tested by bench/tests/test_peers.py.
"""

import argparse
import statistics
import sys

kRows = (  # label, what it does, input
    ("cat", "`cat` (floor: read the bytes)", "json"),
    ("simdjson", "hand-written simdjson On-Demand filter", "json"),
    ("sesrules-j1", "`sesrules eval` (1 thread)", "json"),
    ("sesrules-j2", "`sesrules eval -j 2`", "json"),
    ("jq", "`jq -r -f filter.jq`", "json"),
    ("python", "Panther-style Python (`evaluate.py`)", "json"),
    ("libdeflate-gunzip", "`libdeflate-gunzip -c` (floor for .gz)", "gz"),
    ("gzip-dc", "`gzip -dc`", "gz"),
    ("sesrules-gz", "`sesrules eval` on .json.gz (1 thread)", "gz"),
)

# name, description, numerator, denominator, comparison, goal
kTargets = (
    ("P1", "sesrules / simdjson filter", "sesrules-j1", "simdjson", "<=", 2.0),
    ("P2", "jq / sesrules", "jq", "sesrules-j1", ">=", 25.0),
    ("P2", "python / sesrules", "python", "sesrules-j1", ">=", 12.0),
    ("P3", "sesrules .json.gz / libdeflate-gunzip", "sesrules-gz", "libdeflate-gunzip", "<=", 1.6),
    ("P4", "full pack / one single-event rule", "sesrules-j1", "sesrules-one-rule", "<=", 1.3),
    ("P4", "1,000 generated rules / full pack", "sesrules-1000-rules", "sesrules-j1", "<=", 2.0),
    ("P6", "sesrules -j 2 / -j 1", "sesrules-j2", "sesrules-j1", "<=", 0.6),
)


def read_tsv(path, width):
    rows = []
    if path:
        with open(path) as handle:
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) >= width:
                    rows.append(fields)
    return rows


def verdict(value, comparison, goal):
    passed = value <= goal if comparison == "<=" else value >= goal
    return "met" if passed else "**missed**"


def timing_table(medians, json_bytes, gz_bytes):
    lines = ["| peer | input | median (s) | MB/s of JSON | × cat |", "|---|---|---:|---:|---:|"]
    floor = medians.get("cat")
    for label, what, source in kRows:
        seconds = medians.get(label)
        if seconds is None:
            lines.append(f"| {what} | {source} | n/a | n/a | n/a |")
            continue
        rate = json_bytes / seconds / 1e6
        versus = f"{seconds / floor:.1f}" if floor else "n/a"
        lines.append(f"| {what} | {source} | {seconds:.3f} | {rate:.0f} | {versus} |")
    lines.append("")
    lines.append(f"JSON: {json_bytes / 2 ** 20:.1f} MiB; gzip copy: {gz_bytes / 2 ** 20:.1f} MiB "
                 "(MB/s always counts uncompressed JSON bytes).")
    return lines


def ratio(medians, rounds, top, bottom):
    """(value, how): the median of per-round ratios when both peers ran in the same rounds."""
    paired = sorted(set(rounds.get(top, {})) & set(rounds.get(bottom, {})))
    if paired:
        return statistics.median(rounds[top][r] / rounds[bottom][r] for r in paired), "paired"
    return medians[top] / medians[bottom], "medians"


def target_table(medians, rss, rounds=None):
    rounds = rounds or {}
    lines = ["| target | ratio | value | goal | status |", "|---|---|---:|---:|---|"]
    for name, description, top, bottom, comparison, goal in kTargets:
        if top in medians and bottom in medians:
            value, how = ratio(medians, rounds, top, bottom)
            lines.append(f"| {name} | {description} ({how}) | {value:.2f} | {comparison} {goal:g} | "
                         f"{verdict(value, comparison, goal)} |")
        else:
            lines.append(f"| {name} | {description} | n/a | {comparison} {goal:g} | pending |")
    startup = medians.get("sesrules-startup")
    lines.append(f"| P5 | start-up (empty input, pack compiled) | "
                 f"{'n/a' if startup is None else f'{startup * 1000:.1f} ms'} | <= 10 ms | "
                 f"{'pending' if startup is None else verdict(startup, '<=', 0.010)} |")
    big, small = rss.get(("sesrules-j1", "1G")), rss.get(("sesrules-j1", "100M"))
    lines.append(f"| M1 | peak RSS at 1 GB | {'n/a' if big is None else f'{big / 1024:.1f} MiB'} | "
                 f"<= 64 MiB | {'pending' if big is None else verdict(big / 1024, '<=', 64)} |")
    if big is not None and small is not None:
        lines.append(f"| M1 | RSS(1 GB) / RSS(100 MB) | {big / small:.2f} | <= 1.1 | "
                     f"{verdict(big / small, '<=', 1.1)} |")
    else:
        lines.append("| M1 | RSS(1 GB) / RSS(100 MB) | n/a | <= 1.1 | pending |")
    return lines


def rss_table(rss):
    lines = ["| program | dataset | peak RSS (MiB) |", "|---|---|---:|"]
    for (label, dataset), kib in sorted(rss.items()):
        lines.append(f"| {label} | {dataset} | {kib / 1024:.1f} |")
    return lines


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--rss")
    parser.add_argument("--rounds")
    parser.add_argument("--json-bytes", type=int, required=True)
    parser.add_argument("--gz-bytes", type=int, required=True)
    parser.add_argument("--title", default="Benchmark")
    args = parser.parse_args(argv)
    medians = {row[0]: float(row[1]) for row in read_tsv(args.results, 2)}
    rss = {(row[0], row[1]): int(row[2]) for row in read_tsv(args.rss, 3)}
    rounds = {}
    for round_index, label, seconds in read_tsv(args.rounds, 3):
        rounds.setdefault(label, {})[int(round_index)] = float(seconds)
    out = [f"### {args.title}", ""] + timing_table(medians, args.json_bytes, args.gz_bytes)
    out += ["", "Targets (paired: median of per-round ratios of interleaved runs; medians: ratio of "
            "medians):", ""] + target_table(medians, rss, rounds)
    if rss:
        out += ["", "Peak RSS (`/usr/bin/time -f %M`):", ""] + rss_table(rss)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
