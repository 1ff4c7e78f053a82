"""First-generation tickets of Rivest's consistent sampler (ssj-draw/1 §4).

consistent_sampler computes, for a seed and an id,
``sha256_hex(sha256_hex(str(seed)) + str(id))``, writes that 256-bit integer
in decimal (zero-padded to at least 64 digits), reverses the digits and puts
"0." in front.  Samplers order tickets by this full string and print it
trimmed to 9 significant digits after any leading run of 9s.
"""

from __future__ import annotations

import hashlib

DEFAULT_DIGITS = 9


def seed_prefix(seed: str) -> bytes:
    """Return the bytes hashed before every id: the ASCII hex SHA-256 of the seed."""
    # One 64-byte SHA-256 block: a hash state primed with it can be copied per id.
    return hashlib.sha256(seed.encode("utf-8")).hexdigest().encode("ascii")


def ticket_int(seed: str, entity_id: str) -> int:
    """Return the 256-bit integer behind the ticket of entity_id."""
    digest = hashlib.sha256(seed_prefix(seed) + entity_id.encode("utf-8")).digest()
    return int.from_bytes(digest, "big")


def fraction_from_int(value: int) -> str:
    """Return the full-precision ticket string for a 256-bit hash integer."""
    return "0." + format(value, "064d")[::-1]


def trim(fraction: str, digits: int = DEFAULT_DIGITS) -> str:
    """Truncate a ticket to `digits` significant digits after its leading run of 9s."""
    padded = fraction + "0"
    first_non_9 = next(i for i in range(2, len(padded)) if padded[i] < "9")
    return fraction[: first_non_9 + digits]


def ticket_full(seed: str, entity_id: str) -> str:
    """Return the full-precision first-generation ticket (the string samplers sort by)."""
    return fraction_from_int(ticket_int(seed, entity_id))


def ticket(seed: str, entity_id: str, digits: int | None = DEFAULT_DIGITS) -> str:
    """Return the ticket exactly as consistent_sampler.sampler prints it (digits=None: full)."""
    full = ticket_full(seed, entity_id)
    return full if digits is None else trim(full, digits)


def sort_key(seed: str, entity_id: str) -> tuple[str, str]:
    """Return the key that orders ids as consistent_sampler does (full ticket, then id)."""
    return (ticket_full(seed, entity_id), entity_id)


def prefix_digits_reversed(value: int, width: int) -> int:
    """Return the first `width` ticket digits as an integer (the low decimal digits, reversed)."""
    low = f"{value % 10**width:0{width}d}"
    return int(low[::-1])
