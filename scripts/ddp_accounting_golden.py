#!/usr/bin/env python3
"""Golden values for PrivAgg's distributed DP events (issue 17).

A pure-Python copy (math only; no numpy, scipy or tensorflow_privacy) of the formulas in
google-research/federated distributed_dp/accounting_utils.py that PrivAgg implements:
rounded_l2_norm_bound, rounded_l1_norm_bound, _compute_rdp_subsampled (Zhu & Wang 2019,
Theorem 5, upper_bound=True), compute_rdp_dgaussian, ddgauss_epsilon (with the tau
correction for sums of discrete Gaussians), _skellam_rdp and skellam_epsilon; plus
tensorflow_privacy's get_privacy_spent (its _compute_eps: the tight RDP-to-DP conversion,
eps = r + log1p(-1/a) - log(delta*a)/(a-1), 0 where delta^2 + expm1(-r) >= 0, orders
<= 1.01 skipped), the conversion accounting_utils calls.

Writes Tests/PrivacyAccountingTests/Golden/ddp_epsilon.tsv: one row per setting with the
inputs in accounting_utils' units (clip, gamma, local_stddev before scaling), the DDG and
Skellam epsilon and optimal order at RDP_ORDERS = 2..128, 256, and the single-round DDG
RDP at order 8.

Usage: python3 scripts/ddp_accounting_golden.py [OUTPUT]
"""
import math
import sys

RDP_ORDERS = tuple(range(2, 129)) + (256,)
DIV_EPSILON = 1e-22


def log_comb(n, k):
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def logsumexp(a, b):
    m = max(a)
    return m + math.log(sum(w * math.exp(x - m) for x, w in zip(a, b)))


def compute_rdp_subsampled(alpha, gamma, eps):
    """Zhu & Wang 2019 Theorem 5 (accounting_utils._compute_rdp_subsampled, upper_bound=True)."""
    alpha = int(alpha)
    assert alpha > 1 and 0 < gamma <= 1
    a = [0.0, eps(2)]
    b = [((1 - gamma) ** (alpha - 1)) * (alpha * gamma - gamma + 1),
         math.comb(alpha, 2) * (gamma ** 2) * (1 - gamma) ** (alpha - 2)]
    for l in range(3, alpha + 1):
        a.append((l - 1) * eps(l) + log_comb(alpha, l) + (alpha - l) * math.log(1 - gamma) + l * math.log(gamma))
        b.append(3)
    return logsumexp(a, b) / (alpha - 1)


def rounded_l2_norm_bound(l2_norm_bound, beta, dim):
    bound_1 = l2_norm_bound + math.sqrt(dim)
    if beta == 0:
        return bound_1
    squared_bound_2 = l2_norm_bound ** 2 + 0.25 * dim
    squared_bound_2 += math.sqrt(2.0 * math.log(1.0 / beta)) * (l2_norm_bound + 0.5 * math.sqrt(dim))
    return min(bound_1, math.sqrt(squared_bound_2))


def rounded_l1_norm_bound(l2_norm_bound, dim):
    return l2_norm_bound * min(math.sqrt(dim), l2_norm_bound)


def get_privacy_spent(orders, rdp, delta):
    """tensorflow_privacy rdp_accountant.get_privacy_spent -> _compute_eps."""
    best, best_order = math.inf, None
    for a, r in zip(orders, rdp):
        if delta ** 2 + math.expm1(-r) >= 0:
            eps = 0.0
        elif a > 1.01:
            eps = r + math.log1p(-1 / a) - math.log(delta * a) / (a - 1)
        else:
            eps = math.inf
        if eps < best:
            best, best_order = eps, a
    return max(0.0, best), best_order


def compute_rdp_dgaussian(q, l1_scale, l2_scale, tau, dim, steps, orders):
    orders = [int(order) for order in orders]

    def eps(order):
        term_1 = (order / 2.0) * l2_scale ** 2 + tau * dim
        term_2 = (order / 2.0) * (l2_scale ** 2 + 2 * l1_scale * tau + tau ** 2 * dim)
        term_3 = (order / 2.0) * (l2_scale + math.sqrt(dim) * tau) ** 2
        return min(term_1, term_2, term_3)

    if q == 1:
        rdp = [eps(order) for order in orders]
    else:
        rdp = [min(compute_rdp_subsampled(order, q, eps), eps(order)) for order in orders]
    return [r * steps for r in rdp]


def ddgauss_tau(local_stddev, scale, num_clients):
    tau = 0.0
    for k in range(1, num_clients):
        tau += math.exp(-2 * (math.pi * local_stddev * scale) ** 2 * (k / (k + 1)))
    return tau * 10


def ddgauss_epsilon(gamma, local_stddev, num_clients, l2_sens, beta, dim, q, steps, delta,
                    orders=RDP_ORDERS):
    scale = 1.0 / (gamma + DIV_EPSILON)
    l2_sens = rounded_l2_norm_bound(l2_sens * scale, beta, dim) / scale
    l1_sens = rounded_l1_norm_bound(l2_sens * scale, dim) / scale
    tau = ddgauss_tau(local_stddev, scale, num_clients)
    l1_scale = l1_sens / (math.sqrt(num_clients) * local_stddev)
    l2_scale = l2_sens / (math.sqrt(num_clients) * local_stddev)
    rdp = compute_rdp_dgaussian(q, l1_scale, l2_scale, tau, dim, steps, orders)
    return get_privacy_spent(orders, rdp, delta)


def ddgauss_rdp_single(gamma, local_stddev, num_clients, l2_sens, beta, dim, order):
    scale = 1.0 / (gamma + DIV_EPSILON)
    l2_sens = rounded_l2_norm_bound(l2_sens * scale, beta, dim) / scale
    l1_sens = rounded_l1_norm_bound(l2_sens * scale, dim) / scale
    tau = ddgauss_tau(local_stddev, scale, num_clients)
    l1_scale = l1_sens / (math.sqrt(num_clients) * local_stddev)
    l2_scale = l2_sens / (math.sqrt(num_clients) * local_stddev)
    return compute_rdp_dgaussian(1, l1_scale, l2_scale, tau, dim, 1, [order])[0]


def skellam_rdp(l1_sens, l2_sens, central_var, scale, order):
    a, s, mu = order, scale, central_var
    rdp = a / (2 * mu) * l2_sens ** 2
    rdp += min(((2 * a - 1) * s * l2_sens ** 2 + 6 * l1_sens) / (4 * s ** 3 * mu ** 2),
               3 * l1_sens / (2 * s * mu))
    return rdp


def skellam_epsilon(scale, central_stddev, l2_sens, beta, dim, q, steps, delta, orders=RDP_ORDERS):
    l2_sens = rounded_l2_norm_bound(l2_sens * scale, beta, dim) / scale
    l1_sens = rounded_l1_norm_bound(l2_sens * scale, dim) / scale
    orders = [int(order) for order in orders]
    central_var = central_stddev ** 2

    def eps_fn(order):
        return skellam_rdp(l1_sens, l2_sens, central_var, scale, order)

    if q == 1:
        rdp = [eps_fn(order) for order in orders]
    else:
        rdp = [min(compute_rdp_subsampled(order, q, eps_fn), eps_fn(order)) for order in orders]
    return get_privacy_spent(orders, [r * steps for r in rdp], delta)


def grid():
    """(clients, dim, clip, gamma, local_stddev, beta, q, steps, delta)."""
    rows = []
    # Large-noise settings (tau negligible) over dimension, sampling and steps.
    for n in (10, 100):
        for dim in (2 ** 10, 2 ** 16, 2 ** 20):
            for z in (0.7, 2.0):
                for q, steps in ((1.0, 1), (1.0, 100), (0.03, 100), (100 / 3400, 1500)):
                    clip = 1.0
                    gamma = clip / math.sqrt(dim) / 16  # a coordinate of norm c/sqrt(d) spans 16 grid steps
                    local_stddev = z * clip / math.sqrt(n)
                    rows.append((n, dim, clip, gamma, local_stddev, math.exp(-0.5), q, steps, 1e-5))
    # Small local noise on the grid (local sigma 0.25 to 1.2 grid steps, scale 1, clip at one
    # central standard deviation): tau matters and each of the three terms of Prop. 14 wins
    # somewhere.
    for n in (2, 10, 100):
        for sigma_grid in (0.25, 0.4, 0.6, 0.8, 1.2):
            for dim, beta in ((4, 0.0), (64, math.exp(-0.5))):
                clip = math.sqrt(n) * sigma_grid
                rows.append((n, dim, clip, 1.0, sigma_grid, beta, 1.0, 1, 1e-5))
    return rows


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/PrivacyAccountingTests/Golden/ddp_epsilon.tsv"
    lines = ["# distributed DP epsilon: pure-Python copy of google-research/federated "
             "distributed_dp/accounting_utils.py (scripts/ddp_accounting_golden.py); orders 2..128, 256",
             "\t".join(["clients", "dim", "clip", "gamma", "local_stddev", "beta", "q", "steps", "delta",
                        "ddg_eps", "ddg_order", "skellam_eps", "skellam_order", "ddg_rdp8"])]
    for (n, dim, clip, gamma, local_stddev, beta, q, steps, delta) in grid():
        ddg_eps, ddg_order = ddgauss_epsilon(gamma, local_stddev, n, clip, beta, dim, q, steps, delta)
        scale = 1.0 / (gamma + DIV_EPSILON)
        sk_eps, sk_order = skellam_epsilon(scale, local_stddev * math.sqrt(n), clip, beta, dim, q, steps, delta)
        rdp8 = ddgauss_rdp_single(gamma, local_stddev, n, clip, beta, dim, 8)
        lines.append("\t".join(repr(float(v)) if isinstance(v, float) else str(v) for v in
                               (n, dim, clip, gamma, local_stddev, beta, q, steps, delta,
                                ddg_eps, ddg_order, sk_eps, sk_order, rdp8)))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - 2} rows to {out}")


if __name__ == "__main__":
    main()
