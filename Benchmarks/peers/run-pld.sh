#!/usr/bin/env bash
# PrivAgg's PLD accountant against dp_accounting 0.6.0's PLD (value_discretization_interval
# 1e-4) and Microsoft's prv_accountant 0.2.0 (eps_error 0.01; the PRV accountant Opacus ports),
# plus both RDP accountants and PrivAgg's FFT against numpy's, same query, same run.
# Usage: Benchmarks/peers/run-pld.sh [q sigma steps delta]   (default 0.01 1.0 10000 1e-5)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench="$(cd "$here/.." && pwd)"
q="${1:-0.01}" sigma="${2:-1.0}" steps="${3:-10000}" delta="${4:-1e-5}"
venv="${PEERS_VENV:-$here/.venv}"  # PEERS_VENV: use an existing environment
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c 'import dp_accounting' 2>/dev/null || "$venv/bin/pip" install --quiet 'dp_accounting==0.6.0'
"$venv/bin/python" -c 'import prv_accountant' 2>/dev/null || "$venv/bin/pip" install --quiet 'prv-accountant==0.2.0'
(cd "$bench" && swift build -c release --product AccountingTiming >/dev/null)
binary="$(cd "$bench" && swift build -c release --show-bin-path)/AccountingTiming"
args=(--sampling-rate "$q" --noise-multiplier "$sigma" --steps "$steps" --delta "$delta")
pld="$("$binary" "${args[@]}" --accountant pld --seconds 3)"
rdp="$("$binary" "${args[@]}" --accountant rdp --seconds 2)"
fft18="$("$binary" --fft 262144 --seconds 1)"
fft19="$("$binary" --fft 524288 --seconds 1)"
peer="$("$venv/bin/python" "$here/pld_peer.py" "${args[@]}" --seconds 3)"
python3 - "$pld" "$rdp" "$fft18" "$fft19" "$peer" "$q" "$sigma" "$steps" "$delta" <<'PY'
import json, sys
pld, rdp, f18, f19, peer = (json.loads(x) for x in sys.argv[1:6])
q, sigma, steps, delta = sys.argv[6:]
print(f"ε query: DP-SGD q={q} σ={sigma} T={steps} δ={delta} (fresh accountant per query)")
print(f"  PrivAgg PLD (h=1e-4)        {pld['ms_per_query']:10.2f} ms  ε ∈ [{pld['epsilon_lower']:.6f}, {pld['epsilon']:.6f}]")
print(f"  dp_accounting PLD (h=1e-4)  {peer['pld_ms']:10.2f} ms  ε = {peer['pld_epsilon']:.6f}"
      f"   speed-up {peer['pld_ms'] / pld['ms_per_query']:.1f}x, ε_upper relative difference {(pld['epsilon'] - peer['pld_epsilon']) / peer['pld_epsilon']:+.2e}")
if peer.get("prv_ms") is not None:
    print(f"  prv_accountant (eps_error 0.01) {peer['prv_ms']:6.2f} ms  ε = {peer['prv_epsilon']:.6f} "
          f"[{peer['prv_epsilon_lower']:.6f}, {peer['prv_epsilon_upper']:.6f}]   speed-up {peer['prv_ms'] / pld['ms_per_query']:.1f}x")
print(f"  PrivAgg RDP                 {rdp['ms_per_query']:10.4f} ms  ε = {rdp['epsilon']:.6f}")
print(f"  dp_accounting RDP           {peer['rdp_ms']:10.4f} ms  ε = {peer['rdp_epsilon']:.6f}   speed-up {peer['rdp_ms'] / rdp['ms_per_query']:.1f}x")
for n, ours in ((262144, f18), (524288, f19)):
    theirs = peer["numpy_fft_ms"][str(n)]
    print(f"  real FFT round trip N={n}: PrivAgg {ours['ms_per_round_trip']:.2f} ms, numpy {theirs:.2f} ms ({theirs / ours['ms_per_round_trip']:.2f}x)")
PY
