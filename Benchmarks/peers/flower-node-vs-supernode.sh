#!/usr/bin/env bash
# Same-run comparison (issue 19): one flwr 1.42 SuperLink on loopback, the same ServerApp
# (interop/flower/app: Flower's FedAvg, logistic regression weights [23] + bias [1]), run twice:
#   a) four `privagg flower-node` sites (Swift; DP-SGD on the heart-disease records, ledgers);
#   b) four Flower SuperNodes running the app's Python ClientApp (numpy logistic regression on
#      synthetic records of the same sizes, PrivAgg's local-training defaults, no DP).
# Prints, per variant: seconds per round as the ServerApp measures them (train + evaluate, which
# include the ServerApp's own 3 s reply polling) and the run's traffic as the SuperLink counts it.
#
#   Benchmarks/peers/flower-node-vs-supernode.sh      # FLOWER_ROUNDS=5, FLOWER_BUILD=tests|release
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
ROUNDS="${FLOWER_ROUNDS:-5}"
VENV="${FLWR_VENV:-$ROOT/.build-interop/flwr-venv}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/privagg-flower-bench.XXXXXX")"
PIDS=()
fail() { echo "flower-bench: FAIL: $*" >&2; exit 1; }
stop_nodes() {
  for pid in "${PIDS[@]:1}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:1}"; do for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -KILL -- "-$pid" 2>/dev/null || true; done
  PIDS=("${PIDS[0]}")
}
cleanup() {
  local status=$?
  [ "${#PIDS[@]}" -gt 1 ] && stop_nodes
  [ "${#PIDS[@]}" -gt 0 ] && { kill -TERM -- "-${PIDS[0]}" 2>/dev/null || true; sleep 1; kill -KILL -- "-${PIDS[0]}" 2>/dev/null || true; }
  [ "${KEEP:-0}" = 1 ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import flwr, sys; sys.exit(flwr.__version__ != '1.42.0')" 2>/dev/null \
  || "$VENV/bin/pip" install -q "flwr==1.42.0" || fail "could not install flwr==1.42.0"
export PATH="$VENV/bin:$PATH" FLWR_HOME="$WORK/flwr-home"
mkdir -p "$FLWR_HOME"
if [ "${FLOWER_BUILD:-tests}" = release ]; then
  swift build -c release --product privagg-flower >/dev/null && swift build -c release --product privagg >/dev/null
  BIN="$(swift build -c release --show-bin-path)"
else
  swift build --build-tests >/dev/null
  BIN="$(swift build --show-bin-path)"
fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
setsid flower-superlink --insecure --host 127.0.0.1 --port "$PORT" --disable-runtime-dependency-installation >"$WORK/superlink.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 120); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.5; done
printf '[superlink]\ndefault = "bench"\n\n[superlink.bench]\naddress = "127.0.0.1:%s"\ninsecure = true\n' "$PORT" >"$FLWR_HOME/config.toml"

run_app() {  # $1: variant name
  local result="$WORK/result-$1.json"
  flwr run "$ROOT/interop/flower/app" bench --run-config "num-server-rounds=$ROUNDS min-nodes=4 result-file=\"$result\"" >"$WORK/run-$1.log" 2>&1 \
    || fail "flwr run ($1)"
  for _ in $(seq 600); do [ -s "$result" ] && break; sleep 1; done
  [ -s "$result" ] || fail "the $1 run did not finish"
  sleep 1
  local run_id
  run_id="$(grep -o 'started run [0-9]*' "$WORK/run-$1.log" | awk '{print $3}')"
  flwr ls bench --format json >"$WORK/ls-$1.json"
  python3 - "$1" "$result" "$WORK/ls-$1.json" "$run_id" <<'EOF'
import json, statistics, sys
name, result, listing, run_id = sys.argv[1:]
r = json.load(open(result))
runs = [x for x in json.load(open(listing))["runs"] if x["run-id"] == run_id]
traffic = runs[0]["network-traffic"] if runs else {}
seconds = list(r["round_seconds"].values())
errors = sum(len(v) for phases in r["errors"].values() for v in phases.values())
print(f"| {name} | {len(seconds)} | {statistics.median(seconds):.2f} | {min(seconds):.2f}–{max(seconds):.2f} | "
      f"{traffic.get('inbound-bytes', 0) / len(seconds) / 4 / 1024:.1f} | {traffic.get('outbound-bytes', 0) / len(seconds) / 4 / 1024:.1f} | {errors} |")
EOF
}

echo "| nodes | rounds | median s/round | range | KiB in/round/node (SuperLink) | KiB out/round/node | error replies |"
echo "|---|---|---|---|---|---|---|"
for site in cleveland hungarian switzerland va; do
  setsid "$BIN/privagg-flower" --superlink "127.0.0.1:$PORT" --site "$site" --insecure --ledger-dir "$WORK/ledgers" \
    --epsilon-budget 10 >"$WORK/node-$site.log" 2>&1 &
  PIDS+=($!)
done
sleep 3
run_app privagg-flower
stop_nodes
# Flower's own SuperNodes, with the heart-disease sites' training-record counts.
partition=0
for records in 242 235 98 160; do
  setsid flower-supernode --insecure --superlink "127.0.0.1:$PORT" --port $((PORT + 10 + partition)) \
    --node-config "synthetic-records=$records partition-id=$partition" >"$WORK/supernode-$partition.log" 2>&1 &
  PIDS+=($!)
  partition=$((partition + 1))
done
sleep 5
run_app flower-supernode
