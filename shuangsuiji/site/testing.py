"""Test helpers for the whole site: every named URL with its parameters filled in."""

from __future__ import annotations

import uuid

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE = {"int": "987654", "slug": "no-such-code", "str": "no-such", "path": "no-such", "uuid": str(uuid.uuid4())}


def routes(resolver=None, namespace="", prefix=""):
    """(view name, concrete path) for every named URL outside Django's own admin site."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from routes(p, ns, prefix + _fill(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", "/" + prefix + _fill(p.pattern)


def _fill(pattern) -> str:
    route = str(pattern)
    for name, converter in getattr(pattern, "converters", {}).items():
        kind = {"IntConverter": "int", "SlugConverter": "slug", "UUIDConverter": "uuid",
                "PathConverter": "path"}.get(type(converter).__name__, "str")
        route = route.replace(f"<{kind}:{name}>", SAMPLE[kind]).replace(f"<{name}>", SAMPLE["str"])
    return route.lstrip("^").rstrip("$")


def no_sideways_scroll(page) -> bool:
    """In a browser test: nothing on the page is wider than the window (no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
