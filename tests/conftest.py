"""Personas, as in the rest of the suite:

- alice: inspector and team lead in Hà Nội (unit 01), the owner of most test objects;
- bob: supervisor in Hà Nội, alice's colleague who sees the whole unit;
- charlie: inspector in Hồ Chí Minh City (unit 79), who must see nothing of Hà Nội's;
- nadia: supervisor at the national body (unit TW), who sees every unit;
- audrey: auditor in Hà Nội;
- olga: complaint officer in Hà Nội; oscar: complaint officer in Hồ Chí Minh City;
- cora: identity custodian in Hà Nội;
- ivan: inspector in Hà Nội, on none of alice's inspections unless a test puts him there.
"""

import pytest
from django.conf import settings
from django.test import Client

from registry.models import Role
from registry.roles import sync_role_groups
from tests.factories import DEFAULT_PASSWORD, UserFactory, unit
from tests.second_factor import UnverifiedClient
from tests.second_factor import install as second_factor_sessions
from tests.serial_live_server import install as serial_live_server

serial_live_server()
# The test client's sign-ins pass the second factor too (tests/second_factor.py); the
# tests of the second factor itself use `unverified_client`.
second_factor_sessions()


def _uses_services(request) -> bool:
    return request.node.get_closest_marker("services") is not None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    # On PostgreSQL the audit table refuses DELETE/TRUNCATE; the suite's flush between
    # transactional tests needs it unlocked (see registry migration 0002).
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        options = settings.DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = "-c registry.audit_unlocked=on"


@pytest.fixture(autouse=True)
def _celery_mode(request, settings):
    """Tasks run in-process after commit, unless the test runs a real worker."""
    from config.celery import app

    eager = not _uses_services(request)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Each test its own media folder: files a test writes never outlive it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a request in English leaves English active in the
    thread (LocaleMiddleware activates, nothing deactivates)."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def roles(db):
    sync_role_groups()


@pytest.fixture
def alice(roles):
    return UserFactory(username="alice", unit=unit("01"), roles=[Role.INSPECTOR, Role.TEAM_LEAD])


@pytest.fixture
def bob(roles):
    return UserFactory(username="bob", unit=unit("01"), roles=[Role.SUPERVISOR])


@pytest.fixture
def charlie(roles):
    return UserFactory(username="charlie", unit=unit("79"), roles=[Role.INSPECTOR])


@pytest.fixture
def nadia(roles):
    return UserFactory(username="nadia", unit=unit("TW"), roles=[Role.SUPERVISOR])


@pytest.fixture
def audrey(roles):
    return UserFactory(username="audrey", unit=unit("01"), roles=[Role.AUDITOR])


@pytest.fixture
def olga(roles):
    return UserFactory(username="olga", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER])


@pytest.fixture
def oscar(roles):
    return UserFactory(username="oscar", unit=unit("79"), roles=[Role.COMPLAINT_OFFICER])


@pytest.fixture
def cora(roles):
    return UserFactory(username="cora", unit=unit("01"), roles=[Role.IDENTITY_CUSTODIAN])


@pytest.fixture
def ivan(roles):
    return UserFactory(
        username="ivan", unit=unit("01"), roles=[Role.INSPECTOR], full_name="Đỗ Văn Ích"
    )


@pytest.fixture
def client_for():
    """A logged-in browser client for a user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def unverified_client():
    """A client whose sign-in stops after the password (no second factor passed)."""
    return UnverifiedClient()


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """SeaweedFS on loopback (tests/objectstore.py), started once for the tests that ask."""
    from tests.objectstore import seaweedfs

    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as store:
        yield store


@pytest.fixture
def s3_media(s3_server, settings):
    """This test's media in a fresh private bucket, as MEDIA_STORAGE=s3 configures it."""
    from types import SimpleNamespace

    bucket = s3_server.new_bucket()
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_server.options(bucket),
        },
    }
    yield SimpleNamespace(store=s3_server, bucket=bucket, keys=lambda: s3_server.keys(bucket))
    s3_server.drop_bucket(bucket)
