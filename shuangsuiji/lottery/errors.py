"""Exceptions of the draw engine; every message is meant for people and is Chinese."""

from __future__ import annotations


class DrawError(ValueError):
    """Base class: invalid input or a failed check in the draw engine."""


class PoolError(DrawError):
    """The pool (pool.tsv) is malformed or empty."""


class QuotaError(DrawError):
    """A count rule gives an impossible or suspicious count."""


class SourceError(DrawError):
    """A randomness source is malformed, too early or does not match its declaration."""


class BeaconError(SourceError):
    """A drand round failed verification."""


class KitError(DrawError):
    """A verification kit is incomplete or unreadable."""
