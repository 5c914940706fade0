#!/usr/bin/env bash
# TAXII benchmark: a node holding N generated objects (default 100,000)
# served on loopback, and bench/taxiiload paging through the home
# collection with limit=100 from C workers (default 16) for D (default 20s).
# Usage: bench/taxii.sh [N] [C] [D]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
c=${2:-16}
d=${3:-20s}
work=$(mktemp -d)
go build -o "$work/liaison" ./cmd/liaison
go build -o "$work/taxiiload" ./bench/taxiiload
go run ./bench/stixgen -n "$n" > "$work/bundle.json"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(go version | cut -d' ' -f3-)"
token=$("$work/liaison" init --data "$work/node" --org-id nl-aivd --org-name AIVD --country NL -o id)
"$work/liaison" import --data "$work/node" "$work/bundle.json" | tail -1
addr=127.0.0.1:18091
"$work/liaison" serve --data "$work/node" --addr "$addr" 2> "$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://$addr/healthz" > /dev/null && break; sleep 0.1; done
"$work/taxiiload" -url "http://$addr/taxii2/liaison/collections/nl-aivd/" -token "$token" -c "$c" -d "$d" -limit 100
