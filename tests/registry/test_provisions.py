"""The catalogue as the migrations seeded it. Importing and exporting the catalogue (the
`provisions_import` and `provisions_export` commands among them) is tested in
test_catalogue_io.py."""

from registry.models import LegalProvision


def test_seeded_provisions_wait_for_verification(db):
    """The seeded rows come from secondary sources (registry/data/SOURCES.md)."""
    assert LegalProvision.objects.exists()
    assert not LegalProvision.objects.filter(status=LegalProvision.Status.VERIFIED).exists()
