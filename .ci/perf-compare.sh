#!/usr/bin/env bash
# Side-by-side HTTP throughput: dynalab serve --in-memory vs the no-op
# ceiling server (../shared/tools/ceiling), alternating phases so that a
# noisy machine affects both alike. Not part of CI; run by hand:
#   bash .ci/perf-compare.sh [rounds] [duration] [phases]
# Needs ../shared/tools/{ddbload,ceiling} (built here with go build). Set
# DYNALITE=/path/to/node_modules/.bin/dynalite to add dynalite to each round
# (npm install dynalite), and FLOOR=1 to add the storage floor: the ceiling
# plus buntdb writes of BatchWriteItem's items (.ci/floor/floor.go).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; dur=${2:-5s}; phases=${3:-put,get,query,update}
tools=${TOOLS:-../shared/tools}
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
(cd "$tools/ddbload" && GOFLAGS=-mod=mod go build -o "$tmp/ddbload" .)
(cd "$tools/ceiling" && go build -o "$tmp/ceiling" .)
go build -o "$tmp/dynalab" .
if [ -n "${FLOOR:-}" ]; then
  cp -r "$tools/ceiling" "$tmp/floor-src" && cp .ci/floor/floor.go "$tmp/floor-src/"
  sed -i -e 's/^\tcase opBatchWriteItem:$/&\n\t\tstoreBatch(r)/' \
    -e 's/^\tcase opDescribeTable, opDeleteTable:$/&\n\t\tif o == opDeleteTable {\n\t\t\tresetFloor()\n\t\t}/' "$tmp/floor-src/server.go"
  grep -q 'storeBatch(r)' "$tmp/floor-src/server.go" && grep -q 'resetFloor()' "$tmp/floor-src/server.go" || { echo "perf-compare: could not patch the ceiling into the floor" >&2; exit 1; }
  buntdb=$(go list -m -f '{{.Version}}' github.com/tidwall/buntdb)
  (cd "$tmp/floor-src" && GOFLAGS=-mod=mod go get "github.com/tidwall/buntdb@$buntdb" >/dev/null 2>&1 && GOFLAGS=-mod=mod go build -o "$tmp/floor" .)
fi
"$tmp/ceiling" -listen 127.0.0.1:18001 >/dev/null 2>&1 & cpid=$!
"$tmp/dynalab" serve --in-memory --listen 127.0.0.1:18000 >/dev/null 2>&1 & dpid=$!
targets="ceiling:18001:$cpid dynalab:18000:$dpid"
if [ -n "${FLOOR:-}" ]; then
  "$tmp/floor" -listen 127.0.0.1:18003 >/dev/null 2>&1 & fpid=$!
  targets="ceiling:18001:$cpid floor:18003:$fpid dynalab:18000:$dpid"
fi
if [ -n "${DYNALITE:-}" ]; then
  "$DYNALITE" --port 18002 --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 >/dev/null 2>&1 & lpid=$!
  targets="$targets dynalite:18002:$lpid"
fi
sleep 2
for r in $(seq "$rounds"); do
  for target in $targets; do
    IFS=: read -r name port pid <<<"$target"
    "$tmp/ddbload" -endpoint "http://127.0.0.1:$port" -c 64 -duration "$dur" -phases "$phases" -server-pid "$pid" 2>&1 \
      | grep -E '^[A-Za-z]+ +ops/s' | sed "s/^/$name round$r /"
  done
done
