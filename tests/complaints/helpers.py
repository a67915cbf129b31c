from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Complaint
from complaints.services import PhotoUpload, complaint_submit
from registry.models import Province

PHOTOS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "photos"
ROOT_PHOTO = "Canon_40D.jpg"


def photo_bytes(name: str = ROOT_PHOTO) -> bytes:
    path = PHOTOS / name
    if path.exists():
        return path.read_bytes()
    # Without the shared fixtures (e.g. a bare clone), a small JPEG made here.
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def photo_file(name: str = ROOT_PHOTO) -> SimpleUploadedFile:
    return SimpleUploadedFile("anh-chup.jpg", photo_bytes(name), content_type="image/jpeg")


def file_complaint(
    *, province_code: str = "01", photos: int | list = 0, identity: dict | None = None, **overrides
):
    """File a report as a citizen would; `photos` is a count of a sample photo or a list."""
    if isinstance(photos, int):
        photos = [PhotoUpload(data=photo_bytes(), filename="a.jpg")] * photos
    data = {
        "kind": Complaint.Kind.QUALITY,
        "product_name": "Nước mắm cá cơm",
        "product_brand": "Biển Xanh",
        "seller_name": "Tạp hóa Minh Tâm",
        "seller_address": "12 Hàng Bạc, Hoàn Kiếm",
        "seller_province": Province.objects.get(code=province_code),
        "description": "Chai nước mắm có mùi lạ, nhãn không ghi hạn sử dụng.",
        "photos": photos,
        "identity": identity,
        "network_key": "test-network",
    }
    data.update(overrides)
    return complaint_submit(**data)
