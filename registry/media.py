"""Handing a stored file to the one user a view has just allowed to have it.

Every photo, minutes and decision is served by a view that checks permissions first;
the media storage itself is never reachable (no MEDIA_URL route on the filesystem, a
private bucket on S3). Once the check has passed, the file goes either through the web
process (the default), or, with MEDIA_SIGNED_URL_SECONDS > 0 on S3, as a redirect to
a URL the store honours for that many seconds: the web process then moves no bytes, at
the price that whoever holds that URL may fetch the file until it expires.
"""

from django.conf import settings
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

PRIVATE = "private, no-store"


def file_response(
    field,
    *,
    filename: str,
    content_type: str | None = None,
    attachment: bool = False,
    sandbox: bool = True,
):
    """The response that delivers `field` (a FieldFile) under `filename`."""
    disposition = content_disposition_header(attachment, filename)
    if settings.MEDIA_SIGNED_URL_SECONDS and settings.MEDIA_STORAGE == "s3":
        parameters = {"ResponseContentDisposition": disposition, "ResponseCacheControl": PRIVATE}
        if content_type:
            parameters["ResponseContentType"] = content_type
        url = field.storage.url(
            field.name, parameters=parameters, expire=settings.MEDIA_SIGNED_URL_SECONDS
        )
        response = HttpResponseRedirect(url)
        # The signed address must not leak to another site through the Referer header.
        response["Referrer-Policy"] = "no-referrer"
    else:
        response = FileResponse(field.open("rb"), content_type=content_type)
        response["Content-Disposition"] = disposition
        response["X-Content-Type-Options"] = "nosniff"
        if sandbox:
            response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = PRIVATE
    return response


def media_origin() -> str | None:
    """The S3 store's origin when browsers are sent to it (for the page's CSP)."""
    if not (settings.MEDIA_SIGNED_URL_SECONDS and settings.MEDIA_STORAGE == "s3"):
        return None
    from urllib.parse import urlsplit

    options = settings.STORAGES["default"]["OPTIONS"]
    parts = urlsplit(options["endpoint_url"])
    if options.get("addressing_style") == "virtual":
        return f"{parts.scheme}://{options['bucket_name']}.{parts.netloc}"
    return f"{parts.scheme}://{parts.netloc}"
