#!/usr/bin/env bash
# PrivAgg's RDP accountant against Google's dp_accounting 0.6.0, same query, same run:
# ε for DP-SGD (q, σ, T steps) at δ with the default orders; prints ms/query, ε and the ratio.
# Usage: Benchmarks/peers/run-accounting.sh [q sigma steps delta]   (default 0.01 1.0 10000 1e-5)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench="$(cd "$here/.." && pwd)"
q="${1:-0.01}" sigma="${2:-1.0}" steps="${3:-10000}" delta="${4:-1e-5}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c 'import dp_accounting' 2>/dev/null || "$venv/bin/pip" install --quiet 'dp_accounting==0.6.0'
(cd "$bench" && swift build -c release --product AccountingTiming >/dev/null)
binary="$(cd "$bench" && swift build -c release --show-bin-path)/AccountingTiming"
args=(--sampling-rate "$q" --noise-multiplier "$sigma" --steps "$steps" --delta "$delta")
ours="$("$binary" "${args[@]}" --seconds 3)"
peer="$("$venv/bin/python" "$here/dp_accounting_peer.py" "${args[@]}" --seconds 5)"
python3 - "$ours" "$peer" "$q" "$sigma" "$steps" "$delta" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
q, sigma, steps, delta = sys.argv[3:]
print(f"RDP ε query: DP-SGD q={q} σ={sigma} T={steps} δ={delta}, default orders")
print(f"  PrivAgg        {ours['ms_per_query']:10.4f} ms/query  ε = {ours['epsilon']:.10g} (order {ours['optimal_order']:g})")
print(f"  dp_accounting  {peer['ms_per_query']:10.4f} ms/query  ε = {peer['epsilon']:.10g} (order {peer['optimal_order']:g})")
print(f"  speed-up       {peer['ms_per_query'] / ours['ms_per_query']:10.1f}x")
print(f"  ε relative difference {(ours['epsilon'] - peer['epsilon']) / peer['epsilon']:+.2e}"
      " (dp_accounting 0.6.0 sums |binomial| terms at fractional orders: an upper bound; PrivAgg's signed series is exact)")
PY
