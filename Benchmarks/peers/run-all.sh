#!/usr/bin/env bash
# Runs every peer comparison in Benchmarks/peers (run-*.sh): each script installs its
# Python peer into Benchmarks/peers/.venv (from PyPI), times the peer and PrivAgg in the
# same run, and prints the ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
status=0
for script in "$here"/run-*.sh; do
  [ "$script" = "$here/run-all.sh" ] && continue
  [ -f "$script" ] || continue
  echo "== $(basename "$script")"
  bash "$script" || { echo "!! $(basename "$script") failed" >&2; status=1; }
done
exit $status
