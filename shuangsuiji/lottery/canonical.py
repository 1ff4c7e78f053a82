"""Canonical encodings (ssj-draw/1 §1): canonical JSON and SHA-256 helpers."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(obj: Any) -> bytes:
    """Return the canonical UTF-8 JSON encoding used for every digest in the protocol."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def json_digest(obj: Any) -> str:
    """Return the SHA-256 hex of the canonical JSON of obj."""
    return sha256_hex(canonical_json(obj))
