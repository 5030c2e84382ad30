#!/usr/bin/env bash
# PrivAgg's exact noise samplers against OpenDP 0.16.0, same vectors, same run, one core:
# discrete Gaussian (σ = 10, 1000) and the float Gaussian (PrivAgg: grid Gaussian through
# the discrete sampler; OpenDP: its float Gaussian), vectors of N samples (default 10^6).
# Usage: Benchmarks/peers/run-noise.sh [N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-1000000}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c 'import opendp' 2>/dev/null || "$venv/bin/pip" install --quiet 'opendp==0.16.0'
(cd "$root" && swift build -c release --product privagg >/dev/null)
binary="$(cd "$root" && swift build -c release --show-bin-path)/privagg"
ours="$("$binary" bench noise --count "$n" --repetitions 3 --format json)"
peer="$("$venv/bin/python" "$here/opendp_noise.py" "$n" --json)"
python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rates = {f"{r['name']} {r['scale']:g}": r["samples_per_second"] for r in ours["results"]}
print(f"Noise samplers, vectors of {peer['count']} samples, one core (PrivAgg: {ours['generator']}, best of {ours['repetitions']})")
print(f"  {'case':26s} {'PrivAgg/s':>12s} {'OpenDP/s':>12s} {'ratio':>8s}")
for key, theirs in peer["samples_per_second"].items():
    print(f"  {key:26s} {rates[key]:12.0f} {theirs:12.0f} {rates[key] / theirs:7.1f}x")
PY
