"""A Content-Security-Policy on every response that does not set its own.

Everything we serve comes from this site (no CDN, no inline script). The policy stops
injected markup from running script even if an escaping mistake ever let some in.
Swagger UI sets inline styles, hence 'unsafe-inline' for styles only. The one other
origin is the object store, for images, when photos are delivered as signed URLs
(registry/media.py).
"""

from registry.media import media_origin


def policy(media: str | None = None) -> str:
    images = " ".join(["'self'", "data:", *([media] if media else [])])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


POLICY = policy()


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy(media_origin()))
        return response
