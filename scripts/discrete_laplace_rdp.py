#!/usr/bin/env python3
"""Golden values for Tests/PrivacyAccountingTests/DiscreteLaplaceRDPTests.swift.

The Renyi divergence of order a between the discrete Laplace P(k) ~ exp(-|k|/b) and its
shift by the integer s, by direct summation of the definition over |k| < 4000 (no
closed form), in double precision with Python's math module. Run: python3 scripts/discrete_laplace_rdp.py
"""
import math


def rdp(b, s, a):
    ks = range(-4000, 4000)
    z = sum(math.exp(-abs(k) / b) for k in ks)
    t = sum(math.exp(-(a * abs(k) + (1 - a) * abs(k - s)) / b) for k in ks) / z
    return math.log(t) / (a - 1)


for b, s, a in [(2, 1, 2), (0.5, 1, 3.5), (3, 2, 2), (10, 3, 1.5), (1, 5, 8), (50, 1, 32)]:
    print(f"({b}, {s}, {a}, {rdp(b, s, a)!r}),")
