"""Pseudonymous user ids: a keyed hash, so one member's questions can be told apart, not named."""

from __future__ import annotations

import hashlib
import hmac

HASH_HEX_CHARS = 32  # 128 bits: collisions are not a concern at any community's size


def hash_user(salt: str, user_id: int | str) -> str:
    """hex HMAC-SHA256 of the id keyed by the salt, truncated to 128 bits."""
    digest = hmac.new(salt.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    return digest[:HASH_HEX_CHARS]
