"""Send and read notices. ``notify`` is idempotent by key: a daily reminder run twice sends once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notice


def notify(department, key: str, title: str, body: str = "", url: str = "") -> Notice | None:
    """Send a notice to ``department`` once per ``key``; None when it was already sent."""
    if Notice.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            return Notice.objects.create(department=department, key=key, title=title[:200], body=body[:500],
                                         url=url[:200])
    except IntegrityError:  # sent meanwhile by another worker
        return None


def unread_count(user) -> int:
    return Notice.objects.for_user(user).unread().count()


def mark_read(user, pk: int | None = None) -> int:
    """Mark one notice (or all of the user's department's) read; the count marked."""
    qs = Notice.objects.for_user(user).unread()
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now(), read_by=user)
