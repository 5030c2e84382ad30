#!/usr/bin/env python3
"""Times Flower's SecAgg+ primitives at one benchmark point (the peer of `privagg bench secagg`).

The timed code is Flower's own: the client block is `_mask` of
flwr/client/mod/secure_aggregation/secaggplus_mod.py (private mask, then per neighbour an
ECDH + HKDF shared key and a `pseudo_rand_gen` mask, then `parameters_mod`), and the server
block is the unmasking loop of `SecAggPlusWorkflow.unmask_stage` in
flwr/server/workflow/secure_aggregation/secaggplus_workflow.py (`combine_shares` for every
survivor's seed and every dropped client's key, one mask per survivor and one per neighbour
of each dropped client, then `parameters_mod`). Both are called with Flower's functions, with
the same shapes Flower uses (a 1-entry factor array plus the M-entry update).

Setup (untimed) follows Flower: SECP384R1 key pairs, `create_shares` of 32-byte seeds and of
PEM private keys with k + 1 holders. To keep setup short at 1,000 clients, secrets are drawn
from a pool of 4 (the timed work does not depend on which secret is shared).

Prints one JSON object. Version pins: requirements-secagg.txt.
"""
import argparse
import json
import os
import platform
import random
import statistics
import time

import numpy as np
import flwr
from flwr.common.secure_aggregation.crypto.shamir import combine_shares, create_shares
from flwr.common.secure_aggregation.crypto.symmetric_encryption import generate_shared_key
from flwr.common.secure_aggregation.ndarrays_arithmetic import (
    get_parameters_shape,
    parameters_addition,
    parameters_mod,
    parameters_subtraction,
)
from flwr.common.secure_aggregation.secaggplus_utils import pseudo_rand_gen
from flwr.supercore.primitives.asymmetric import (
    bytes_to_private_key,
    bytes_to_public_key,
    generate_key_pairs,
    private_key_to_bytes,
    public_key_to_bytes,
)

MOD_RANGE = 1 << 32  # Flower's default modulus_range


def harary_neighbours(n, k, rng):
    """Random relabelling of the Harary ring (as in our SecAgg+ graph); k = n-1 is complete."""
    order = list(range(n))
    rng.shuffle(order)
    neighbours = {node: set() for node in range(n)}
    for position, node in enumerate(order):
        for distance in range(1, k // 2 + 1):
            neighbours[node].add(order[(position + distance) % n])
            neighbours[node].add(order[(position - distance) % n])
        if k % 2 == 1:
            neighbours[node].add(order[(position + n // 2) % n])
    return neighbours


def client_mask(quantized, rd_seed, sk1, peer_public_keys, nid, mod_range):
    """Flower's `_mask` body after quantization (secaggplus_mod.py)."""
    dimensions_list = [a.shape for a in quantized]
    private_mask = pseudo_rand_gen(rd_seed, mod_range, dimensions_list)
    quantized = parameters_addition(quantized, private_mask)
    for node_id, public_key in peer_public_keys.items():
        shared_key = generate_shared_key(bytes_to_private_key(sk1), bytes_to_public_key(public_key))
        pairwise_mask = pseudo_rand_gen(shared_key, mod_range, dimensions_list)
        if nid > node_id:
            quantized = parameters_addition(quantized, pairwise_mask)
        else:
            quantized = parameters_subtraction(quantized, pairwise_mask)
    return parameters_mod(quantized, mod_range)


def client_expansion_only(quantized, rd_seed, shared_keys, nid, mod_range):
    """The same masks with the shared keys precomputed: mask expansion and application only."""
    dimensions_list = [a.shape for a in quantized]
    quantized = parameters_addition(quantized, pseudo_rand_gen(rd_seed, mod_range, dimensions_list))
    for node_id, shared_key in shared_keys.items():
        pairwise_mask = pseudo_rand_gen(shared_key, mod_range, dimensions_list)
        if nid > node_id:
            quantized = parameters_addition(quantized, pairwise_mask)
        else:
            quantized = parameters_subtraction(quantized, pairwise_mask)
    return parameters_mod(quantized, mod_range)


def server_unmask(masked_vector, collected, active, neighbours, public_keys, mod_range, timings):
    """Flower's unmask loop (secaggplus_workflow.py, unmask_stage); `timings` gets the share-combining part."""
    for nid, share_list in collected.items():
        start = time.perf_counter()
        secret = combine_shares(share_list)
        timings["combine"] += time.perf_counter() - start
        if nid in active:
            private_mask = pseudo_rand_gen(secret, mod_range, get_parameters_shape(masked_vector))
            masked_vector = parameters_subtraction(masked_vector, private_mask)
        else:
            for neighbor_nid in neighbours[nid]:
                shared_key = generate_shared_key(bytes_to_private_key(secret), bytes_to_public_key(public_keys[neighbor_nid]))
                pairwise_mask = pseudo_rand_gen(shared_key, mod_range, get_parameters_shape(masked_vector))
                if nid > neighbor_nid:
                    masked_vector = parameters_addition(masked_vector, pairwise_mask)
                else:
                    masked_vector = parameters_subtraction(masked_vector, pairwise_mask)
    return parameters_mod(masked_vector, mod_range)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--neighbors", type=int, required=True)
    parser.add_argument("--dimension", type=int, required=True)
    parser.add_argument("--dropout", type=float, required=True)
    parser.add_argument("--threshold", type=int, required=True)
    parser.add_argument("--client-repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument(
        "--server-sample", type=float, default=1.0,
        help="fraction of survivors and of dropped clients whose unmasking is timed; the time of each "
             "group is scaled by its own size ratio (1.0: the full loop, no extrapolation)")
    args = parser.parse_args()
    n, k, m = args.clients, args.neighbors, args.dimension
    rng = random.Random(args.seed)
    neighbours = harary_neighbours(n, k, rng)
    dropped = set(rng.sample(range(n), round(n * args.dropout)))
    active = set(range(n)) - dropped

    keys = [generate_key_pairs() for _ in range(n)]
    public_keys = [public_key_to_bytes(public) for _, public in keys]
    pool = 4
    seeds = [os.urandom(32) for _ in range(pool)]
    sk1s = [private_key_to_bytes(keys[i][0]) for i in range(pool)]
    seed_shares = [create_shares(seed, args.threshold, k + 1) for seed in seeds]
    sk1_shares = [create_shares(sk1, args.threshold, k + 1) for sk1 in sk1s]
    assert combine_shares(seed_shares[0][: args.threshold]) == seeds[0]

    # One surviving client's masking (all k neighbours shared keys before the dropouts).
    nid = min(active)
    quantized = [np.array([1]), np.random.default_rng(1).integers(0, 1 << 22, m, dtype=np.int64)]
    peer_keys = {peer: public_keys[peer] for peer in sorted(neighbours[nid])}
    client_sk1 = sk1s[0]
    client_times, expansion_times = [], []
    shared = {peer: generate_shared_key(bytes_to_private_key(client_sk1), bytes_to_public_key(key)) for peer, key in peer_keys.items()}
    for _ in range(args.client_repeats):
        start = time.perf_counter()
        client_mask(quantized, seeds[1], client_sk1, peer_keys, nid, MOD_RANGE)
        client_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        client_expansion_only(quantized, seeds[1], shared, nid, MOD_RANGE)
        expansion_times.append(time.perf_counter() - start)

    # Server: shares revealed by the surviving holders (the owner and its neighbours).
    collected = {}
    for owner in range(n):
        holders = sorted((neighbours[owner] | {owner}) & active)
        source = seed_shares[owner % pool] if owner in active else sk1_shares[owner % pool]
        # Holder i of owner's neighbourhood gets share index i (as Flower's share_keys does).
        ranked = sorted(neighbours[owner] | {owner})
        collected[owner] = [source[ranked.index(holder)] for holder in holders]
    masked_vector = [np.array([0]), np.random.default_rng(2).integers(0, MOD_RANGE, m, dtype=np.int64)]
    timings = {"combine": 0.0}
    server_seconds = 0.0
    for group in (sorted(active), sorted(dropped)):
        if not group:
            continue
        sample = sorted(rng.sample(group, max(1, round(len(group) * args.server_sample))))
        scale = len(group) / len(sample)
        part = {"combine": 0.0}
        start = time.perf_counter()
        server_unmask(masked_vector, {owner: collected[owner] for owner in sample}, active, neighbours, public_keys, MOD_RANGE, part)
        server_seconds += (time.perf_counter() - start) * scale
        timings["combine"] += part["combine"] * scale

    print(json.dumps({
        "peer": "flwr",
        "flwr_version": flwr.__version__ if hasattr(flwr, "__version__") else "unknown",
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "clients": n, "neighbors": k, "dimension": m, "dropout": args.dropout, "threshold": args.threshold,
        "client_mask_seconds": statistics.median(client_times),
        "client_expansion_seconds": statistics.median(expansion_times),
        "server_unmask_seconds": server_seconds,
        "server_combine_shares_seconds": timings["combine"],
        "server_mask_seconds": server_seconds - timings["combine"],
        "pairwise_masks_recomputed": sum(len(neighbours[v]) for v in dropped),
        "server_sample_fraction": args.server_sample,
    }, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
