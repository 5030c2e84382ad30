"""OpenDP 0.16.0 peer timing for PrivAgg's exact noise samplers (vector of N samples).

Usage: opendp_noise.py [N] [--json]     (N defaults to 1,000,000)
Times OpenDP's discrete Gaussian (sigma 10 and 1000, integer vectors) and float Gaussian
(sigma 10, float vectors) measurements making one vector of N samples each, single core.
Prints samples/s (text, or one JSON object keyed like `privagg bench noise`).
"""
import json
import sys
import time

import opendp.prelude as dp

dp.enable_features("contrib")
args = [a for a in sys.argv[1:] if not a.startswith("--")]
n = int(args[0]) if args else 1_000_000


def rate(space, scale, value):
    m = dp.m.make_gaussian(*space, scale=scale)
    start = time.perf_counter()
    m(value)
    return n / (time.perf_counter() - start)


int_space = (dp.vector_domain(dp.atom_domain(T=int), size=n), dp.l2_distance(T=int))
float_space = (dp.vector_domain(dp.atom_domain(T=float, nan=False), size=n), dp.l2_distance(T=float))
results = {
    "discrete_gaussian 10": rate(int_space, 10.0, [0] * n),
    "discrete_gaussian 1000": rate(int_space, 1000.0, [0] * n),
    "grid_gaussian 10": rate(float_space, 10.0, [0.0] * n),
}
if "--json" in sys.argv:
    print(json.dumps({"count": n, "samples_per_second": results}))
else:
    for key, value in results.items():
        print(f"opendp {key:24s} {value:12.0f} samples/s")
