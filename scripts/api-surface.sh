#!/usr/bin/env bash
# Public API surface per library product: the number of public symbols in each library
# module's symbol graph (synthesized members skipped, so a Codable conformance counts as one
# conformance rather than its generated members). Builds the package in debug first.
#   scripts/api-surface.sh [CHECKOUT]   # table on stdout; CHECKOUT defaults to this one
# Not run in CI: used to quote before/after figures for structural changes (issue 14).
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root"
libraries=(Sodium Bignum PrivacyAccounting DifferentialPrivacy SecureAggregation Paillier FedAvg)
out="$(swift package dump-symbol-graph --minimum-access-level public --skip-synthesized-members 2>&1 | tail -1)"
dir="${out##* }"
[ -d "$dir" ] || { echo "symbol graphs not found: $out" >&2; exit 1; }
printf '%-22s %8s\n' module symbols
total=0
for module in "${libraries[@]}"; do
  # The module's own graph plus its extension graphs (Module@Other.symbols.json) count;
  # graphs other modules emit for extensions of it do not.
  n=$(python3 - "$dir" "$module" <<'PY'
import json, glob, os, sys
d, m = sys.argv[1], sys.argv[2]
count = 0
for path in [os.path.join(d, f"{m}.symbols.json")] + glob.glob(os.path.join(d, f"{m}@*.symbols.json")):
    if os.path.exists(path):
        count += len(json.load(open(path))["symbols"])
print(count)
PY
)
  printf '%-22s %8d\n' "$module" "$n"
  total=$((total + n))
done
printf '%-22s %8d\n' total "$total"
