#!/usr/bin/env bash
# Import benchmark: generates an ATT&CK-like bundle of N objects (default
# 1,000,000), imports it into a fresh node with the liaison binary, and
# prints objects per second and the import's peak memory (max RSS).
# Usage: bench/import.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/liaison" ./cmd/liaison
go run ./bench/stixgen -n "$n" > "$work/bundle.json"
# The bundle just written is flushed first, so that the import does not
# share the disk with the write-back of its own input.
sync
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3-)"
echo "bundle: $n objects, $(du -m "$work/bundle.json" | cut -f1) MiB"
"$work/liaison" init --data "$work/node" --org-id nl-aivd --org-name AIVD --country NL -o id > /dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" "$work/liaison" import --data "$work/node" "$work/bundle.json" | tail -1
end=$(date +%s.%N)
rss_kb=$(cat "$work/rss")
awk -v n="$n" -v s="$start" -v e="$end" -v rss="$rss_kb" 'BEGIN {
  printf "import: %.1f s, %.0f objects/s, peak RSS %.0f MiB\n", e-s, n/(e-s), rss/1024 }'
start=$(date +%s.%N)
"$work/liaison" import --data "$work/node" "$work/bundle.json" | tail -1
end=$(date +%s.%N)
awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "re-import (all held already): %.1f s, %.0f objects/s\n", e-s, n/(e-s) }'
