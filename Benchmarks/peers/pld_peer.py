#!/usr/bin/env python3
"""Times the peers of PrivAgg's PLD accountant on one DP-SGD epsilon query.

- dp_accounting 0.6.0 PLDAccountant at value_discretization_interval 1e-4 (its default);
- dp_accounting 0.6.0 RdpAccountant (default orders);
- Microsoft's prv_accountant 0.2.0 DPSGDAccountant at eps_error 0.01, delta_error delta/1000
  (the algorithm and the defaults Opacus's PRV accountant uses; Opacus itself needs PyTorch);
- numpy's real FFT (rfft + irfft) at the given lengths, for PrivAgg's own FFT.
Each query builds a fresh accountant, as a researcher's call does. Prints one JSON object.
"""
import argparse
import json
import logging
import time

import numpy as np


def timed(fn, seconds):
    result = fn()  # warm-up
    runs, start = 0, time.perf_counter()
    while True:
        result = fn()
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and runs >= 2:
            return result, elapsed * 1000 / runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sampling-rate", type=float, default=0.01)
    parser.add_argument("--noise-multiplier", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--delta", type=float, default=1e-5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--fft", type=int, nargs="*", default=[262144, 524288])
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import dp_accounting
    from dp_accounting.pld import pld_privacy_accountant
    from dp_accounting.rdp import rdp_privacy_accountant

    event = dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(args.sampling_rate, dp_accounting.GaussianDpEvent(args.noise_multiplier)),
        args.steps)

    def pld():
        accountant = pld_privacy_accountant.PLDAccountant(value_discretization_interval=1e-4)
        accountant.compose(event)
        return accountant.get_epsilon(args.delta)

    def rdp():
        accountant = rdp_privacy_accountant.RdpAccountant()
        accountant.compose(event)
        return accountant.get_epsilon(args.delta)

    out = {}
    out["pld_epsilon"], out["pld_ms"] = timed(pld, args.seconds)
    out["rdp_epsilon"], out["rdp_ms"] = timed(rdp, args.seconds)
    try:
        from prv_accountant.dpsgd import DPSGDAccountant

        def prv():
            accountant = DPSGDAccountant(noise_multiplier=args.noise_multiplier, sampling_probability=args.sampling_rate,
                                         eps_error=0.01, delta_error=args.delta / 1000, max_steps=args.steps)
            return accountant.compute_epsilon(delta=args.delta, num_steps=args.steps)

        (low, estimate, upper), out["prv_ms"] = timed(prv, args.seconds)
        out["prv_epsilon"], out["prv_epsilon_lower"], out["prv_epsilon_upper"] = estimate, low, upper
    except ImportError:
        out["prv_ms"] = None
    out["numpy_fft_ms"] = {}
    for n in args.fft:
        x = np.random.rand(n)
        _, ms = timed(lambda: np.fft.irfft(np.fft.rfft(x), n), 1.0)
        out["numpy_fft_ms"][str(n)] = ms
    print(json.dumps(out))


if __name__ == "__main__":
    main()
