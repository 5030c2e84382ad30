#!/usr/bin/env python3
"""Writes golden values for PaillierTests' encoding round trip from python-paillier.

Library: phe==1.5.0 (python-paillier, PyPI); Python 3.
Run:
  python3 -m venv /tmp/venv-phe && /tmp/venv-phe/bin/pip install phe==1.5.0
  /tmp/venv-phe/bin/python scripts/generate_paillier_encoding_golden.py \
      > Tests/PaillierTests/Fixtures/encoding-golden.tsv

Each line: the Double's bit pattern (16 hex digits), then for EncodedNumber.encode(pk, x)
with no max_exponent and with max_exponent=-32 (what pheutil's serialise_encrypted uses)
the base-16 exponent and the signed mantissa in hex. The mantissa does not depend on the
key (every one here lies far inside max_int of the 2048-bit key used), so no key is stored.
The script asserts that python-paillier decodes each encoding to the same Double, bit for
bit (-0.0 decodes as +0.0), which is the round trip PrivAgg must match.
"""
import math
import random
import struct

from phe import paillier
from phe.encoding import EncodedNumber

public_key, _ = paillier.generate_paillier_keypair(n_length=2048)


def mantissa(encoded):
    n = public_key.n
    value = encoded.encoding
    return value if value <= public_key.max_int else value - n


def double(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def bits_of(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


specials = [
    0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
    1.7976931348623157e308, -1.7976931348623157e308, 3e-308, 1e-308, 1e-320, 1.0, -1.0,
    0.1, 12.5, -3.75, 2.0 ** 53, 2.0 ** 53 + 2, 1e300, 1e-300, math.pi,
]
rng = random.Random(20261130)
patterns = [bits_of(x) for x in specials]
while len(patterns) < 400:
    candidate = rng.getrandbits(64)
    # Every 4th pattern is forced subnormal (exponent field 0) so they are well covered.
    if len(patterns) % 4 == 0:
        candidate &= ~(0x7FF << 52)
    if not math.isfinite(double(candidate)):
        continue
    patterns.append(candidate)

print("# bits\texponent\tmantissa_hex\texponent_max-32\tmantissa_hex_max-32 (python-paillier phe 1.5.0)")
for bits in patterns:
    x = double(bits)
    row = ["%016x" % bits]
    for max_exponent in (None, -32):
        encoded = EncodedNumber.encode(public_key, x, max_exponent=max_exponent)
        decoded = encoded.decode()
        assert decoded == x and (x != 0 or not math.copysign(1, decoded) < 0), (x, decoded)
        m = mantissa(encoded)
        row += [str(encoded.exponent), ("-" if m < 0 else "") + "%x" % abs(m)]
    print("\t".join(row))
