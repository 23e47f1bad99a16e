#!/usr/bin/env bash
# Smoke test: build dynalab, serve an in-memory database on a free port, and
# drive it with the aws CLI: the README's walkthrough.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v aws >/dev/null 2>&1; then
  echo "SKIP: aws CLI not installed (apt-get install awscli)"
  exit 0
fi
work=$(mktemp -d)
bin="$work/dynalab"
go build -o "$bin" .
"$bin" serve --in-memory --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$work/out" ] && break; sleep 0.05; done
endpoint=$(head -n1 "$work/out")
echo "endpoint: $endpoint"
export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
ddb() { aws dynamodb --endpoint-url "$endpoint" --output json "$@"; }

ddb create-table --table-name AppTable \
  --attribute-definitions AttributeName=PK,AttributeType=S AttributeName=SK,AttributeType=S \
  --key-schema AttributeName=PK,KeyType=HASH AttributeName=SK,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST >/dev/null
ddb put-item --table-name AppTable --item '{"PK":{"S":"USER#u123"},"SK":{"S":"PROFILE"},"name":{"S":"Alice"},"version":{"N":"1"}}'
ddb put-item --table-name AppTable --item '{"PK":{"S":"USER#u123"},"SK":{"S":"ORDER#2025-01-01T10:00"},"total":{"N":"42.50"}}'
ddb put-item --table-name AppTable --item '{"PK":{"S":"USER#u123"},"SK":{"S":"ORDER#2025-02-03T15:20"},"total":{"N":"17"}}'

if ddb put-item --table-name AppTable --item '{"PK":{"S":"USER#u123"},"SK":{"S":"PROFILE"}}' \
     --condition-expression 'attribute_not_exists(PK)' 2>"$work/ccf"; then
  echo "FAIL: conditional put on an existing item succeeded"; exit 1
fi
grep -q ConditionalCheckFailedException "$work/ccf" || { echo "FAIL: wrong error:"; cat "$work/ccf"; exit 1; }

ddb update-item --table-name AppTable --key '{"PK":{"S":"USER#u123"},"SK":{"S":"PROFILE"}}' \
  --update-expression 'SET #n = :n, version = version + :one' --condition-expression 'version = :v' \
  --expression-attribute-names '{"#n":"name"}' \
  --expression-attribute-values '{":n":{"S":"Alice K"},":one":{"N":"1"},":v":{"N":"1"}}' >/dev/null

out=$(ddb query --table-name AppTable --key-condition-expression 'PK = :pk AND begins_with(SK, :sk)' \
  --expression-attribute-values '{":pk":{"S":"USER#u123"},":sk":{"S":"ORDER#"}}' --no-scan-index-forward)
echo "$out" | grep -q '"Count": 2' || { echo "FAIL: query: $out"; exit 1; }
first=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Items"][0]["SK"]["S"])')
[ "$first" = "ORDER#2025-02-03T15:20" ] || { echo "FAIL: newest order first, got $first"; exit 1; }

got=$(ddb get-item --table-name AppTable --key '{"PK":{"S":"USER#u123"},"SK":{"S":"PROFILE"}}' \
  --query 'Item.name.S' --output text)
[ "$got" = "Alice K" ] || { echo "FAIL: get-item name = $got"; exit 1; }

ddb describe-table --table-name AppTable --query 'Table.ItemCount' --output text | grep -qx 3 \
  || { echo "FAIL: ItemCount"; exit 1; }
curl -fsS "$endpoint/" | grep -qF "healthy: ${endpoint#http://} " || { echo "FAIL: health line"; exit 1; }

# PartiQL through the same endpoint: the seed's UPDATE and its Query-shaped SELECT.
ddb execute-statement --statement "UPDATE \"AppTable\" SET name='Alice K2' WHERE PK='USER#u123' AND SK='PROFILE'" \
  | grep -q '"Items": \[\]' || { echo "FAIL: execute-statement UPDATE"; exit 1; }
n=$(ddb execute-statement --statement "SELECT * FROM \"AppTable\" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#')" \
  | grep -c '"SK"' || true)
[ "$n" = 2 ] || { echo "FAIL: execute-statement SELECT returned $n orders"; exit 1; }
if ddb execute-statement --statement "INSERT INTO \"AppTable\" VALUE {'PK':'USER#u123','SK':'PROFILE'}" 2>"$work/dup"; then
  echo "FAIL: duplicate INSERT succeeded"; exit 1
fi
grep -q DuplicateItemException "$work/dup" || { echo "FAIL: duplicate INSERT error:"; cat "$work/dup"; exit 1; }
# Capacity: ConsumedCapacity, DescribeLimits, a provisioned table that
# throttles once its burst is spent, and GET /metrics.
cu=$(ddb get-item --table-name AppTable --key '{"PK":{"S":"USER#u123"},"SK":{"S":"PROFILE"}}' \
  --consistent-read --return-consumed-capacity TOTAL --query 'ConsumedCapacity.CapacityUnits' --output text)
case "$cu" in 1|1.0) ;; *) echo "FAIL: strong GetItem consumed $cu"; exit 1 ;; esac
ddb describe-limits --query 'TableMaxReadCapacityUnits' --output text | grep -qx 40000 \
  || { echo "FAIL: describe-limits"; exit 1; }
ddb create-table --table-name Tiny \
  --attribute-definitions AttributeName=id,AttributeType=S --key-schema AttributeName=id,KeyType=HASH \
  --provisioned-throughput ReadCapacityUnits=1,WriteCapacityUnits=1 >/dev/null
# 25 items of 2 WCU per batch: the 300-unit burst is spent after 6 batches.
python3 - "$work" <<'PY'
import json, sys
with open(sys.argv[1] + "/batches", "w") as f:
    for b in range(10):
        reqs = [{"PutRequest": {"Item": {"id": {"S": f"k{b}-{i}"}, "d": {"S": "x" * 2000}}}} for i in range(25)]
        f.write(json.dumps({"Tiny": reqs}) + "\n")
PY
throttled=0
while read -r batch; do
  out=$(AWS_MAX_ATTEMPTS=1 ddb batch-write-item --request-items "$batch" 2>&1) || true
  if echo "$out" | grep -q 'ProvisionedThroughputExceededException\|"Tiny"'; then throttled=1; break; fi
done < "$work/batches"
[ "$throttled" = 1 ] || { echo "FAIL: a 1 WCU table took 500 WCU without throttling"; exit 1; }
curl -fsS "$endpoint/metrics" | grep -q '^dynalab_consumed_write_capacity_units_total{table="AppTable"}' \
  || { echo "FAIL: /metrics"; exit 1; }

# Authentication over TLS: the right secret works, a wrong one gets the
# service's InvalidSignatureException.
cat > "$work/auth.json" <<'JSON'
{"users": [{"accessKeyId": "AKIDSMOKE", "secretAccessKey": "smoke-secret", "userId": "u1",
  "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}}]}
JSON
"$bin" serve --in-memory --listen 127.0.0.1:0 --auth "$work/auth.json" --tls-self-signed --tls-ca-file "$work/ca.pem" \
  >"$work/out2" 2>"$work/err2" &
pid2=$!
trap 'kill "$pid2" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 100); do [ -s "$work/out2" ] && break; sleep 0.05; done
secure=$(head -n1 "$work/out2")
case "$secure" in https://*) ;; *) echo "FAIL: --tls-self-signed endpoint is $secure"; exit 1 ;; esac
AWS_ACCESS_KEY_ID=AKIDSMOKE AWS_SECRET_ACCESS_KEY=smoke-secret \
  aws dynamodb list-tables --endpoint-url "$secure" --ca-bundle "$work/ca.pem" >/dev/null \
  || { echo "FAIL: signed request over TLS"; cat "$work/err2"; exit 1; }
if AWS_ACCESS_KEY_ID=AKIDSMOKE AWS_SECRET_ACCESS_KEY=wrong AWS_MAX_ATTEMPTS=1 \
     aws dynamodb list-tables --endpoint-url "$secure" --ca-bundle "$work/ca.pem" 2>"$work/badsig"; then
  echo "FAIL: a wrong secret was accepted"; exit 1
fi
grep -q InvalidSignatureException "$work/badsig" || { echo "FAIL: wrong-secret error:"; cat "$work/badsig"; exit 1; }

echo "aws CLI smoke test passed"
