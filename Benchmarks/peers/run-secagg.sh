#!/usr/bin/env bash
# Secure aggregation against Flower's SecAgg+ primitives at the two reported points:
# (100 clients, 20 neighbours, 10^5 entries, 10% dropout) and (1,000 clients, the SecAgg+
# rule's 50 neighbours, 10^5 entries, 10% dropout; Flower's server loop sampled at 10%).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/secagg-vs-flower.sh" 100 20 100000 0.1
SERVER_SAMPLE="${SERVER_SAMPLE:-0.1}" "$here/secagg-vs-flower.sh" 1000 50 100000 0.1
