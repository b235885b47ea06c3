#!/usr/bin/env bash
# The README's first command: install packages, build the release binary, and
# run the embedded SES rule pack over the bundled sample logs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
./build/release/cli/sesrules eval examples/logs
