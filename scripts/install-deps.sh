#!/usr/bin/env bash
# Installs the Debian 12 packages sesrules needs to build, test and benchmark.
# Run as root (or with sudo). Safe to run again.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build pkg-config git ca-certificates \
  tao-pegtl-dev libsimdjson-dev libfmt-dev doctest-dev libcli11-dev \
  libre2-dev libdeflate-dev libdeflate-tools zlib1g-dev \
  python3 jq gzip \
  nats-server libnats-dev \
  "$@"
