#!/usr/bin/env python3
"""Writes the golden values for PrivAgg's PLD accountant from Google's dp_accounting.

Library: dp_accounting==0.6.0 (PyPI), numpy, scipy; Python 3.11.
Run:
  python3 -m venv /tmp/venv-dp && /tmp/venv-dp/bin/pip install dp-accounting==0.6.0
  /tmp/venv-dp/bin/python scripts/generate_pld_golden.py Tests/PrivacyAccountingTests/Golden

File written: pld_grid.tsv, one row per (mechanism, parameters, count T, discretization h,
query). `query` is `epsilon` (value = ε at `input` = δ) or `delta` (value = δ at `input` = ε).
  pessimistic   dp_accounting's pessimistic estimate (connect-the-dots where dp_accounting
                offers it: every mechanism here), the PLDAccountant's answer;
  optimistic    dp_accounting's optimistic estimate (losses rounded down): a lower bound.
  exact         the closed form where one exists (Gaussian: N(0, σ²) composed T times is the
                Gaussian with σ/√T), else nan.
Mechanisms (add/remove-one unless noted; sensitivity 1 unless a parameter says otherwise):
  gaussian(sigma), laplace(scale), poisson_gaussian(q, sigma), discrete_laplace(scale, shift)
  (dp_accounting parameter = 1/scale), discrete_gaussian(sigma, shift),
  randomized_response(p, k) (replace-one).
"""
import math
import os
import sys

import numpy as np
from scipy import stats
from dp_accounting.pld import privacy_loss_distribution as pld


def gaussian_delta(sigma, eps):
    return stats.norm.cdf(-eps * sigma + 1 / (2 * sigma)) - math.exp(eps) * stats.norm.cdf(-eps * sigma - 1 / (2 * sigma))


def gaussian_eps(sigma, delta):
    lo, hi = 0.0, 500.0
    if gaussian_delta(sigma, 0.0) <= delta:
        return 0.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if gaussian_delta(sigma, mid) > delta:
            lo = mid
        else:
            hi = mid
    return hi


def build(kind, params, count, h, pessimistic):
    if kind == "gaussian":
        (sigma,) = params
        # dp_accounting's accountant composes Gaussians exactly: σ/√T.
        return pld.from_gaussian_mechanism(sigma / math.sqrt(count), pessimistic_estimate=pessimistic,
                                           value_discretization_interval=h)
    if kind == "laplace":
        (scale,) = params
        d = pld.from_laplace_mechanism(scale, pessimistic_estimate=pessimistic, value_discretization_interval=h)
    elif kind == "poisson_gaussian":
        q, sigma = params
        d = pld.from_gaussian_mechanism(sigma, pessimistic_estimate=pessimistic, value_discretization_interval=h,
                                        sampling_prob=q)
    elif kind == "discrete_laplace":
        scale, shift = params
        d = pld.from_discrete_laplace_mechanism(1 / scale, sensitivity=int(shift), pessimistic_estimate=pessimistic,
                                                value_discretization_interval=h, use_connect_dots=pessimistic)
    elif kind == "discrete_gaussian":
        sigma, shift = params
        d = pld.from_discrete_gaussian_mechanism(sigma, sensitivity=int(shift), pessimistic_estimate=pessimistic,
                                                 value_discretization_interval=h, use_connect_dots=pessimistic)
    elif kind == "randomized_response":
        p, k = params
        d = pld.from_randomized_response(p, int(k), pessimistic_estimate=pessimistic, value_discretization_interval=h)
    else:
        raise ValueError(kind)
    return d.self_compose(count) if count > 1 else d


CASES = [
    ("gaussian", (0.5,), [1, 10]), ("gaussian", (1.0,), [1, 10, 100]), ("gaussian", (3 ** 0.5,), [3]),
    ("gaussian", (2.0,), [1, 100]),
    ("laplace", (1.0,), [1, 10]), ("laplace", (2.0,), [1, 30]),
    ("poisson_gaussian", (0.01, 1.0), [100, 1000]), ("poisson_gaussian", (0.1, 1.0), [10, 100]),
    ("poisson_gaussian", (0.2, 0.5), [3]), ("poisson_gaussian", (0.1, 2.0), [100]),
    ("poisson_gaussian", (0.05, 0.8), [100]),
    ("discrete_laplace", (1.0, 1), [1, 10]), ("discrete_laplace", (2.0, 3), [1, 20]),
    ("discrete_gaussian", (1.0, 1), [1, 10]), ("discrete_gaussian", (3.0, 2), [1, 20]),
    ("randomized_response", (0.5, 2), [1, 50]), ("randomized_response", (0.2, 4), [1, 10]),
]
DELTAS = [1e-3, 1e-5]
EPSILONS = [0.5, 1.0, 2.0]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/PrivacyAccountingTests/Golden"
    rows = []
    for kind, params, counts in CASES:
        for count in counts:
            # The accountant's default grid for small cases; a 1e-3 grid keeps the large
            # Poisson compositions quick in a debug-build test.
            h = 1e-3 if kind == "poisson_gaussian" and count >= 100 else 1e-4
            pess = build(kind, params, count, h, True)
            opt = build(kind, params, count, h, False)
            for delta in DELTAS:
                exact = gaussian_eps(params[0] / math.sqrt(count), delta) if kind == "gaussian" else math.nan
                rows.append((kind, params, count, h, "epsilon", delta, pess.get_epsilon_for_delta(delta),
                             opt.get_epsilon_for_delta(delta), exact))
            for eps in EPSILONS:
                exact = gaussian_delta(params[0] / math.sqrt(count), eps) if kind == "gaussian" else math.nan
                rows.append((kind, params, count, h, "delta", eps, pess.get_delta_for_epsilon(eps),
                             opt.get_delta_for_epsilon(eps), exact))
    path = os.path.join(out, "pld_grid.tsv")
    with open(path, "w") as f:
        f.write("# dp_accounting 0.6.0 PLD (scripts/generate_pld_golden.py); query epsilon: value = eps at input = delta,\n")
        f.write("# query delta: value = delta at input = eps; params: p1, p2 (nan when unused)\n")
        f.write("mechanism\tp1\tp2\tcount\th\tquery\tinput\tpessimistic\toptimistic\texact\n")
        for kind, params, count, h, query, inp, pv, ov, ex in rows:
            p1 = params[0]
            p2 = params[1] if len(params) > 1 else math.nan
            f.write(f"{kind}\t{p1!r}\t{p2!r}\t{count}\t{h!r}\t{query}\t{inp!r}\t{float(pv)!r}\t{float(ov)!r}\t{float(ex)!r}\n")
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    main()
