#!/usr/bin/env python3
"""Times shell commands: one warm-up run each, then the median of N runs (stdout to /dev/null).

  timer.py --runs 5 --label NAME --results results.tsv -- 'command ...'
  timer.py --runs 5 --results results.tsv --rounds rounds.tsv --peer A 'cmd' --peer B 'cmd' ...

Appends "label<TAB>median_s<TAB>min_s<TAB>max_s<TAB>runs" per command to the results file and
prints a line. With --peer (repeatable) the commands are timed interleaved: each round runs every
peer once, starting one peer later than the round before, so a peer's runs are spread over the
same minutes as the others' and a slow spell of a shared machine falls on all of them. The time
of every run goes to the rounds file ("round<TAB>label<TAB>seconds"), from which report.py takes
the median of the per-round ratios (the issue's "median of paired runs").
Standard library only (hyperfine is nicer but not required). A failing command aborts with its
exit status, so a broken peer never yields a time. Tested by bench/tests/test_peers.py.
"""

import argparse
import statistics
import subprocess
import sys
import time


def run_once(command):
    began = time.perf_counter()
    completed = subprocess.run(["bash", "-c", "set -o pipefail; " + command],
                               stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - began
    if completed.returncode != 0:
        raise SystemExit(f"timer: command failed with status {completed.returncode}: {command}")
    return elapsed


def record(results, label, times):
    median = statistics.median(times)
    with open(results, "a") as handle:
        handle.write(f"{label}\t{median:.6f}\t{min(times):.6f}\t{max(times):.6f}\t{len(times)}\n")
    print(f"  {label:<28} median {median:8.3f} s  (min {min(times):.3f}, max {max(times):.3f}, "
          f"{len(times)} runs)")


def interleaved(peers, runs, warmup):
    """{label: [seconds per round]} for peers [(label, command)], rotating the starting peer."""
    for _ in range(warmup):
        for _, command in peers:
            run_once(command)
    times = {label: [] for label, _ in peers}
    for round_index in range(runs):
        shift = round_index % len(peers)
        for label, command in peers[shift:] + peers[:shift]:
            times[label].append(run_once(command))
    return times


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--label")
    parser.add_argument("--results", required=True)
    parser.add_argument("--rounds", help="with --peer: where each run's time goes")
    parser.add_argument("--peer", nargs=2, action="append", metavar=("LABEL", "COMMAND"),
                        help="time this command interleaved with the other peers")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.peer:
        times = interleaved([tuple(peer) for peer in args.peer], args.runs, args.warmup)
        for label, _ in args.peer:
            record(args.results, label, times[label])
        if args.rounds:
            with open(args.rounds, "a") as handle:
                for label, seconds in times.items():
                    for round_index, value in enumerate(seconds):
                        handle.write(f"{round_index}\t{label}\t{value:.6f}\n")
        return 0
    if not args.label:
        parser.error("--label is required without --peer")
    command = " ".join(args.command[1:] if args.command[:1] == ["--"] else args.command)
    for _ in range(args.warmup):
        run_once(command)
    record(args.results, args.label, [run_once(command) for _ in range(args.runs)])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
