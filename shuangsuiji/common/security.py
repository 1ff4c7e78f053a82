"""Content-Security-Policy on every response: scripts only from our own static files, no framing.

Django 5.2 has no CSP of its own (6.0 adds one); one header needs no dependency. Templates carry no
inline scripts or event-handler attributes (a test checks), so ``script-src 'self'`` holds. Inline
styles stay allowed: Bootstrap's progress bars and htmx's indicator set style attributes.
"""

POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class InputTheDatabaseRefusesMiddleware:
    """Input the database cannot store is bad input, not a crash: 400 with a plain message.

    Forms validate these already; this catches what reaches a query from a path, a query string or an API
    body: an id of 2**63 (SQLite raises OverflowError before the query runs, PostgreSQL a DataError "out of
    range") or a NUL character (PostgreSQL refuses it in text). JSON under /api/, the error page elsewhere.
    """

    MESSAGES = {
        "out of range": "请求中的数字超出允许范围，请检查编号或参数。",
        "NUL": "输入中含有不允许的空字符（NUL），请删除后重试。",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError

        if isinstance(exception, OverflowError):
            message = self.MESSAGES["out of range"]
        elif isinstance(exception, DataError):
            message = next((m for key, m in self.MESSAGES.items() if key in str(exception)), None)
            if message is None:
                return None
        else:
            return None
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
        from django.shortcuts import render

        return render(request, "400.html", {"message": message}, status=400)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or — behind SSJ_PROXY_COUNT trusted proxies — the address the
    outermost of them saw, taken from the right of X-Forwarded-For (entries further left are client-written)."""
    from django.conf import settings

    proxies = getattr(settings, "SSJ_PROXY_COUNT", 0)
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
