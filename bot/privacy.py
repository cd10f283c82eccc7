"""Keyed hashes: what the database keeps instead of a phone number or a MessageSid."""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache


def keyed_hash(value: str, key: bytes) -> str:
    """HMAC-SHA256 of ``value``: stable for one key, useless without it."""
    mac = _keyed(key).copy()
    mac.update(value.encode())
    return mac.hexdigest()


@lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    """An HMAC-SHA256 already keyed, to copy for each value.

    Not ``hmac.digest``: it lets go of the interpreter lock for its few microseconds, and a text's
    request then waits for whatever background thread took the lock, up to 5 ms (docs/bench.md).
    """
    return hmac.new(key, digestmod=hashlib.sha256)
