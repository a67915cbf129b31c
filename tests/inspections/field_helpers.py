"""Shared bits of the tablet tests for samples and minutes."""

import base64
import re
import subprocess
from io import BytesIO

from django.test import Client
from PIL import Image, ImageDraw


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def jpeg(color=(10, 120, 200), size=(80, 60)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def drawn_png(seed: int = 0, blank: bool = False) -> bytes:
    """A signature as the canvas gives it: strokes on a transparent background."""
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if not blank:
        pen = ImageDraw.Draw(image)
        pen.line(
            [(20, 90 - seed), (80, 20), (140, 100), (220, 30 + seed), (280, 80)],
            fill=(11, 31, 68, 255),
            width=4,
        )
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def form_value(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'name="{name}" value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, name
    return match.group(1)


def pdf_bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(text.stdout.decode().split())


def pdf_image_count(data: bytes, tmp_path) -> int:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()
    return len([line for line in listing[2:] if line.strip()])


# --- Objects the access matrix's rows of the tablet's minutes pages need ------------------------
# Made inside the row's request savepoint (tests/test_access_matrix.py rolls it back).


def access_signature(w):
    """A drawn signature on the world's draft minutes."""
    import uuid

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from inspections.models import MinutesSignature

    signature = MinutesSignature(
        client_uuid=uuid.uuid4(),
        minutes=w.draft_minutes,
        kind=MinutesSignature.Kind.REPRESENTATIVE,
        name="Nguyễn Thị Lan",
        image_sha256="0" * 64,
        pdf_sha256=w.draft_minutes.pdf_sha256,
        signed_at=timezone.now(),
        recorded_by=w.alice,
    )
    signature.image.save("access.png", ContentFile(drawn_png()), save=True)
    return signature


def access_scan(w):
    """A photographed page of the world's draft minutes signed on paper."""
    from django.core.files.base import ContentFile

    from inspections.models import MinutesScan

    data = jpeg()
    scan = MinutesScan(
        minutes=w.draft_minutes,
        page=1,
        content_type="image/jpeg",
        sha256="1" * 64,
        byte_size=len(data),
        pdf_sha256=w.draft_minutes.pdf_sha256,
        uploaded_by=w.alice,
    )
    scan.file.save("access.jpg", ContentFile(data), save=True)
    return scan


def access_sample_fields() -> dict:
    import uuid

    return {
        "client_uuid": str(uuid.uuid4()),
        "product_name": "Nước mắm",
        "test_unit_seal": "X1",
        "retained_unit_seal": "X2",
        "sampling_record_number": "9/BB-LM",
    }


def access_signature_fields(w) -> dict:
    import uuid

    return {
        "client_uuid": str(uuid.uuid4()),
        "kind": "representative",
        "name": "Nguyễn Thị Lan",
        "pdf_sha256": w.draft_minutes.pdf_sha256,
        "image": data_url(drawn_png()),
    }
