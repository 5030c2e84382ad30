#!/usr/bin/env bash
# Regenerates the pheutil interop fixtures in this folder.
#
# Needs python-paillier 1.5.0 (pheutil) with gmpy2 and, for the files of ours,
# a built privagg:
#   python3 -m venv /tmp/venv-phe && /tmp/venv-phe/bin/pip install phe==1.5.0 gmpy2 click
#   swift build --product privagg
#   PHEUTIL=/tmp/venv-phe/bin/pheutil PRIVAGG=.build/debug/privagg Tests/PaillierTests/Fixtures/make_fixtures.sh
#
# Writes:
#   phe-<bits>-private.json / phe-<bits>-public.json      keys made by pheutil
#   phe-<bits>-<name>.json                               ciphertexts made by pheutil
#   privagg-2048-private.json / -public.json / -<name>.json  files made by privagg
#   expected.tsv   file <TAB> what `pheutil decrypt` prints for it (pheutil is the oracle
#                  for both tools' files)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
PHEUTIL="${PHEUTIL:?set PHEUTIL to the pheutil binary (phe 1.5.0)}"
PRIVAGG="${PRIVAGG:?set PRIVAGG to the privagg binary}"
cd "$here"
rm -f phe-*.json privagg-*.json expected.tsv

decrypt_row() { # private-key file, ciphertext file
  printf '%s\t%s\n' "$2" "$("$PHEUTIL" decrypt "$1" "$2" 2>/dev/null)" >> expected.tsv
}

for bits in 2048 3072; do
  "$PHEUTIL" genpkey --keysize "$bits" --id "privagg fixture" "phe-$bits-private.json" 2>/dev/null
  "$PHEUTIL" extract "phe-$bits-private.json" "phe-$bits-public.json" 2>/dev/null
  pub="phe-$bits-public.json" priv="phe-$bits-private.json"
  "$PHEUTIL" encrypt --output "phe-$bits-a.json" "$pub" 42 2>/dev/null
  "$PHEUTIL" encrypt --output "phe-$bits-b.json" "$pub" -- -12.5 2>/dev/null
  "$PHEUTIL" encrypt --output "phe-$bits-c.json" "$pub" 3.14159 2>/dev/null
  "$PHEUTIL" addenc --output "phe-$bits-a-plus-b.json" "$pub" "phe-$bits-a.json" "phe-$bits-b.json" 2>/dev/null
  "$PHEUTIL" multiply --output "phe-$bits-c-times-minus-3.json" "$pub" "phe-$bits-c.json" -- -3 2>/dev/null
  "$PHEUTIL" add --output "phe-$bits-b-plus-0.25.json" "$pub" "phe-$bits-b.json" 0.25 2>/dev/null
  for name in a b c a-plus-b c-times-minus-3 b-plus-0.25; do decrypt_row "$priv" "phe-$bits-$name.json"; done
done

"$PRIVAGG" paillier genpkey --keysize 2048 "privagg-2048-private.json"
"$PRIVAGG" paillier extract "privagg-2048-private.json" "privagg-2048-public.json"
pub=privagg-2048-public.json priv=privagg-2048-private.json
"$PRIVAGG" paillier encrypt --output privagg-2048-a.json "$pub" 1000000
"$PRIVAGG" paillier encrypt --output privagg-2048-b.json "$pub" -- -0.125
"$PRIVAGG" paillier addenc --output privagg-2048-a-plus-b.json "$pub" privagg-2048-a.json privagg-2048-b.json
"$PRIVAGG" paillier multiply --output privagg-2048-b-times-7.5.json "$pub" privagg-2048-b.json 7.5
"$PRIVAGG" paillier sum --output privagg-2048-sum.json "$pub" privagg-2048-a.json privagg-2048-b.json privagg-2048-b-times-7.5.json
for name in a b a-plus-b b-times-7.5 sum; do decrypt_row "$priv" "privagg-2048-$name.json"; done
echo "fixtures written to $here (phe $("$PHEUTIL" --version 2>&1 | tail -1))"
