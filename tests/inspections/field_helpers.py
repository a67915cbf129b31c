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
