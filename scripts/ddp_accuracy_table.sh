#!/usr/bin/env bash
# The accuracy table of issue 17: FedAvg with distributed DP (DDG and Skellam at 8, 12, 16 and
# 20 bits, SecAgg) against central DP (DP-FedAvg, client rate 1) at the same noise multiplier z,
# on heart disease and on synthetic data with d = 10^4. Central DP at the same z is the central
# Gaussian with the same total noise, so its ε is the one the distributed runs report beside
# theirs (`central_gaussian_epsilon`); the distributed ε is higher by what rounding costs.
#
# Usage: scripts/ddp_accuracy_table.sh [PRIVAGG]   (default .build/debug/privagg; about 8
# minutes on 2 shared cores, most of it the heart-disease Skellam runs)
# Every run is seeded (--seed 1) and writes its ledgers to a fresh temporary folder.
set -euo pipefail
privagg=${1:-.build/debug/privagg}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # label, then privagg train arguments; prints one Markdown row
    local label=$1; shift
    local out="$work/$RANDOM$RANDOM.json"
    "$privagg" train --seed 1 --epsilon-budget 1000 --ledger-dir "$work/ledgers-$RANDOM$RANDOM" --format json "$@" >"$out"
    python3 - "$label" "$out" <<'EOF'
import json, sys
label, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
central = r.get("central_gaussian_epsilon")
print(f"| {label} | {r['final_accuracy']:.3f} | {r['epsilon']:.3f} | {'' if central is None else f'{central:.3f}'} |")
EOF
}

table() {  # title, Skellam bit widths (may be empty), then the data arguments
    local title=$1 skellam_bits=$2; shift 2
    echo
    echo "### $title"
    echo
    echo "| mechanism | accuracy | ε (record level, per site) | ε of the central Gaussian with the same noise |"
    echo "|---|---|---|---|"
    run "central DP (server noise)" "$@" --privacy central --aggregator secagg
    for bits in 8 12 16 20; do
        run "ddg, $bits bits" "$@" --privacy distributed --mechanism ddg --bits "$bits" --aggregator secagg
    done
    for bits in $skellam_bits; do
        run "skellam, $bits bits" "$@" --privacy distributed --mechanism skellam --bits "$bits" --aggregator secagg
    done
}

table "Heart disease (4 sites, logistic, 20 rounds, z = 4, clip 1)" "8 12 16 20" \
    --dataset heart-disease --rounds 20 --noise-multiplier 4 --clip-norm 1
# Skellam is left out at d = 10^4: its Poisson sampler's time is linear in μ, so 16,384
# coordinates × 10 clients × 5 rounds take hours in a debug build.
table "Synthetic, d = 10^4 (10 clients × 100 records, logistic, 5 rounds, z = 4, clip 1)" "" \
    --dataset synthetic --dimension 10000 --clients 10 --rounds 5 --noise-multiplier 4 --clip-norm 1
