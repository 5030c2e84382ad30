#!/usr/bin/env python3
"""Exact Rényi divergence of the shifted Skellam distribution, by direct summation in
multi-precision arithmetic, for PrivAgg's Skellam RDP tests.

Library: mpmath 1.4.1; Python 3.11.
Run:
  python3 -m venv /tmp/venv-dp && /tmp/venv-dp/bin/pip install mpmath
  /tmp/venv-dp/bin/python scripts/skellam_rdp_exact.py Tests/PrivacyAccountingTests/Golden

Skellam(μ, μ) = Poisson(μ) − Poisson(μ) (variance 2μ), P(k) = e^{−2μ} I_k(2μ). For an integer
shift s (a scalar query, ℓ1 = ℓ2 sensitivity s) the Rényi divergence of order α is
  D_α = log Σ_k P(k − s)^α P(k)^{1−α} / (α − 1),
summed at 60 digits over |k| ≤ K, with K where the terms have fallen below 1e-80 of the sum
(checked by doubling K). Also written: the Agarwal–Kairouz–Liu 2021 bound
  αs²/(2V) + min(((2α − 1)s² + 6s)/(4V²), 3s/(2V)), V = 2μ,
which PrivAgg implements (google-research/federated distributed_dp/accounting_utils.py).
File written: skellam_rdp.tsv (mu, shift, order, exact, akl_bound).
"""
import os
import sys

import mpmath

mpmath.mp.dps = 60


def log_pmf(mu, k):
    return -2 * mu + mpmath.log(mpmath.besseli(abs(k), 2 * mu))


def exact_rdp(mu, shift, alpha):
    mu = mpmath.mpf(mu)
    alpha = mpmath.mpf(alpha)

    def total(bound):
        s = mpmath.mpf(0)
        for k in range(-bound, bound + shift + 1):
            s += mpmath.exp(alpha * log_pmf(mu, k - shift) + (1 - alpha) * log_pmf(mu, k))
        return s

    bound = int(2 * mu + 40 * mpmath.sqrt(2 * mu) + 10 * alpha * shift + 40)
    a, b = total(bound), total(2 * bound)
    assert abs(a - b) <= mpmath.mpf(10) ** -50 * b, (mu, shift, alpha)
    return mpmath.log(b) / (alpha - 1)


def akl(mu, shift, alpha):
    v = 2 * mu
    return alpha * shift ** 2 / (2 * v) + min(((2 * alpha - 1) * shift ** 2 + 6 * shift) / (4 * v * v), 3 * shift / (2 * v))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/PrivacyAccountingTests/Golden"
    rows = []
    for mu in [2, 10, 50, 200]:
        for shift in [1, 3]:
            for alpha in [2, 3, 5, 10, 32]:
                rows.append((mu, shift, alpha, float(exact_rdp(mu, shift, alpha)), akl(mu, shift, alpha)))
                print(rows[-1], flush=True)
    with open(os.path.join(out, "skellam_rdp.tsv"), "w") as f:
        f.write("# exact Skellam RDP by 60-digit summation (scripts/skellam_rdp_exact.py) and the AKL 2021 bound\n")
        f.write("mu\tshift\torder\texact\takl_bound\n")
        for mu, shift, alpha, exact, bound in rows:
            f.write(f"{mu}\t{shift}\t{alpha}\t{exact!r}\t{bound!r}\n")


if __name__ == "__main__":
    main()
