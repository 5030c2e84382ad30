#!/usr/bin/env python3
"""Times dp_accounting's RDP epsilon query for DP-SGD (the peer of PrivAgg's AccountingTiming).

Same query as PrivAgg: a fresh RdpAccountant (default orders), compose
SelfComposed(PoissonSampled(q, Gaussian(sigma)), steps), get_epsilon_and_optimal_order(delta).
Prints one JSON object: epsilon, optimal_order, runs, ms_per_query. Pinned: dp_accounting==0.6.0.
"""
import argparse
import json
import logging
import time

import dp_accounting
from dp_accounting.rdp import rdp_privacy_accountant as rdp


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sampling-rate", type=float, default=0.01)
    parser.add_argument("--noise-multiplier", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--delta", type=float, default=1e-5)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # dropped-order warnings would flood the output
    event = dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(args.sampling_rate, dp_accounting.GaussianDpEvent(args.noise_multiplier)),
        args.steps)

    def query():
        accountant = rdp.RdpAccountant()
        accountant.compose(event)
        return accountant.get_epsilon_and_optimal_order(args.delta)

    result = query()  # warm-up
    runs = 0
    start = time.perf_counter()
    while True:
        result = query()
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= args.seconds and runs >= 3:
            break
    print(json.dumps({"epsilon": float(result[0]), "optimal_order": float(result[1]), "runs": runs,
                      "ms_per_query": elapsed * 1000 / runs}))


if __name__ == "__main__":
    main()
