"""Refusals: the one way a service says no.

A service raises one of these with a message in plain Chinese (and, for a form, ``errors`` naming its fields);
the kind, never the wording, decides the answer, the same on a page and in the API:

    Refused    400  the input is wrong (a missing reason, a date out of range, a bad file)
    Forbidden  403  this user may not do this (another department's record, a read-only role, four eyes)
    NotFound   404  there is no such record, or not one this user may see
    WrongState 409  the record's state does not allow it now (already published, stale revision, a duplicate)
    TooLarge   413  the file or request is over a limit

Each app names its own 400 (``PlanError``, ``ResultError`` …) as a subclass of ``Refused`` and raises the
common ``Forbidden``/``NotFound``/``WrongState``/``TooLarge`` for the others. The API answers every one through
one exception handler (``shuangsuiji.api``); pages use :func:`refuse`, and a refusal a page does not catch is
answered by :class:`RefusalMiddleware`.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import render


class Refused(Exception):
    """The input is wrong (400); ``message`` is for the user, ``errors`` maps form fields to their problem."""

    status = 400

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class Forbidden(Refused):
    """This user may not do this (403)."""

    status = 403


class NotFound(Refused):
    """No such record, or none this user may see (404)."""

    status = 404


class WrongState(Refused):
    """The record's state does not allow this now (409)."""

    status = 409


class TooLarge(Refused):
    """Over a size limit (413)."""

    status = 413


class FileRefused(Refused):
    """A file as a whole cannot be taken (type, encoding, sheet, header, damage, limits); rows are checked
    one by one and reported apart."""


class Problems:
    """Every problem with a form's input, by field, raised together as one ``error`` (a Refused subclass; the
    first field's message leads, the API gives them all in ``errors``)."""

    error: type[Refused] = Refused

    def __init__(self):
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    @contextmanager
    def on(self, field: str):
        """A check that raises ``error`` counts against ``field``."""
        try:
            yield
        except self.error as exc:
            self.add(field, exc.message)

    def raise_any(self) -> None:
        if self.errors:
            messages = list(self.errors.values())
            summary = messages[0] if len(messages) == 1 else f"共 {len(messages)} 处需要修改：" + "；".join(messages)
            raise self.error(summary, errors=self.errors)


PAGES = {403: "403.html", 404: "404.html", 409: "409.html"}


def refusal_page(request, exc: Refused):
    """The answer to a refusal nobody caught: JSON ``{"detail"}`` under /api/, else the error page of its
    status with its message."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": exc.message}, status=exc.status, json_dumps_params={"ensure_ascii": False})
    return render(request, PAGES.get(exc.status, "400.html"), {"message": exc.message}, status=exc.status)


def refuse(request, exc: Refused, form=None) -> None:
    """A page's answer to a refusal. Forbidden and not found are re-raised, so the user gets the 403 or 404 page
    the API would give; wrong input and state stay on the page as messages (on ``form`` when given)."""
    if exc.status in (403, 404):
        raise exc
    if form is not None:
        for field, text in exc.errors.items():
            form.add_error(field if field in form.fields else None, text)
        if not exc.errors:
            form.add_error(None, exc.message)
        return
    messages.error(request, exc.message)


def form_errors(request, form) -> None:
    """An invalid form's errors as page messages, each with its field's label."""
    for field, problems in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for problem in problems:
            messages.error(request, f"{label}：{problem}" if label else problem)


class RefusalMiddleware:
    """Pages answer a refusal their view did not catch with its status and message (the API has its handler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refused):
            return refusal_page(request, exception)
        return None
