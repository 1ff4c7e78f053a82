"""Send and read notices. ``notify`` is idempotent by key: a daily reminder run twice sends once."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from .models import Notice


def notify(department, key: str, title: str, body: str = "", url: str = "", *, to_office: bool = False
           ) -> Notice | None:
    """Send a notice to ``department`` (or the office) once per ``key``; None when it was already sent."""
    if Notice.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(department=department, to_office=to_office, key=key, title=title[:200],
                                           body=body[:500], url=url[:200])
    except IntegrityError:  # sent meanwhile by another worker
        return None
    if settings.NOTICE_EMAIL:  # after the change that caused it is committed, in the background
        from .tasks import email_notice

        transaction.on_commit(lambda: email_notice.enqueue(notice.pk))
    return notice


def recipients(notice: Notice) -> list[str]:
    """The e-mail addresses of the active users who read this notice in the app."""
    from shuangsuiji.accounts.models import Role, User

    users = User.objects.filter(is_active=True).exclude(email="")
    if notice.to_office:
        users = users.filter(models.Q(role=Role.OFFICE) | models.Q(is_superuser=True))
    else:
        users = users.filter(department=notice.department)
    return sorted(set(users.values_list("email", flat=True)))


def send_email(notice: Notice) -> int:
    """E-mail a notice to its readers; the count of addresses it went to."""
    to = recipients(notice)
    if not to:
        return 0
    link = f"\n\n{settings.SITE_URL}{notice.url}" if notice.url else ""
    send_mail(f"【双随机、一公开】{notice.title}", f"{notice.body}{link}\n\n（本邮件由平台自动发送，请登录平台处理。）",
              None, to, fail_silently=False)
    return len(to)


def tell(department, title: str, body: str = "", *, url: str = "", args=(), to_office: bool = False
         ) -> Notice | None:
    """Tell ``department`` (or the office) of one event: a return, something waiting for it. ``url`` is a
    URL name with its ``args``."""
    link = reverse(url, args=args) if url else ""
    return notify(department, f"event:{uuid.uuid4().hex}", title, body, link, to_office=to_office)


def tell_office(title: str, body: str = "", *, url: str = "", args=()) -> Notice | None:
    """Tell the joint-meeting office's staff."""
    return tell(None, title, body, url=url, args=args, to_office=True)


def unread_count(user) -> int:
    return Notice.objects.for_user(user).unread().count()


def mark_read(user, pk: int | None = None) -> int:
    """Mark one notice (or all of the user's department's) read; the count marked."""
    qs = Notice.objects.for_user(user).unread()
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now(), read_by=user)
