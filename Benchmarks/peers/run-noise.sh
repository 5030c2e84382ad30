#!/bin/sh
# Same-run comparison: privagg noise (release build, 10^6 samples incl. printing) vs OpenDP 0.16.0.
set -e
cd "$(dirname "$0")/../.."
swift build -c release --product privagg >/dev/null
for spec in "discrete-gaussian 10" "discrete-gaussian 1000" "gaussian 10"; do
  set -- $spec
  /usr/bin/time -f "privagg $1 sigma=$2: %e s per 1e6 samples" .build/release/privagg noise --mechanism "$1" --scale "$2" --count 1000000 --seed 1 >/dev/null
done
[ -x /tmp/venv-opendp/bin/python ] || { python3 -m venv /tmp/venv-opendp && /tmp/venv-opendp/bin/pip install -q opendp==0.16.0; }
/tmp/venv-opendp/bin/python Benchmarks/peers/opendp_noise.py 100000
