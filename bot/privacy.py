"""Keyed hashes: what the database keeps instead of a phone number or a MessageSid."""
from __future__ import annotations

import hashlib
import hmac


def keyed_hash(value: str, key: bytes) -> str:
    """HMAC-SHA256 of ``value``: stable for one key, useless without it."""
    return hmac.digest(key, value.encode(), hashlib.sha256).hex()  # hmac.new(...).hexdigest(), in one C call
