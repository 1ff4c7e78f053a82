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
