"""Deterministic randomness: every choice the replica makes is a function of its options.

Python's hash() is salted per process, so the replica derives its random streams from
SHA-256 of a readable key instead: the same options give the same site in any process.
"""
from __future__ import annotations

import hashlib
import random


def _digest(parts: tuple) -> bytes:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).digest()


def rng(*parts) -> random.Random:
    """A random stream owned by the key `parts` (e.g. seed, "body", lang, index)."""
    return random.Random(int.from_bytes(_digest(parts)[:16], "big"))


def unit(*parts) -> float:
    """One uniform number in [0, 1) owned by the key `parts`, without building a stream."""
    return int.from_bytes(_digest(parts)[:8], "big") / 2**64
