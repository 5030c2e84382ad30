#!/usr/bin/env python3
"""Writes the golden values for PrivacyAccountingTests from Google's dp_accounting.

Library: dp_accounting==0.6.0 (PyPI), mpmath 1.4.1, numpy, scipy; Python 3.11.
Run:
  python3 -m venv /tmp/venv-dpacc && /tmp/venv-dpacc/bin/pip install dp_accounting==0.6.0
  /tmp/venv-dpacc/bin/python scripts/generate_accounting_golden.py Tests/PrivacyAccountingTests/Golden

Files written:
  rdp_grid.tsv      RDP of ONE step of the Poisson-subsampled Gaussian at each default order:
                    dp_accounting's value; for fractional orders an exact reference from
                    numerical integration of A_alpha - 1 (scipy.integrate.quad, rel. 1e-13),
                    and at a few orders from multi-precision integration (mpmath.quad, 40
                    digits, the integral dp_accounting's own tests use, _compute_a_mp).
                    dp_accounting 0.6.0 sums |binom(alpha, i)| in the fractional series (an
                    upper bound) and returns inf when its 1000-term cap is hit, so at
                    fractional orders PrivAgg (signed, exact series) is compared with mpmath.
  mechanisms.tsv    RDP of Laplace, k-ary randomized response (both replace relations) and
                    the Gaussian under sampling without replacement, at the default orders.
  epsilon_grid.tsv  epsilon(delta) and delta(epsilon) for DP-SGD compositions, from
                    dp_accounting's compute_epsilon/compute_delta applied (a) to dp_accounting's
                    own curve and (b) to the exact curve (quadrature at fractional orders).
"""
import math
import os
import sys

import mpmath
import numpy as np
import dp_accounting
from dp_accounting.rdp import rdp_privacy_accountant as rdp

mpmath.mp.dps = 40
ORDERS = rdp.DEFAULT_RDP_ORDERS
QS = [0.001, 0.01, 0.1, 0.5]
SIGMAS = [0.5, 0.8, 1.0, 2.0, 4.0]


def exact_log_a(q, sigma, alpha):
    q, sigma, alpha = mpmath.mpf(q), mpmath.mpf(sigma), mpmath.mpf(alpha)

    def integrand(z):
        ratio = (1 - q) + q * mpmath.exp((2 * z - 1) / (2 * sigma**2))
        return mpmath.npdf(z, mu=0, sigma=sigma) * ratio**alpha

    # Split at the mean of the shifted Gaussian under the tilt so quad sees the bulk.
    peak = alpha  # the integrand's mass sits between 0 and about alpha (in units of 1)
    a = mpmath.quad(integrand, [-mpmath.inf, 0, 0.5, peak, 2 * peak + 10 * sigma, mpmath.inf], maxdegree=10)
    return float(mpmath.log(a))


MP_ORDERS = [1.1, 1.5, 2.5, 4.1, 7.7, 10.9]


def quad_log_a(q, sigma, alpha):
    """log(A_alpha) by double-precision adaptive quadrature of A_alpha - 1 (no cancellation):
    A - 1 = E_{z~N(0,sigma^2)}[expm1(alpha * log1p(q * expm1((2z - 1)/(2 sigma^2))))]."""
    from scipy import integrate

    def integrand(z):
        ratio_m1 = math.expm1((2 * z - 1) / (2 * sigma**2))
        inner = alpha * math.log1p(q * ratio_m1)
        log_pdf = -z * z / (2 * sigma**2) - math.log(sigma * math.sqrt(2 * math.pi))
        if inner > 0:
            return math.exp(log_pdf + inner) * -math.expm1(-inner)
        return math.exp(log_pdf) * math.expm1(inner)

    hi = max(10 * sigma, alpha + 12 * sigma)
    lo = -12 * sigma
    pts = sorted(set([lo, 0.0, 0.5, alpha / 2, alpha, hi]))
    total = 0.0
    for a, b in zip(pts[:-1], pts[1:]):
        v, _ = integrate.quad(integrand, a, b, epsabs=0, epsrel=1e-13, limit=1000)
        total += v
    return math.log1p(total)


def exact_rdp_curve(q, sigma):
    curve = rdp._compute_rdp_poisson_subsampled_gaussian(q, sigma, ORDERS).copy()
    mp = [math.nan] * len(ORDERS)
    for k, alpha in enumerate(ORDERS):
        if not float(alpha).is_integer():
            curve[k] = quad_log_a(q, sigma, alpha) / (alpha - 1)
            if alpha in MP_ORDERS:
                mp[k] = exact_log_a(q, sigma, alpha) / (alpha - 1)
    return curve, mp


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    exact = {}
    with open(os.path.join(out_dir, "rdp_grid.tsv"), "w") as f:
        f.write("# dp_accounting 0.6.0; RDP of one Poisson-subsampled Gaussian step; exact: integer orders ="
                " dp_accounting, fractional = scipy.quad of A-1 (rel 1e-13); mpmath = mpmath.quad (dps 40) at some orders\n")
        f.write("q\tsigma\torder\trdp_dp_accounting\trdp_exact\trdp_mpmath\n")
        for q in QS:
            for sigma in SIGMAS:
                ours = rdp._compute_rdp_poisson_subsampled_gaussian(q, sigma, ORDERS)
                curve, mp = exact_rdp_curve(q, sigma)
                exact[(q, sigma)] = curve
                for alpha, value, ex, m in zip(ORDERS, ours, curve, mp):
                    f.write("%r\t%r\t%r\t%r\t%r\t%r\n" % (q, sigma, float(alpha), float(value), float(ex), m))
                print("rdp", q, sigma, file=sys.stderr)
    with open(os.path.join(out_dir, "epsilon_grid.tsv"), "w") as f:
        f.write("# dp_accounting 0.6.0 compute_epsilon / compute_delta at the default orders\n")
        f.write("q\tsigma\tsteps\tdelta\tepsilon_dp_accounting\torder_dp_accounting\tepsilon_exact\torder_exact"
                "\ttarget_epsilon\tdelta_exact\tdelta_order_exact\n")
        for q in QS:
            for sigma in SIGMAS:
                for steps in [1, 100, 10000]:
                    for delta in [1e-5, 1e-8]:
                        acc = rdp.RdpAccountant()
                        acc.compose(dp_accounting.SelfComposedDpEvent(
                            dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps))
                        eps, order = acc.get_epsilon_and_optimal_order(delta)
                        curve = exact[(q, sigma)] * steps
                        eps_x, order_x = rdp.compute_epsilon(ORDERS, curve, delta)
                        target = 1.0
                        delta_x, dorder_x = rdp.compute_delta(ORDERS, curve, target)
                        f.write("%r\t%r\t%d\t%r\t%r\t%r\t%r\t%r\t%r\t%r\t%r\n" % (
                            q, sigma, steps, delta, float(eps), float(order), float(eps_x), float(order_x),
                            target, float(delta_x), float(dorder_x)))


def write_mechanisms(out_dir):
    """RDP of the other mechanisms dp_accounting 0.6.0 accounts for, at the default orders."""
    NR = dp_accounting.NeighboringRelation
    cases = []
    for eps in [0.1, 1.0, 3.0]:  # Laplace with noise multiplier 1/eps
        cases.append(("laplace", "%r" % (1 / eps), NR.ADD_OR_REMOVE_ONE, dp_accounting.LaplaceDpEvent(1 / eps)))
    for p, k in [(0.3, 10), (0.05, 20), (0.5, 2)]:
        cases.append(("rr_replace_special", "%r,%d" % (p, k), NR.REPLACE_SPECIAL,
                      dp_accounting.RandomizedResponseDpEvent(p, k)))
        cases.append(("rr_replace_one", "%r,%d" % (p, k), NR.REPLACE_ONE, dp_accounting.RandomizedResponseDpEvent(p, k)))
    for n, m, sigma in [(1000, 10, 1.0), (100, 10, 2.0), (60000, 256, 1.1)]:
        cases.append(("sampled_without_replacement", "%d,%d,%r" % (n, m, sigma), NR.REPLACE_ONE,
                      dp_accounting.SampledWithoutReplacementDpEvent(n, m, dp_accounting.GaussianDpEvent(sigma))))
    with open(os.path.join(out_dir, "mechanisms.tsv"), "w") as f:
        f.write("# dp_accounting 0.6.0 RdpAccountant._rdp after composing one event, default orders\n")
        f.write("mechanism\tparameters\torder\trdp\n")
        for name, params, relation, event in cases:
            acc = rdp.RdpAccountant(neighboring_relation=relation)
            acc.compose(event)
            for alpha, value in zip(ORDERS, acc._rdp):
                f.write("%s\t%s\t%r\t%r\n" % (name, params, float(alpha), float(value)))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/PrivacyAccountingTests/Golden"
    if "--mechanisms-only" not in sys.argv:
        main(out)
    write_mechanisms(out)
