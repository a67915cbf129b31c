"""The inspector's pages as an installable web app that works without signal.

`/field/sw.js` is the service worker (its scope is `/field/`): it keeps the pages'
script, style and icons, and a copy of each field page the tablet has opened or stored
ahead (network first; the copy when there is no signal or it is too slow). The queue of
findings captured offline lives in the browser's IndexedDB (`static/js/outbox.js`)."""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# What every field page needs, kept at install.
SHELL_FILES = (
    "css/app.css",
    "js/outbox.js",
    "js/field.js",
    "js/signature.js",
    "img/favicon.svg",
    "img/icon-192.png",
    # The camera barcode reader, so that it reads without signal (docs/barcode-scanning.md).
    "js/barcode-scan.js",
    "vendor/barcode-detector/barcode-detector.js",
    "vendor/barcode-detector/zxing_reader.wasm",
)
WORKER_FILE = "js/field-sw.js"


def _worker_source() -> str:
    # Read afresh while developing, so that an edited script reaches the browser.
    return _build_worker() if settings.DEBUG else _cached_worker()


def _build_worker() -> str:
    """The worker with its file list and a version drawn from the bytes it keeps: a
    change to any of them changes the worker, and the browser installs the new one."""
    digest = hashlib.sha256()
    for name in (*SHELL_FILES, WORKER_FILE):
        with open(finders.find(name), "rb") as handle:
            digest.update(handle.read())
    shell = [static(name) for name in SHELL_FILES] + [reverse("field-offline")]
    with open(finders.find(WORKER_FILE), encoding="utf-8") as handle:
        body = handle.read()
    header = (
        f"var VERSION = {json.dumps(digest.hexdigest()[:16])};\n"
        f"var SHELL = {json.dumps(shell)};\n"
        f"var OFFLINE_URL = {json.dumps(reverse('field-offline'))};\n"
    )
    return header + body


_cached_worker = cache(_build_worker)


@require_GET
@never_cache
def service_worker(request):
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/field/"
    return response


@require_GET
def manifest(request):
    body = {
        "name": _("Kiểm tra hiện trường — Giám sát chất lượng hàng hóa"),
        "short_name": _("Kiểm tra"),
        "description": _("Danh mục kiểm tra và kết quả tại chỗ, cả khi mất mạng."),
        "lang": (request.LANGUAGE_CODE or "vi")[:2],
        "start_url": reverse("field-today"),
        "scope": "/field/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": "#0b4a8b",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response


@require_GET
def offline(request):
    """What the worker shows for a field page the tablet never stored. Public and
    without data: it is fetched at install, whoever is signed in."""
    return render(request, "inspections/field/offline.html", {"outbox_text": outbox_text()})


def outbox_text() -> dict:
    """The words `static/js/outbox.js` shows, in the page's language."""
    return {
        "queue": _("Hàng chờ gửi"),
        "waiting": _("Chờ gửi"),
        "sending": _("Đang gửi"),
        "sent": _("Đã gửi"),
        "failed": _("Lỗi"),
        "online": _("Có mạng"),
        "offline": _("Mất mạng: kết quả được lưu trên máy và tự gửi khi có mạng."),
        "empty": _("Không có kết quả nào chờ gửi."),
        "summary": _("%(waiting)s chờ gửi · %(sent)s đã gửi · %(failed)s lỗi"),
        "photos": _("ảnh %(sent)s/%(total)s"),
        "photo_progress": _("đang gửi ảnh %(name)s: %(percent)s%%"),
        "photo_failed": _("Ảnh %(name)s không gửi được: %(reason)s"),
        "photo_too_large": _("Ảnh %(name)s lớn hơn %(max)s MB: không lưu."),
        "edit": _("Sửa lại"),
        "retry": _("Gửi lại"),
        "retry_later": _("Máy chủ chưa nhận được; sẽ thử lại."),
        "discard": _("Bỏ"),
        "discard_confirm": _("Bỏ kết quả này khỏi hàng chờ? Dữ liệu trên máy sẽ bị xóa."),
        "login": _("Phiên đăng nhập đã hết: hãy đăng nhập lại để gửi. Dữ liệu vẫn trên máy."),
        "other_user": _("%(count)s kết quả của tài khoản khác đang chờ trên máy này."),
        "unsupported": _("Trình duyệt này không lưu được dữ liệu khi mất mạng."),
        "storage_full": _("Bộ nhớ của trình duyệt đã đầy: chưa lưu được. Hãy gửi hoặc xóa bớt."),
    }
