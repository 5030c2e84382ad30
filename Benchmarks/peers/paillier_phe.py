#!/usr/bin/env python3
"""Times python-paillier (phe, with gmpy2) on the operations `privagg bench paillier`
reports, at the given key sizes. Prints one JSON object keyed by key size.

Usage: paillier_phe.py [--scale S] BITS...
"""
import json
import random
import sys
import time

import phe
from phe import paillier


def time_per_call(function, count):
    start = time.perf_counter()
    for index in range(count):
        function(index)
    return (time.perf_counter() - start) / count


def bench(bits, scale):
    def count(base):
        return max(2, int(base * scale))
    public, private = paillier.generate_paillier_keypair(n_length=bits)
    rng = random.Random(bits)
    values = [rng.randrange(-(2 ** 31), 2 ** 31) for _ in range(count(40))]
    ciphertexts = []
    encrypt = time_per_call(lambda i: ciphertexts.append(public.encrypt(values[i])), len(values))
    decrypt_count = min(len(ciphertexts), count(40))
    decrypt = time_per_call(lambda i: private.decrypt(ciphertexts[i]), decrypt_count)
    total = ciphertexts[0]
    add_count = count(5000)

    def add(i):
        nonlocal total
        total = total + ciphertexts[i % len(ciphertexts)]
    add_time = time_per_call(add, add_count)
    return {
        "encrypt_ms_per_ciphertext": encrypt * 1e3,
        "decrypt_ms_per_ciphertext": decrypt * 1e3,
        "add_us": add_time * 1e6,
    }


def main(arguments):
    scale = 1.0
    if arguments[:1] == ["--scale"]:
        scale = float(arguments[1])
        arguments = arguments[2:]
    sizes = [int(bits) for bits in arguments] or [2048, 3072]
    try:
        import gmpy2  # noqa: F401  (phe uses it when present; the comparison assumes it)
        backend = "gmpy2 " + gmpy2.version()
    except ImportError:
        backend = "pure Python (gmpy2 missing)"
    report = {"peer": "phe " + phe.__version__, "backend": backend}
    for bits in sizes:
        report[str(bits)] = bench(bits, scale)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
