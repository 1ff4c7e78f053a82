"""Signals of results that higher apps listen to (ADR 0008): the push to the publicity platform follows
every change of what is public without results knowing of it."""

from django.dispatch import Signal

# Sent inside the transaction that changed what is public, with publication=, action= ("publish" for a
# first public version, "correct" for one that supersedes another, "withdraw") and actor=: a receiver's
# failure rolls the change back, so nothing public goes unrecorded.
publication_changed = Signal()
