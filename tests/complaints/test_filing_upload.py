"""The filing endpoint reads its photos into memory (no temporary file written and read
back), within COMPLAINT_MAX_REQUEST_BYTES; a larger body is refused as before."""

from unittest import mock

from django.core.files.uploadedfile import InMemoryUploadedFile

from complaints import api
from complaints.models import Complaint
from tests.complaints.helpers import photo_file
from tests.complaints.test_api import post_report


def spied_uploads():
    seen = []
    real = api.read_photos

    def spy(files):
        seen.extend(type(f) for f in files or [])
        return real(files)

    return seen, mock.patch.object(api, "read_photos", spy)


def test_photos_larger_than_the_memory_setting_stay_in_memory(db, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # Django would spool the photo to disk
    seen, spying = spied_uploads()
    with spying:
        response = post_report(photos=photo_file())
    assert response.status_code == 201, response.content
    assert seen == [InMemoryUploadedFile]


def test_a_body_over_the_filing_limit_keeps_djangos_handlers_and_is_refused(db, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    settings.COMPLAINT_MAX_REQUEST_BYTES = 200
    seen, spying = spied_uploads()
    with spying:
        response = post_report(photos=photo_file())
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert seen == []  # refused before the photos are read
    assert Complaint.objects.count() == 0
