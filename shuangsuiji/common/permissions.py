"""The permission map: every URL name has a rule, and a URL without one is refused.

Each app's ``urls.py`` declares ``PERMISSIONS = {url_name: Rule}`` beside its patterns; this module
gathers them under the app's namespace. Department scope (a department acts only for itself) is
enforced in querysets and services; this map decides who may reach a URL at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import render

from shuangsuiji.accounts.models import Role


@dataclass(frozen=True)
class Rule:
    """Who may reach a URL: the public, or logged-in users with one of ``roles``."""

    public: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    note: str = ""

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        return user.effective_role in self.roles


PUBLIC = Rule(public=True, note="公开门户")
ANY_STAFF = Rule(roles=frozenset(Role.values))
OFFICE = Rule(roles=frozenset({Role.OFFICE}))
ADMINS = Rule(roles=frozenset({Role.OFFICE, Role.DEPT_ADMIN}))
WORKERS = Rule(roles=frozenset({Role.OFFICE, Role.DEPT_ADMIN, Role.INSPECTOR}))
READERS = Rule(roles=frozenset({Role.OFFICE, Role.DEPT_ADMIN, Role.LEADER}))
# Django's admin site checks is_staff itself (only superusers have it); its login page must load.
ADMIN_SITE = Rule(public=True, note="Django admin: checks is_staff itself")

# namespace -> module holding PERMISSIONS for that namespace ("" = project urls)
SOURCES = {
    "": "shuangsuiji.urls",
    "accounts": "shuangsuiji.accounts.urls",
    "common": "shuangsuiji.common.urls",
    "items": "shuangsuiji.items.urls",
    "directory": "shuangsuiji.directory.urls",
    "inspectors": "shuangsuiji.inspectors.urls",
    "portal": "shuangsuiji.portal.urls",
    "draws": "shuangsuiji.draws.urls",
    "public_draws": "shuangsuiji.portal.draw_urls",
    "plans": "shuangsuiji.plans.urls",
    "public_plans": "shuangsuiji.portal.plan_urls",
    "results": "shuangsuiji.results.urls",
    "api": "shuangsuiji.api",
}
NAMESPACE_RULES = {"admin": ADMIN_SITE}

_map: dict[str, Rule] | None = None


def permission_map() -> dict[str, Rule]:
    """URL name (with namespace) → rule, gathered from every app."""
    global _map
    if _map is None:
        combined: dict[str, Rule] = {}
        for ns, module in SOURCES.items():
            perms = getattr(import_module(module), "PERMISSIONS", {})
            for name, rule in perms.items():
                combined[f"{ns}:{name}" if ns else name] = rule
        _map = combined
    return _map


def rule_for(view_name: str) -> Rule | None:
    rule = permission_map().get(view_name)
    if rule is None and ":" in view_name:
        rule = NAMESPACE_RULES.get(view_name.split(":", 1)[0])
    return rule


_api_operations: dict[str, dict[str, str]] | None = None


def api_operation_names() -> dict[str, dict[str, str]]:
    """Where one API path has several operations (GET list, POST create), the resolver names only the
    first; this maps that name to {HTTP method: the operation's own name}, so each has its own rule."""
    global _api_operations
    if _api_operations is None:
        from shuangsuiji.api import api

        table: dict[str, dict[str, str]] = {}
        for _, router in api._routers:  # ninja keeps its bound routers here (pinned version)
            for path_view in router.path_operations.values():
                names = {m: f"api:{op.url_name}" for op in path_view.operations for m in op.methods}
                if len(set(names.values())) > 1:
                    table[f"api:{path_view.operations[0].url_name}"] = names
        _api_operations = table
    return _api_operations


def view_name_for(request) -> str | None:
    """The URL name whose rule applies to this request (per operation for the API)."""
    match = request.resolver_match
    if match is None:
        return None
    return api_operation_names().get(match.view_name, {}).get(request.method, match.view_name)


class PermissionMapMiddleware(LoginRequiredMiddleware):
    """Deny by default: public rules pass, others need login and a listed role."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = view_name_for(request)
        rule = rule_for(name) if name else None
        if rule is None:
            return _deny(request, "该地址未列入权限表，已拒绝访问。", 403)
        if rule.public:
            return None
        if not request.user.is_authenticated:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先登录。"}, status=401)
            return self.handle_no_permission(request, view_func)
        if not rule.allows(request.user):
            return _deny(request, "您的角色无权访问此页面。", 403)
        return None


def _deny(request, message: str, status: int):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "403.html", {"message": message}, status=status)
