#!/usr/bin/env bash
# Runs the benchmarks behind BENCHMARKS.md and prints them with the machine
# and the date. Usage: bench/run.sh [benchtime]   (default 3s)
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-3s}
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB, $(go version | cut -d' ' -f3-)"
go test -run '^$' -bench . -benchtime "$benchtime" -benchmem \
    ./policy/ ./marking/ ./audit/ ./desk/ ./sqlite/ ./stix/ ./api/ ./ledger/ ./trust/ ./assess/ 2>&1 | grep -E '^(Benchmark|ok|FAIL|pkg:)'
# The end-to-end benchmarks of the liaison binary have scripts of their own:
#   bench/import.sh [N]        import N generated ATT&CK-like objects (default 1,000,000): objects/s, peak RSS
#   bench/taxii.sh [N] [C] [D] TAXII pages of 100 from a served collection of N objects, C clients, for D
