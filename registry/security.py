"""A Content-Security-Policy on every response that does not set its own.

Everything we serve comes from this site (no CDN, no inline script). The policy stops
injected markup from running script even if an escaping mistake ever let some in.
Swagger UI sets inline styles, hence 'unsafe-inline' for styles only. The one other
origin is the object store, for images, when photos are delivered as signed URLs
(registry/media.py).

The pages with the camera barcode reader (registry/_barcode_scan.html) compile the
vendored ZXing WebAssembly module, which a browser refuses under `script-src 'self'`
alone: those views (and only those) are decorated with `allows_wasm` (or their response passed
to `with_wasm`, when only some of a view's pages have the reader), which adds
'wasm-unsafe-eval' (WebAssembly compilation only; JavaScript eval stays refused).
"""

from functools import wraps

from registry.media import media_origin


def policy(media: str | None = None, *, wasm: bool = False) -> str:
    images = " ".join(["'self'", "data:", *([media] if media else [])])
    scripts = "script-src 'self' 'wasm-unsafe-eval'" if wasm else "script-src 'self'"
    return "; ".join(
        [
            "default-src 'self'",
            scripts,
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


def with_wasm(response):
    """The response's page may compile WebAssembly (the barcode reader): its own policy,
    which the middleware then leaves as it is."""
    response.headers.setdefault("Content-Security-Policy", policy(media_origin(), wasm=True))
    return response


def allows_wasm(view):
    """`with_wasm` on every response of the view."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return with_wasm(view(request, *args, **kwargs))

    return wrapped
