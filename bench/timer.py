#!/usr/bin/env python3
"""Times a shell command: one warm-up run, then the median of N runs (stdout to /dev/null).

  timer.py --runs 5 --label NAME --results results.tsv -- 'command ...'

Appends "label<TAB>median_s<TAB>min_s<TAB>max_s<TAB>runs" to the results file and prints a line.
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


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--label", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = " ".join(args.command[1:] if args.command[:1] == ["--"] else args.command)
    for _ in range(args.warmup):
        run_once(command)
    times = [run_once(command) for _ in range(args.runs)]
    median = statistics.median(times)
    with open(args.results, "a") as handle:
        handle.write(f"{args.label}\t{median:.6f}\t{min(times):.6f}\t{max(times):.6f}\t{args.runs}\n")
    print(f"  {args.label:<28} median {median:8.3f} s  (min {min(times):.3f}, max {max(times):.3f}, "
          f"{args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
