#!/usr/bin/env bash
# Runs `privagg bench secagg` and Flower's SecAgg+ primitives (secagg_flower.py) back to back
# at one point and prints both results with the ratios, as one JSON object.
#
#   Benchmarks/peers/secagg-vs-flower.sh CLIENTS NEIGHBORS DIMENSION DROPOUT
#
# The Flower venv is Benchmarks/peers/.venv (created from requirements-secagg.txt on first
# use); set VENV=/path/to/venv to reuse another one. SERVER_SAMPLE=0.1 times Flower's server
# loop on 10% of the survivors and of the dropped clients and scales each group (its pure-Python
# Shamir reconstruction takes minutes at 1,000 clients); the default 1.0 runs the full loop.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 CLIENTS NEIGHBORS DIMENSION DROPOUT" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${VENV:-$here/.venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements-secagg.txt"
fi
(cd "$root" && swift build -c release --product privagg >/dev/null)
ours=$("$root/.build/release/privagg" bench secagg --clients "$1" --neighbors "$2" --dimension "$3" --dropout "$4" --format json)
threshold=$(printf '%s' "$ours" | python3 -c 'import json, sys; print(json.load(sys.stdin)["threshold"])')
peer=$("$venv/bin/python" "$here/secagg_flower.py" --clients "$1" --neighbors "$2" --dimension "$3" --dropout "$4" --threshold "$threshold" --server-sample "${SERVER_SAMPLE:-1.0}")
python3 - "$ours" "$peer" <<'PY'
import json, sys
ours, flower = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = lambda a, b: round(a / b, 2) if b else None
print(json.dumps({
    "privagg": ours,
    "flower": flower,
    "ratios": {
        "client_mask_vs_raw_keystream": ratio(ours["client_mask_seconds"], ours["keystream_seconds"]),
        "flower_client_mask_over_ours": ratio(flower["client_mask_seconds"], ours["client_mask_seconds"]),
        "flower_client_expansion_over_ours": ratio(flower["client_expansion_seconds"], ours["client_mask_seconds"]),
        "flower_server_unmask_over_ours": ratio(flower["server_unmask_seconds"], ours["server_unmask_seconds"]),
        "flower_server_mask_only_over_ours": ratio(flower["server_mask_seconds"], ours["server_unmask_seconds"]),
    },
}, indent=2, sort_keys=True))
PY
