#!/usr/bin/env bash
# bench/run.sh: generate CloudTrail data outside the repository, check that every peer reports
# the same single-event matches as truth.json (and sesrules its sequence alerts too), then time
# each peer (median of N runs) and print the markdown tables of docs/performance.md.
# Needs only Debian packages (python3, g++, libsimdjson-dev, jq, libdeflate-tools, gzip, time).
# Never writes inside the repository; data and results go to $BENCH_DIR (/tmp/sesrules-bench).
#
#   bench/run.sh [--quick] [--size 1G] [--runs 5] [--slow-runs 3] [--seed 7]
#                [--sesrules PATH | --skip-sesrules] [--no-timing]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
bench_dir=${BENCH_DIR:-/tmp/sesrules-bench}
size=1G runs=5 slow_runs=3 seed=7 skip_sesrules=0 timing=1
sesrules=${SESRULES:-$repo/build/cli/sesrules}

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while (($#)); do
  case $1 in
    --quick) size=100M ;;
    --size) size=$2; shift ;;
    --runs) runs=$2; shift ;;
    --slow-runs) slow_runs=$2; shift ;;
    --seed) seed=$2; shift ;;
    --sesrules) sesrules=$2; shift ;;
    --skip-sesrules) skip_sesrules=1 ;;
    --no-timing) timing=0 ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage 2 ;;
  esac
  shift
done

mkdir -p "$bench_dir"
bench_dir=$(cd "$bench_dir" && pwd)
case "$bench_dir/" in
  "$repo"/*) echo "run.sh: BENCH_DIR ($bench_dir) must be outside the repository" >&2; exit 2 ;;
esac
for tool in python3 g++ jq libdeflate-gunzip gzip /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run.sh: missing $tool (see docs/performance.md)" >&2; exit 2; }
done

# --- data: generated once per (size, seed, generator version), reused afterwards -------------
generator_hash=$(cat "$here"/gen_cloudtrail.py "$here"/ctgen/*.py | md5sum | cut -c1-12)
dataset() {  # dataset SIZE -> prints its folder, generating it when missing
  local dir="$bench_dir/data-$1-seed$seed-$generator_hash"
  if [[ ! -f $dir/done ]]; then
    rm -rf "$dir"
    echo "generating $1 of CloudTrail into $dir ..." >&2
    python3 "$here/gen_cloudtrail.py" --out "$dir/gz" --plain-mirror "$dir/json" \
      --truth "$dir/truth.json" --size "$1" --seed "$seed" --scenarios full >&2
    touch "$dir/done"
  fi
  echo "$dir"
}
data=$(dataset "$size")
json=$data/json gz=$data/gz truth=$data/truth.json
json_bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["json_bytes_total"])' "$truth")
gz_bytes=$(find "$gz" -name '*.json.gz' -printf '%s\n' | awk '{s+=$1} END {print s+0}')

# --- peers -------------------------------------------------------------------------------------
bin=$bench_dir/bin
mkdir -p "$bin"
if [[ ! -x $bin/filter_simdjson || $here/peers/filter_simdjson.cc -nt $bin/filter_simdjson ]]; then
  g++ -O2 -std=c++20 -Wall -Wextra -Wpedantic "$here/peers/filter_simdjson.cc" -lsimdjson \
    -o "$bin/filter_simdjson"
fi
# A skeleton binary without the eval subcommand does not count as "built".
if ((skip_sesrules == 0)) && ! { [[ -x $sesrules ]] && "$sesrules" eval --help 2>&1 | grep -q -- --format; }; then
  echo "note: $sesrules is missing or has no working 'eval'; sesrules columns print n/a" >&2
  skip_sesrules=1
fi
json_files="find '$json' -name '*.json' -print0 | sort -z"
gz_files="find '$gz' -name '*.json.gz' -print0 | sort -z"
declare -A cmd=(
  [cat]="$json_files | xargs -0 cat"
  [simdjson]="'$bin/filter_simdjson' '$json'"
  [jq]="$json_files | xargs -0 jq -r -f '$here/peers/filter.jq'"
  [python]="python3 '$here/peers/evaluate.py' '$json'"
  [libdeflate-gunzip]="$gz_files | xargs -0 libdeflate-gunzip -c"
  [gzip-dc]="$gz_files | xargs -0 gzip -dc"
)
if ((skip_sesrules == 0)); then
  cmd[sesrules-j1]="'$sesrules' eval --format jsonl --quiet -j 1 '$json'"
  cmd[sesrules-j2]="'$sesrules' eval --format jsonl --quiet -j 2 '$json'"
  cmd[sesrules-gz]="'$sesrules' eval --format jsonl --quiet -j 1 '$gz'"
fi

echo "warming the page cache ..." >&2
bash -c "${cmd[cat]}" >/dev/null
bash -c "$gz_files | xargs -0 cat" >/dev/null

# --- correctness: every peer against truth.json ----------------------------------------------
echo "checking results against $truth:"
failed=0
for peer in simdjson jq python; do
  bash -c "set -o pipefail; ${cmd[$peer]}" | python3 "$here/check_matches.py" peer \
    --truth "$truth" --name "$peer" || failed=1
done
decompressed=$(bash -c "${cmd[libdeflate-gunzip]}" | wc -c)
if [[ $decompressed != "$json_bytes" ]]; then
  echo "  FAIL libdeflate-gunzip: $decompressed bytes, expected $json_bytes"; failed=1
else
  echo "  ok   libdeflate-gunzip: $decompressed bytes, as generated"
fi
if ((skip_sesrules == 0)); then
  for peer in sesrules-j1 sesrules-j2 sesrules-gz; do
    bash -c "${cmd[$peer]}" | python3 "$here/check_matches.py" sesrules \
      --truth "$truth" --name "$peer" || failed=1
  done
fi
((failed == 0)) || { echo "run.sh: results disagree with truth.json; not timing" >&2; exit 1; }
((timing == 1)) || exit 0

# --- timing ------------------------------------------------------------------------------------
results=$bench_dir/results-$size.tsv rss=$bench_dir/rss-$size.tsv rounds=$bench_dir/rounds-$size.tsv
: >"$results"; : >"$rss"; : >"$rounds"
if ((skip_sesrules == 0)) && "$sesrules" eval --help 2>&1 | grep -q -- '--rules'; then  # P4 needs user rules
  python3 "$here/gen_rules.py" --one >"$bench_dir/one.rules"
  python3 "$here/gen_rules.py" --count 1000 --seed "$seed" >"$bench_dir/generated.rules"
  cmd[sesrules-one-rule]="'$sesrules' eval --format jsonl --quiet -j 1 --rules '$bench_dir/one.rules' '$json'"
  cmd[sesrules-1000-rules]="'$sesrules' eval --format jsonl --quiet -j 1 --rules '$bench_dir/generated.rules' '$json'"
fi
# The peers of each ratio run interleaved (timer.py --peer), so that a slow minute of this
# shared machine falls on both sides of a ratio; the slow and reference-only peers run alone.
interleave() {  # interleave LABEL...: one timer.py call over the labels that have a command
  local args=() label
  for label in "$@"; do [[ -n ${cmd[$label]:-} ]] && args+=(--peer "$label" "${cmd[$label]}"); done
  python3 "$here/timer.py" --runs "$runs" --results "$results" --rounds "$rounds" "${args[@]}"
}
echo "timing (median of $runs interleaved rounds; jq and python $slow_runs runs):"
interleave cat simdjson sesrules-j1 sesrules-j2 sesrules-one-rule sesrules-1000-rules
interleave libdeflate-gunzip sesrules-gz
for peer in gzip-dc jq python; do
  n=$runs; [[ $peer == jq || $peer == python ]] && n=$slow_runs
  python3 "$here/timer.py" --runs "$n" --label "$peer" --results "$results" -- "${cmd[$peer]}"
done
peak_rss() {  # peak_rss LABEL DATASET COMMAND: appends "label dataset KiB" to $rss
  local kib
  kib=$( { /usr/bin/time -f '%M' bash -c "$3" >/dev/null; } 2>&1 | tail -n1)
  printf '%s\t%s\t%s\n' "$1" "$2" "$kib" >>"$rss"
}
for peer in simdjson jq python; do peak_rss "$peer" "$size" "${cmd[$peer]}"; done
if ((skip_sesrules == 0)); then
  peak_rss sesrules-j1 "$size" "${cmd[sesrules-j1]}"
  if [[ $size != 100M ]]; then  # M1 compares RSS at 100 MB and at the full size
    small=$(dataset 100M)
    peak_rss sesrules-j1 100M "'$sesrules' eval --format jsonl --quiet -j 1 '$small/json'"
  fi
  empty=$bench_dir/empty.json
  echo '{"Records":[]}' >"$empty"
  python3 "$here/timer.py" --runs 20 --label sesrules-startup --results "$results" -- \
    "'$sesrules' eval --format jsonl --quiet '$empty'"
fi

echo
python3 "$here/report.py" --results "$results" --rounds "$rounds" --rss "$rss" --json-bytes "$json_bytes" \
  --gz-bytes "$gz_bytes" --title "$size, seed $seed, $(nproc) cores, $(date -u +%Y-%m-%d)" |
  tee "$bench_dir/report-$size.md"
