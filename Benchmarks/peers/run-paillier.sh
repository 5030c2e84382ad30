#!/usr/bin/env bash
# Paillier: python-paillier 1.5.0 (with gmpy2) against `privagg bench paillier`, in the
# same run on the same machine, at 2048 and 3072 bits. Prints both and the ratios
# (peer time / our time; > 1 means PrivAgg is faster).
#   Benchmarks/peers/run-paillier.sh [BITS...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2048 3072)

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet phe==1.5.0 gmpy2
(cd "$root" && swift build -c release --product privagg >/dev/null)
privagg="$root/.build/release/privagg"

peer_json="$(mktemp)"; ours_json="$(mktemp)"
trap 'rm -f "$peer_json" "$ours_json"' EXIT
echo "{" > "$ours_json"
first=1
for bits in "${sizes[@]}"; do
  [ $first -eq 1 ] || echo "," >> "$ours_json"
  first=0
  printf '"%s": ' "$bits" >> "$ours_json"
  "$privagg" bench paillier --keysize "$bits" --format json >> "$ours_json"
done
echo "}" >> "$ours_json"
"$venv/bin/python" "$here/paillier_phe.py" "${sizes[@]}" > "$peer_json"

"$venv/bin/python" - "$peer_json" "$ours_json" <<'PY'
import json, sys
peer = json.load(open(sys.argv[1])); ours = json.load(open(sys.argv[2]))
print(f"python-paillier {peer['peer']} ({peer['backend']}) vs privagg, same run")
rows = [
    ("encrypt ms/ciphertext (fast, 1 core)", "encrypt_ms_per_ciphertext", "encrypt_ms_per_ciphertext"),
    ("encrypt ms/value (packed)", "encrypt_ms_per_ciphertext", "encrypt_ms_per_value_packed"),
    ("decrypt ms/ciphertext", "decrypt_ms_per_ciphertext", "decrypt_ms_per_ciphertext"),
    ("decrypt ms/value (packed)", "decrypt_ms_per_ciphertext", "decrypt_ms_per_value_packed"),
    ("add µs (1 core)", "add_us", "add_us"),
    ("add µs (within a sum, all cores)", "add_us", "add_us_all_cores"),
]
for bits in ours:
    print(f"\n{bits}-bit n ({ours[bits]['slots_per_ciphertext']} packed values per ciphertext)")
    print(f"  {'operation':40} {'phe':>10} {'privagg':>10} {'ratio':>8}")
    for label, peer_key, our_key in rows:
        p, o = peer[bits][peer_key], ours[bits][our_key]
        print(f"  {label:40} {p:10.4f} {o:10.5f} {p / o:7.1f}x")
PY
