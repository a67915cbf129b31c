"""The settings module, run in fresh processes as a deployment would."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env_vars: dict, tmp_path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")
    }
    clean.update({"VAR_DIR": str(tmp_path / "var"), **env_vars})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _ed25519_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def production_env(**extra) -> dict:
    return {
        "PROOF_SIGNING_KEY": _ed25519_pem(),
        "VAULT_RECOVERY_PUBLIC_KEY": "x25519:" + "A" * 42 + "Q",
        "APP_PROFILE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),
        "RECEIPT_KEY": secrets.token_urlsafe(32),
        "QUARANTINE_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "giamsat.example.vn",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        **extra,
    }


def test_production_profile_passes_check_deploy(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env_vars=production_env(), tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_with_the_development_secret(tmp_path):
    from config.settings import DEV_SECRET_KEY

    result = manage("check", env_vars=production_env(SECRET_KEY=DEV_SECRET_KEY), tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env_vars = production_env()
    del env_vars["SECRET_KEY"]
    result = manage("check", env_vars=env_vars, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache(tmp_path):
    env_vars = production_env()
    del env_vars["CACHE_URL"]
    result = manage("check", env_vars=env_vars, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def test_secrets_are_read_from_files(tmp_path):
    secret_file = tmp_path / "secret_key"
    secret_file.write_text(secrets.token_urlsafe(50) + "\n")
    env_vars = production_env(SECRET_KEY_FILE=str(secret_file))
    del env_vars["SECRET_KEY"]
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env_vars=env_vars, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr


def test_a_typo_in_a_boolean_stops_the_process(tmp_path):
    result = manage("check", env_vars={"DEBUG": "ture"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be True or False" in result.stderr


def test_database_url_must_be_postgresql(tmp_path):
    result = manage(
        "check", env_vars={"DATABASE_URL": "mysql://root@localhost/x"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_env_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("X_FLAG", "False")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "yes")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", True)
    monkeypatch.setenv("X_NUMBER", "12a")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUMBER", 1)
    secret = tmp_path / "s"
    secret.write_text("from-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env("X_SECRET") == "from-file"
    monkeypatch.setenv("X_SECRET", "both")
    with pytest.raises(ImproperlyConfigured):
        env("X_SECRET")


def test_embedded_default_is_sqlite_with_eager_tasks():
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        pytest.skip("this run is configured for PostgreSQL")
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True


def test_old_receipt_and_quarantine_keys_are_checked(tmp_path):
    old = secrets.token_urlsafe(32)
    rotated = production_env(RECEIPT_KEY_VERSION="2", RECEIPT_OLD_KEYS=f"1:{old}")
    rotated["QUARANTINE_OLD_KEYS"] = secrets.token_urlsafe(32)
    assert manage("check", env_vars=rotated, tmp_path=tmp_path).returncode == 0

    short = manage(
        "check",
        env_vars={**rotated, "RECEIPT_OLD_KEYS": "1:short"},
        tmp_path=tmp_path,
    )
    assert short.returncode != 0 and "RECEIPT_OLD_KEYS key of 32+" in short.stderr
    not_above = manage("check", env_vars={**rotated, "RECEIPT_KEY_VERSION": "1"}, tmp_path=tmp_path)
    assert not_above.returncode != 0 and "above every version" in not_above.stderr
    malformed = manage("check", env_vars={"RECEIPT_OLD_KEYS": f"one={old}"}, tmp_path=tmp_path)
    assert malformed.returncode != 0 and '"version:key" pairs' in malformed.stderr
    assert old not in malformed.stderr  # a key never reaches an error message
    quarantine = manage(
        "check", env_vars={**rotated, "QUARANTINE_OLD_KEYS": "short"}, tmp_path=tmp_path
    )
    assert quarantine.returncode != 0 and "QUARANTINE_OLD_KEYS" in quarantine.stderr
