#!/usr/bin/env bash
# The accuracy table of issue 17: FedAvg with distributed DP (DDG and Skellam at 8, 12, 16 and
# 20 bits, SecAgg) against central DP (DP-FedAvg, client rate 1) at the same noise multiplier z,
# on heart disease and on synthetic data with d = 10^4. Central DP at the same z is the central
# Gaussian with the same total noise, so its ε is the one the distributed runs report beside
# theirs (`central_gaussian_epsilon`); the distributed ε is higher by what rounding costs.
#
# A first row without privacy shows what the data allow at all.
#
# Usage: scripts/ddp_accuracy_table.sh [PRIVAGG]   (default .build/debug/privagg; use a release
# build, `swift build -c release --product privagg` then .build/release/privagg: the Skellam
# rows at d = 10^4 draw 2 × 16,384 × 10 × 5 Poisson samples of mean up to 2^19 each, seconds
# in release and most of an hour in a debug build)
# Every run is seeded (--seed 1) and writes its ledgers to a fresh temporary folder.
set -euo pipefail
privagg=${1:-.build/debug/privagg}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # label, then privagg train arguments; prints one Markdown row
    local label=$1; shift
    local out="$work/$RANDOM$RANDOM.json"
    local -a ledger=(--epsilon-budget 1000 --ledger-dir "$work/ledgers-$RANDOM$RANDOM")
    [[ " $* " == *" --privacy none "* ]] && ledger=()  # no ledger without privacy
    "$privagg" train --seed 1 "${ledger[@]}" --format json "$@" >"$out"
    python3 - "$label" "$out" <<'EOF'
import json, sys
label, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
central = r.get("central_gaussian_epsilon")
epsilon = r.get("epsilon")
print(f"| {label} | {r['final_accuracy']:.3f} | {'' if epsilon is None else f'{epsilon:.3f}'} | {'' if central is None else f'{central:.3f}'} |")
EOF
}

table() {  # title, Skellam bit widths, the noise arguments (one word list), then the data arguments
    local title=$1 skellam_bits=$2; local -a noise
    read -r -a noise <<<"$3"
    shift 3
    echo
    echo "### $title"
    echo
    echo "| mechanism | accuracy | ε (record level, per site) | ε of the central Gaussian with the same noise |"
    echo "|---|---|---|---|"
    run "no privacy (reference)" "$@" --privacy none --aggregator secagg
    run "central DP (server noise)" "$@" "${noise[@]}" --privacy central --aggregator secagg
    for bits in 8 12 16 20; do
        run "ddg, $bits bits" "$@" "${noise[@]}" --privacy distributed --mechanism ddg --bits "$bits" --aggregator secagg
    done
    for bits in $skellam_bits; do
        run "skellam, $bits bits" "$@" "${noise[@]}" --privacy distributed --mechanism skellam --bits "$bits" --aggregator secagg
    done
}

table "Heart disease (4 sites, logistic, 20 rounds, z = 4, clip 1)" "8 12 16 20" "--noise-multiplier 4 --clip-norm 1" \
    --dataset heart-disease --rounds 20
table "Synthetic, d = 10^4 (10 clients × 100 records, logistic, 5 rounds, z = 4, clip 1)" "8 12 16 20" "--noise-multiplier 4 --clip-norm 1" \
    --dataset synthetic --dimension 10000 --clients 10 --rounds 5
# A synthetic setting the data and the noise leave learnable (see the Kairouz 2021 page): the
# averaged update's noise has norm z·c·√(d+1)/n per round against a signal of at most c.
table "Synthetic, d = 100 (10 clients × 100 records, logistic, 20 rounds, z = 1, clip 1)" "8 12 16 20" "--noise-multiplier 1 --clip-norm 1" \
    --dataset synthetic --dimension 100 --clients 10 --rounds 20
