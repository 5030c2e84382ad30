"""OpenDP 0.16.0 peer timing for `privagg noise` samplers (vector of N samples).

Usage: python3 -m venv /tmp/venv-opendp && /tmp/venv-opendp/bin/pip install opendp==0.16.0
       /tmp/venv-opendp/bin/python Benchmarks/peers/opendp_noise.py [N]
Prints samples/s for the discrete Gaussian (sigma 10, 1000) and float Gaussian (sigma 10).
"""
import sys
import time

import opendp.prelude as dp

dp.enable_features("contrib")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


def rate(space, scale, value):
    m = dp.m.make_gaussian(*space, scale=scale)
    start = time.perf_counter()
    m(value)
    return n / (time.perf_counter() - start)


int_space = (dp.vector_domain(dp.atom_domain(T=int), size=n), dp.l2_distance(T=int))
float_space = (dp.vector_domain(dp.atom_domain(T=float, nan=False), size=n), dp.l2_distance(T=float))
print(f"opendp discrete_gaussian sigma=10   {rate(int_space, 10.0, [0] * n):.0f} samples/s")
print(f"opendp discrete_gaussian sigma=1000 {rate(int_space, 1000.0, [0] * n):.0f} samples/s")
print(f"opendp float_gaussian sigma=10      {rate(float_space, 10.0, [0.0] * n):.0f} samples/s")
