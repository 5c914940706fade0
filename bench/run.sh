#!/usr/bin/env bash
# Runs the benchmarks behind BENCHMARKS.md and prints them with the machine
# and the date. Usage: bench/run.sh [benchtime]   (default 3s)
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-3s}
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, $(go version | cut -d' ' -f3-)"
go test -run '^$' -bench . -benchtime "$benchtime" -benchmem \
    ./policy/ ./marking/ ./audit/ ./desk/ ./sqlite/ 2>&1 | grep -E '^(Benchmark|ok|FAIL|pkg:)'
