#!/usr/bin/env bash
# Flower interoperability check (issue 19): a real flwr SuperLink on loopback, Flower's own FedAvg
# strategy in a Python ServerApp (interop/flower/app), and the four heart-disease sites as
# `privagg flower-node` processes speaking the Fleet HTTP API.
#
#   scripts/flower-interop.sh                        # flwr 1.42.0, FLOWER_ROUNDS=3, all four sites, DP-SGD σ=3, seed 42
#   FLWR_VERSION=1.41.0 scripts/flower-interop.sh    # the same against a flwr 1.41 SuperLink
#
# Checks, each failing the script with a plain message:
#   1. flwr FLWR_VERSION installs into a venv (no silent skip when it cannot);
#   2. all four nodes register and activate within JOIN_SECONDS;
#   3. every round completes: 4 train and 4 evaluate replies, none an error;
#   4. Flower's final accuracy and loss equal those of `privagg train --aggregator plain` with the
#      same seed and settings within TOLERANCE (1e-6: both runs draw the same sampling and noise,
#      so they differ only by floating-point summation order);
#   5. each site's ledger holds exactly one spend per round.
# Every process it starts is killed on exit (trap), and its folder removed (KEEP=1 keeps it).
# FLOWER_SITES="cleveland va" runs fewer nodes than the ServerApp waits for: the script must then
# fail at step 2 (that is how CI's negative check is run by hand).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
FLWR_VERSION="${FLWR_VERSION:-1.42.0}"
ROUNDS="${FLOWER_ROUNDS:-3}"
SITES=(${FLOWER_SITES:-cleveland hungarian switzerland va})
JOIN_SECONDS="${JOIN_SECONDS:-90}"
RUN_SECONDS="${RUN_SECONDS:-300}"
TOLERANCE=1e-6
SEED=42
# One venv per flwr release, so checking 1.41 and 1.42 in turn reinstalls nothing.
VENV="${FLWR_VENV:-$ROOT/.build-interop/flwr-$FLWR_VERSION-venv}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/privagg-flower-interop.XXXXXX")"
PIDS=()

fail() { echo "flower-interop: FAIL: $*" >&2; exit 1; }
cleanup() {
  local status=$?
  # The nodes first (they deactivate and unregister on SIGTERM), then the SuperLink (PIDS[0]).
  # Each was started with setsid: its process group is its own (the SuperLink's children too).
  local order=("${PIDS[@]:1}")
  [ "${#PIDS[@]}" -gt 0 ] && order+=("${PIDS[0]}")
  for pid in "${order[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $(basename "$log") (last 25 lines)"; tail -25 "$log"; }; done >&2
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "flower-interop: kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. flwr, pinned.
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || fail "could not create a Python venv at $VENV (python3 -m venv)"
fi
if ! "$VENV/bin/python" -c "import flwr, sys; sys.exit(flwr.__version__ != '$FLWR_VERSION')" 2>/dev/null; then
  "$VENV/bin/pip" install -q "flwr==$FLWR_VERSION" \
    || fail "could not install flwr==$FLWR_VERSION from PyPI into $VENV; the Flower interop check cannot run without it"
fi
export PATH="$VENV/bin:$PATH" FLWR_HOME="$WORK/flwr-home"
mkdir -p "$FLWR_HOME"

# The companion and privagg itself. By default the debug build with tests, which `make test` has
# just made (CI runs this script after it, so nothing is rebuilt); FLOWER_BUILD=release builds
# and uses the release products (`make flower`).
if [ "${FLOWER_BUILD:-tests}" = release ]; then
  swift build -c release --product privagg-flower >/dev/null
  swift build -c release --product privagg >/dev/null
  BIN="$(swift build -c release --show-bin-path)"
else
  # By product: a build of every target would also build swift-protobuf's protoc (711 C++
  # files) for its build plugin, which nothing here uses.
  swift build --product privagg-flower >/dev/null
  swift build --product privagg >/dev/null
  BIN="$(swift build --show-bin-path)"
fi
[ -x "$BIN/privagg-flower" ] || fail "privagg-flower was not built"

# A free loopback port.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

# The SuperLink: Fleet, Control and Runtime HTTP APIs on one port; the ServerApp uses this venv
# (no `uv sync` of the app's dependencies at run time).
setsid flower-superlink --insecure --host 127.0.0.1 --port "$PORT" --disable-runtime-dependency-installation \
  >"$WORK/superlink.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 || fail "the SuperLink did not come up on 127.0.0.1:$PORT"

# The sites: DP-SGD with privagg train's defaults, one ledger folder, the reference seed.
for site in "${SITES[@]}"; do
  setsid "$BIN/privagg" flower-node --superlink "127.0.0.1:$PORT" --site "$site" --insecure \
    --ledger-dir "$WORK/ledgers" --privacy dp-sgd --seed "$SEED" >"$WORK/node-$site.log" 2>&1 &
  PIDS+=($!)
done

# 2. Every node joins.
joined=0
for _ in $(seq $((JOIN_SECONDS * 2))); do
  joined="$(cat "$WORK"/node-*.log 2>/dev/null | grep -c "registered and activated" || true)"
  [ "$joined" -ge 4 ] && break
  for pid in "${PIDS[@]:1}"; do kill -0 "$pid" 2>/dev/null || fail "a privagg flower-node process exited before joining"; done
  sleep 0.5
done
[ "$joined" -ge 4 ] || fail "only $joined of 4 nodes joined the SuperLink within ${JOIN_SECONDS}s"
echo "flower-interop: 4 nodes joined the flwr $FLWR_VERSION SuperLink on 127.0.0.1:$PORT"

# The ServerApp, through the Control API.
cat >"$FLWR_HOME/config.toml" <<EOF
[superlink]
default = "interop"

[superlink.interop]
address = "127.0.0.1:$PORT"
insecure = true
EOF
RESULT="$WORK/result.json"
flwr run "$ROOT/interop/flower/app" interop \
  --run-config "num-server-rounds=$ROUNDS min-nodes=4 result-file=\"$RESULT\"" >"$WORK/flwr-run.log" 2>&1 \
  || fail "flwr run could not start the ServerApp"
started=$SECONDS
while [ ! -s "$RESULT" ]; do
  status="$(flwr ls interop --format json 2>/dev/null | python3 -c 'import json,sys; runs=json.load(sys.stdin).get("runs",[]); print(runs[0]["status"]+" "+runs[0].get("status-details","") if runs else "")' 2>/dev/null || true)"
  case "$status" in finished:failed*|finished:stopped*) fail "the ServerApp run ended: $status" ;; esac
  [ $((SECONDS - started)) -lt "$RUN_SECONDS" ] || fail "the ServerApp did not finish $ROUNDS rounds within ${RUN_SECONDS}s"
  sleep 1
done
sleep 1  # the file is written in one go, but let the writer close it

# PrivAgg's own FedAvg, in process, with the same settings (plain aggregation, as Flower's FedAvg).
"$BIN/privagg" train --dataset heart-disease --aggregator plain --privacy dp-sgd --rounds "$ROUNDS" --seed "$SEED" \
  --ledger-dir "$WORK/reference-ledgers" --format json >"$WORK/reference.json" 2>"$WORK/reference.log" \
  || fail "privagg train (the reference run) failed"

# 3.–5.
for site in "${SITES[@]}"; do
  "$BIN/privagg" report "$WORK/ledgers/$site.ledger" --format csv >"$WORK/ledger-$site.csv" \
    || fail "could not read the ledger of $site"
done
python3 - "$RESULT" "$WORK/reference.json" "$ROUNDS" "$TOLERANCE" "$WORK" "${SITES[@]}" <<'EOF'
import csv, json, sys
result_path, reference_path, rounds, tolerance, work, *sites = sys.argv[1:]
rounds, tolerance = int(rounds), float(tolerance)
result = json.load(open(result_path))
reference = json.load(open(reference_path))
problems = []
for r in range(1, rounds + 1):
    replies = result["replies"].get(str(r), {})
    errors = result["errors"].get(str(r), {})
    if replies.get("train") != 4 or replies.get("evaluate") != 4:
        problems.append(f"round {r}: replies {replies}, expected 4 train and 4 evaluate")
    for phase, reasons in errors.items():
        if reasons:
            problems.append(f"round {r} {phase}: error replies {reasons}")
    if str(r) not in result["evaluate_metrics"] or str(r) not in result["train_metrics"]:
        problems.append(f"round {r}: no aggregated train/evaluate metrics")
final = result["evaluate_metrics"].get(str(rounds), {})
ref_round = reference["rounds"][-1]
flower_accuracy, flower_loss = final.get("accuracy"), final.get("loss")
ref_accuracy, ref_loss = reference["final_accuracy"], ref_round["loss"]
if len(reference["rounds"]) != rounds:
    problems.append(f"the reference run completed {len(reference['rounds'])} of {rounds} rounds")
if flower_accuracy is None or abs(flower_accuracy - ref_accuracy) > tolerance:
    problems.append(f"final accuracy: Flower {flower_accuracy} vs privagg train {ref_accuracy} (tolerance {tolerance})")
if flower_loss is None or abs(flower_loss - ref_loss) > tolerance:
    problems.append(f"final loss: Flower {flower_loss} vs privagg train {ref_loss} (tolerance {tolerance})")
for site in sites:
    rows = list(csv.reader(open(f"{work}/ledger-{site}.csv")))[1:]
    if len(rows) != rounds:
        problems.append(f"ledger of {site}: {len(rows)} spends, expected {rounds} (one per round)")
seconds = result.get("round_seconds", {})
print(f"flower-interop: {rounds} rounds over 4 PrivAgg sites; final accuracy Flower {flower_accuracy:.6f}, "
      f"privagg train {ref_accuracy:.6f}; loss {flower_loss:.6f} vs {ref_loss:.6f}; "
      f"round seconds {', '.join(f'{v:.2f}' for v in seconds.values())}; one ledger spend per round per site")
if problems:
    print("flower-interop: FAIL:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
EOF
echo "flower-interop: OK"
