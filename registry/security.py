"""A Content-Security-Policy on every response that does not set its own.

Everything we serve comes from this site (no CDN, no inline script). The policy stops
injected markup from running script even if an escaping mistake ever let some in.
Swagger UI sets inline styles, hence 'unsafe-inline' for styles only.
"""

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
