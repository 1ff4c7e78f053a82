"""Every app's routes, gathered: who may reach each URL (the permission map) and the largest upload it takes.

Each app's ``urls.py`` (and ``api.py``) declares ``PERMISSIONS = {url_name: Rule}`` (rules in
``accounts/permissions.py``) and, where it takes files, ``UPLOAD_LIMITS = {url_name: callable}`` beside its
patterns; this module finds them under the app's namespace. A URL without a rule is refused (deny by
default, ADR 0001); an upload above its route's limit is refused before anything reads it.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect

from shuangsuiji.accounts.permissions import ADMIN_SITE, Rule
from shuangsuiji.common.errors import Forbidden, TooLarge, refusal_page

# namespace -> module holding PERMISSIONS for that namespace ("" = project urls)
SOURCES = {
    "": "shuangsuiji.urls",
    "accounts": "shuangsuiji.accounts.urls",
    "common": "shuangsuiji.site.common_urls",
    "items": "shuangsuiji.items.urls",
    "directory": "shuangsuiji.directory.urls",
    "inspectors": "shuangsuiji.inspectors.urls",
    "portal": "shuangsuiji.portal.urls",
    "draws": "shuangsuiji.draws.urls",
    "public_draws": "shuangsuiji.portal.draw_urls",
    "plans": "shuangsuiji.plans.urls",
    "public_plans": "shuangsuiji.portal.plan_urls",
    "results": "shuangsuiji.results.urls",
    "notices": "shuangsuiji.notices.urls",
    "credit": "shuangsuiji.credit.urls",
    "clues": "shuangsuiji.clues.urls",
    "meeting": "shuangsuiji.meeting.urls",
    "push": "shuangsuiji.push.urls",
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
            return refusal_page(request, Forbidden("该地址未列入权限表，已拒绝访问。"))
        if rule.public:
            return None
        if not request.user.is_authenticated:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先登录。"}, status=401)
            return self.handle_no_permission(request, view_func)
        if request.user.must_change_password and name not in FIRST_PASSWORD_PAGES:
            return first_password_page(request)
        if not rule.allows(request.user):
            return refusal_page(request, Forbidden("您的角色无权访问此页面。"))
        return None


FIRST_PASSWORD_PAGES = ("accounts:password", "accounts:logout")


def first_password_page(request):
    """An account opened by an administrator works only once its owner has replaced the first password (which
    passed through other hands): pages go to 修改密码, the API answers 403 in words."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "首次登录，请先在网页上修改初始密码。"}, status=403)
    return redirect("accounts:password")


# ------------------------------------------------------------------------------------ limits at the door

MULTIPART_SLACK = 1024 * 1024  # boundaries and the form's other fields around the file


def upload_limit(view_name: str) -> int:
    """The largest file a route accepts: each app declares ``UPLOAD_LIMITS`` beside its ``PERMISSIONS``
    (found the same way, through ``SOURCES``); every other route gets SSJ_MAX_UPLOAD_BYTES."""
    namespace, _, name = view_name.rpartition(":")
    module = SOURCES.get(namespace)
    limit = getattr(import_module(module), "UPLOAD_LIMITS", {}).get(name) if module else None
    return limit() if limit else settings.SSJ_MAX_UPLOAD_BYTES


class UploadLimitMiddleware:
    """Refuses an upload above its route's limit from the Content-Length header, before anything reads the
    body: CsrfViewMiddleware would otherwise parse — and spool to disk — the whole file first. Placed
    before it; the same Chinese answer for every upload (JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH") and request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            from django.urls import Resolver404, resolve

            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            try:
                limit = upload_limit(resolve(request.path_info).view_name)
            except Resolver404:
                limit = settings.SSJ_MAX_UPLOAD_BYTES
            if length < 0 or length > limit + MULTIPART_SLACK:
                return refuse_upload(request, length, limit)
        return self.get_response(request)


def refuse_upload(request, length: int, limit: int):
    size = "大小不明" if length < 0 else f"约 {length / 1048576:.1f} MB"
    message = (f"上传的内容{size}，超过此处的上限 {max(limit // 1048576, 1)} MB，未接收任何内容；"
               "请确认选择了正确的文件，或压缩、拆分后重试。")
    return refusal_page(request, TooLarge(message))
