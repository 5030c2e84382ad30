#!/usr/bin/env bash
# Same-run comparison (issue 19): PrivAgg's own federation (privagg-federation serve + join, gRPC)
# against Flower (flower-superlink + ServerApp + flower-supernode, Fleet HTTP API), same machine,
# loopback, plaintext (--insecure on both), same number of sites and model size, float64 models.
#
#   Benchmarks/peers/federation-vs-flower.sh                 # 10 sites x 10^5, plain FedAvg, 3 rounds
#   SITES=10 DIMENSION=100000 ROUNDS=3 VARIANTS="plain secagg+" Benchmarks/peers/federation-vs-flower.sh
#
# Variants: "plain" (PrivAgg --aggregator plain vs Flower's FedAvg) and "secagg+" (PrivAgg
# --aggregator secagg+ vs Flower's SecAggPlusWorkflow + secaggplus_mod); SECAGG_DIMENSION sets a
# smaller model for the SecAgg+ pair (default DIMENSION).
#
# Sites: PrivAgg's are `join --dataset synthetic` (each trains logistic regression locally on 10
# synthetic records, privacy none); Flower's return the global model plus seeded uniform noise
# (Benchmarks/peers/flower_fedavg). Neither does meaningful training: the rounds time the
# federation machinery.
#
# Measured, per variant:
#   round seconds: PrivAgg's report.json wall seconds of each round; Flower's ServerApp's own
#     timer (configure_train -> aggregate_train for FedAvg; the SecAgg+ workflow's fit stage);
#     median over rounds 2..R (round 1 includes start-up: connections, Flower's app launch);
#   bytes per client: every site connection goes through tcp_byte_counter.py (a loopback relay
#     that counts the bytes the TCP sockets carry, HTTP framing included), divided by sites and
#     rounds; Flower's count includes its nodes' polling and heartbeats during the run, PrivAgg's
#     its join/stream set-up;
#   server peak RSS: peak_rss.py, the largest VmHWM of every process in the server's tree
#     (PrivAgg: the coordinator; Flower: flower-superlink + the ServerApp process it spawns),
#     summed.
# Binaries: PRIVAGG_BIN (a folder holding privagg-federation), else the release build (BUILD=debug
# for the debug one). flwr: FLWR_VENV (default .build-interop/flwr-venv, flwr FLWR_VERSION=1.42.0).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
HERE="$ROOT/Benchmarks/peers"
SITES="${SITES:-10}"
DIMENSION="${DIMENSION:-100000}"
SECAGG_DIMENSION="${SECAGG_DIMENSION:-$DIMENSION}"
ROUNDS="${ROUNDS:-3}"
VARIANTS="${VARIANTS:-plain}"
FLWR_VERSION="${FLWR_VERSION:-1.42.0}"
VENV="${FLWR_VENV:-$ROOT/.build-interop/flwr-venv}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/privagg-fed-vs-flower.XXXXXX")"
PIDS=()
fail() { echo "federation-vs-flower: FAIL: $*" >&2; exit 1; }
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  PIDS=()
}
cleanup() {
  local status=$?
  [ "${#PIDS[@]}" -gt 0 ] && stop_all
  if [ "$status" -ne 0 ]; then
    for log in "$WORK"/*/*.log; do [ -f "$log" ] && { echo "--- $log (last 15 lines)"; tail -15 "$log"; }; done >&2
  fi
  [ "${KEEP:-0}" = 1 ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Stops one helper with SIGTERM and waits for it to write its file.
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; fail "nothing listens on 127.0.0.1:$1"; }
finish() { kill -TERM "$1" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; }

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || fail "python3 -m venv $VENV"
"$VENV/bin/python" -c "import flwr, sys; sys.exit(flwr.__version__ != '$FLWR_VERSION')" 2>/dev/null \
  || "$VENV/bin/pip" install -q "flwr==$FLWR_VERSION" \
  || fail "could not install flwr==$FLWR_VERSION from PyPI into $VENV"
PY="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"  # the SuperLink starts flower-superexec / flwr-serverapp from PATH
if [ -n "${PRIVAGG_BIN:-}" ]; then
  BIN="$PRIVAGG_BIN"
elif [ "${BUILD:-release}" = debug ]; then
  swift build --product privagg-federation >/dev/null && BIN="$(swift build --show-bin-path)"
else
  swift build -c release --product privagg-federation >/dev/null && BIN="$(swift build -c release --show-bin-path)"
fi
[ -x "$BIN/privagg-federation" ] || fail "no privagg-federation in $BIN"

# $1 variant (plain|secagg+), $2 dimension. Prints one JSON line.
run_privagg() {
  local variant=$1 dimension=$2 dir="$WORK/privagg-$1" port proxy sites="" i coordinator
  mkdir -p "$dir"
  for i in $(seq 0 $((SITES - 1))); do sites+="${sites:+,}client-$i"; done
  "$BIN/privagg-federation" serve --listen 127.0.0.1:0 --port-file "$dir/port" --sites "$sites" --rounds "$ROUNDS" \
    --aggregator "$variant" --privacy none --insecure --output "$dir/out" --join-timeout 120 --stage-timeout 600 \
    --max-message-bytes $((64 << 20)) >"$dir/coordinator.log" 2>&1 &
  coordinator=$!
  PIDS+=("$coordinator")
  "$PY" "$HERE/peak_rss.py" "$coordinator" "$dir/rss.json" & local sampler=$!
  PIDS+=("$sampler")
  for _ in $(seq 300); do [ -s "$dir/port" ] && break; sleep 0.1; done
  [ -s "$dir/port" ] || fail "the PrivAgg coordinator did not start"
  port="$(cat "$dir/port")"
  proxy="$(free_port)"
  "$PY" "$HERE/tcp_byte_counter.py" "$proxy" "$port" "$dir/bytes.json" & local counter=$!
  PIDS+=("$counter")
  wait_port "$proxy"
  for i in $(seq 0 $((SITES - 1))); do
    setsid "$BIN/privagg-federation" join --server "127.0.0.1:$proxy" --dataset synthetic --clients "$SITES" --client-index "$i" \
      --dimension "$((dimension - 1))" --records-per-client 10 --insecure --max-message-bytes $((64 << 20)) >"$dir/site-$i.log" 2>&1 &
    PIDS+=($!)
  done
  wait "$coordinator" || fail "the PrivAgg coordinator failed ($variant)"
  finish "$counter"; finish "$sampler"
  stop_all
  "$PY" - "$variant" "$dir" "$SITES" <<'PY'
import json, statistics, sys
variant, d, sites = sys.argv[1], sys.argv[2], int(sys.argv[3])
report = json.load(open(f"{d}/out/report.json"))
rounds = [r for r in report["records"] if r["round"] > 0]
seconds = [r["wallSeconds"] for r in rounds]
traffic, rss = json.load(open(f"{d}/bytes.json")), json.load(open(f"{d}/rss.json"))
print(json.dumps({"system": "PrivAgg", "variant": variant, "dimension": len(report["finalModel"]), "round_seconds": seconds,
                  "median": statistics.median(seconds[1:] or seconds),
                  "up": traffic["bytes_up"] / sites / len(rounds), "down": traffic["bytes_down"] / sites / len(rounds),
                  "grpc_up": statistics.mean(sum(r["bytesUp"].values()) / len(r["bytesUp"]) for r in rounds),
                  "rss": rss["total_bytes"], "included": [len(r["included"]) for r in rounds]}))
PY
}

run_flower() {
  local variant=$1 dimension=$2 dir="$WORK/flower-$1" port proxy i superlink workflow=fedavg
  [ "$variant" = "secagg+" ] && workflow="secagg+"
  mkdir -p "$dir/flwr-home"
  port="$(free_port)"
  FLWR_HOME="$dir/flwr-home" setsid "$VENV/bin/flower-superlink" --insecure --host 127.0.0.1 --port "$port" \
    --disable-runtime-dependency-installation >"$dir/superlink.log" 2>&1 &
  superlink=$!
  PIDS+=("$superlink")
  for _ in $(seq 120); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 || fail "the SuperLink did not come up"
  "$PY" "$HERE/peak_rss.py" "$superlink" "$dir/rss.json" & local sampler=$!
  PIDS+=("$sampler")
  proxy="$(free_port)"
  "$PY" "$HERE/tcp_byte_counter.py" "$proxy" "$port" "$dir/bytes.json" & local counter=$!
  PIDS+=("$counter")
  wait_port "$proxy"
  for i in $(seq 0 $((SITES - 1))); do
    FLWR_HOME="$dir/flwr-home" setsid "$VENV/bin/flower-supernode" --insecure --superlink "127.0.0.1:$proxy" --port "$(free_port)" \
      --node-config "partition-id=$i" >"$dir/supernode-$i.log" 2>&1 &
    PIDS+=($!)
  done
  printf '[superlink]\ndefault = "bench"\n\n[superlink.bench]\naddress = "127.0.0.1:%s"\ninsecure = true\n' "$port" >"$dir/flwr-home/config.toml"
  local result="$dir/result.json"
  FLWR_HOME="$dir/flwr-home" PATH="$VENV/bin:$PATH" flwr run "$HERE/flower_fedavg" bench --run-config \
    "num-server-rounds=$ROUNDS dimension=$dimension min-nodes=$SITES workflow=\"$workflow\" result-file=\"$result\"" >"$dir/flwr-run.log" 2>&1 \
    || fail "flwr run ($variant)"
  local started=$SECONDS
  local status
  while [ ! -s "$result" ]; do
    [ $((SECONDS - started)) -lt "${RUN_SECONDS:-1800}" ] || fail "the Flower $variant run did not finish"
    status="$(FLWR_HOME="$dir/flwr-home" flwr ls bench --format json 2>/dev/null | "$PY" -c 'import json,sys; runs=json.load(sys.stdin).get("runs",[]); print(runs[0]["status"] if runs else "")' 2>/dev/null || true)"
    case "$status" in finished:failed*|finished:stopped*) fail "the Flower $variant ServerApp run ended: $status" ;; esac
    sleep 2
  done
  sleep 1
  finish "$counter"; finish "$sampler"
  stop_all
  "$PY" - "$variant" "$dir" "$SITES" "$dimension" <<'PY'
import json, statistics, sys
variant, d, sites, dimension = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
result = json.load(open(f"{d}/result.json"))
seconds = [result["round_seconds"][k] for k in sorted(result["round_seconds"], key=int)]
traffic, rss = json.load(open(f"{d}/bytes.json")), json.load(open(f"{d}/rss.json"))
print(json.dumps({"system": "Flower", "variant": variant, "dimension": dimension, "round_seconds": seconds,
                  "median": statistics.median(seconds[1:] or seconds),
                  "up": traffic["bytes_up"] / sites / len(seconds), "down": traffic["bytes_down"] / sites / len(seconds),
                  "rss": rss["total_bytes"], "replies": result.get("replies"), "errors": result.get("errors")}))
PY
}

RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
for variant in $VARIANTS; do
  dimension=$DIMENSION
  [ "$variant" = "secagg+" ] && dimension=$SECAGG_DIMENSION
  echo "federation-vs-flower: $variant, $SITES sites x $dimension parameters, $ROUNDS rounds: PrivAgg" >&2
  # Not in a pipeline: the runs' processes are tracked in this shell's PIDS (killed on exit).
  run_privagg "$variant" "$dimension" >>"$RESULTS"
  tail -1 "$RESULTS" >&2
  echo "federation-vs-flower: $variant: Flower $FLWR_VERSION" >&2
  run_flower "$variant" "$dimension" >>"$RESULTS"
  tail -1 "$RESULTS" >&2
done
"$PY" - "$RESULTS" "$SITES" "$ROUNDS" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
sites, rounds = sys.argv[2], sys.argv[3]
print(f"| system | aggregation | sites x parameters | rounds | median round s (rounds 2..) | all rounds s | KiB up/client/round | KiB down/client/round | server peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['system']} | {r['variant']} | {sites} x {r['dimension']} | {len(r['round_seconds'])} | {r['median']:.3f} | "
          f"{', '.join(f'{s:.2f}' for s in r['round_seconds'])} | {r['up'] / 1024:.0f} | {r['down'] / 1024:.0f} | {r['rss'] / 2**20:.0f} |")
by = {(r["system"], r["variant"]): r for r in rows}
for variant in dict.fromkeys(r["variant"] for r in rows):
    ours, theirs = by.get(("PrivAgg", variant)), by.get(("Flower", variant))
    if ours and theirs:
        print(f"{variant}: Flower's median round / PrivAgg's = {theirs['median'] / ours['median']:.1f}x "
              f"(goal >= 5x: {'met' if theirs['median'] >= 5 * ours['median'] else 'not met'})")
PY
