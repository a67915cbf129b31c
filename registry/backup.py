"""Backup and restore of the database and the media, and the checks a restore drill needs.

A backup is a folder:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite, through its online backup API): the whole database, taken in one snapshot;
- ``media.tar``: every file of the media storage (filesystem or S3 bucket, read through
  the storage API), taken after the database, and ``media.sha256`` listing each file's
  SHA-256;
- ``manifest.json``: what the backup holds (row counts of the records that matter, the
  audit chain's length and last hash, the SHA-256 of the three files above).

Restore checks the three files against the manifest before it touches anything, refuses
a database or storage that already holds data unless told to wipe it, loads the
database, puts back every file, then proves the result: row counts and the audit
chain's head as in the manifest, the chain verifying from its first row, and every file
the database refers to present with the bytes it had.

What a backup holds is as sensitive as the database: reporter identities stay sealed
(whistleblower/crypto.py), receipts are keyed hashes, but reports and photos are in
clear. Keep backups encrypted at rest and on their way off the machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from registry import access_cache, reference_cache

FORMAT = 1
CHUNK = 1024 * 1024
# Probe files the readiness check writes and deletes (registry/health.py).
SKIPPED_PREFIXES = ("health/",)
# The records a restore must bring back, counted in the manifest.
COUNTED = [
    "complaints.Complaint",
    "complaints.ComplaintMessage",
    "complaints.ComplaintPhoto",
    "whistleblower.SealedIdentity",
    "inspections.Inspection",
    "inspections.Finding",
    "inspections.EvidencePhoto",
    "registry.AuditEntry",
    "registry.User",
]


class BackupError(Exception):
    pass


@dataclass
class RestoreReport:
    counts: dict[str, int]
    files: int
    audit_rows: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    args += ["-U", db.get("USER") or "postgres", "-d", db["NAME"]]
    environment = {**os.environ}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = db["PASSWORD"]
    return args, environment


def _run(command: list[str], environment: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client).")
    result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def audit_head() -> dict:
    from registry.models import AuditChainHead

    head = AuditChainHead.objects.get(pk=1)
    return {"length": head.length, "last_hash": head.last_hash}


def referenced_files() -> set[str]:
    """Every file name a FileField of any model refers to."""
    names: set[str] = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.fields if isinstance(f, models.FileField)]
        for field_name in fields:
            rows = model._base_manager.exclude(**{field_name: ""}).exclude(
                **{f"{field_name}__isnull": True}
            )
            names.update(rows.values_list(field_name, flat=True).iterator())
    return names


def media_names(storage=default_storage, folder: str = ""):
    """Every file in the storage, depth first, in a stable order."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return  # a media folder not made yet: nothing stored
    for name in sorted(files):
        path = f"{folder}/{name}" if folder else name
        if not path.startswith(SKIPPED_PREFIXES):
            yield path
    for directory in sorted(directories):
        yield from media_names(storage, f"{folder}/{directory}" if folder else directory)


# --- Backup ------------------------------------------------------------------------------


def _dump_database(target: Path) -> tuple[str, dict, dict]:
    """The dump's file name, and the row counts and audit head it holds."""
    if _postgres():
        if connection.in_atomic_block:
            raise BackupError("backup runs outside any transaction.")
        args, environment = _pg_args(connection.settings_dict)
        # pg_dump reads the snapshot this transaction exported, so the counts below are
        # exactly what the dump holds, however busy the database is meanwhile.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            found, head = counts(), audit_head()
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "-f", str(target), *args],
                environment,
            )
        return "database.dump", found, head
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        tables = {label: apps.get_model(label)._meta.db_table for label in COUNTED}
        found = {
            # Table names from the models' own metadata, not from input.
            label: copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608  # nosec B608
            for label, table in tables.items()
        }
        length, last_hash = copy.execute(
            "SELECT length, last_hash FROM registry_auditchainhead WHERE id = 1"
        ).fetchone()
    finally:
        copy.close()
    return "database.sqlite3", found, {"length": length, "last_hash": last_hash}


def _dump_media(tar_path: Path, sums_path: Path, storage) -> tuple[int, int]:
    files = size = 0
    with tarfile.open(tar_path, "w") as archive, sums_path.open("w") as sums:
        for name in media_names(storage):
            digest = hashlib.sha256()
            with storage.open(name, "rb") as source:
                # The storage may not know the size up front (S3 does, the disk does):
                # read once through a hashing wrapper of known length.
                length = storage.size(name)
                info = tarfile.TarInfo(name)
                info.size, info.mode = length, 0o600
                archive.addfile(info, _Hashing(source, digest))
            sums.write(f"{digest.hexdigest()}  {name}\n")
            files, size = files + 1, size + length
    return files, size


class _Hashing:
    def __init__(self, source, digest):
        self.source, self.digest = source, digest

    def read(self, size=-1):
        block = self.source.read(size)
        self.digest.update(block)
        return block


def backup(target: Path, *, storage=default_storage) -> dict:
    """Write a backup into `target` (a new or empty folder); returns its manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a folder of its own.")
    manifest = {"format": FORMAT, "taken_at": datetime.now(UTC).isoformat()}
    database, manifest["counts"], manifest["audit"] = _dump_database(target / "database.tmp")
    (target / "database.tmp").rename(target / database)
    manifest["engine"] = connection.vendor
    manifest["database"] = {"file": database, "sha256": _sha256_file(target / database)}
    files, size = _dump_media(target / "media.tar", target / "media.sha256", storage)
    manifest["media"] = {
        "file": "media.tar",
        "sha256": _sha256_file(target / "media.tar"),
        "sums": "media.sha256",
        "sums_sha256": _sha256_file(target / "media.sha256"),
        "files": files,
        "bytes": size,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


# --- Restore -----------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} holds no readable manifest.json: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    checks = [
        (manifest["database"]["file"], manifest["database"]["sha256"]),
        (manifest["media"]["file"], manifest["media"]["sha256"]),
        (manifest["media"]["sums"], manifest["media"]["sums_sha256"]),
    ]
    for name, expected in checks:
        path = source / name
        if not path.exists() or _sha256_file(path) != expected:
            raise BackupError(f"{name} is missing or damaged (its SHA-256 differs).")
    return manifest


def _database_holds_data() -> bool:
    from registry.models import AuditEntry

    if AuditEntry._meta.db_table not in connection.introspection.table_names():
        return False  # not even migrated
    return AuditEntry.objects.exists()


def _restore_database(manifest: dict, source: Path) -> None:
    dump = source / manifest["database"]["file"]
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database; this one is {connection.vendor}."
        )
    if _postgres():
        args, environment = _pg_args(connection.settings_dict)
        connection.close()
        _run(
            [
                "psql",
                "-v",
                "ON_ERROR_STOP=1",
                *args,
                "-c",
                "DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
            ],
            environment,
        )
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(dump),
            ],
            environment,
        )
        return
    connection.ensure_connection()
    copy = sqlite3.connect(dump)
    try:
        copy.backup(connection.connection)
    finally:
        copy.close()


def _wipe_media(storage) -> None:
    for name in list(media_names(storage)):
        storage.delete(name)


def _restore_media(source: Path, storage) -> int:
    restored = 0
    with tarfile.open(source / "media.tar", "r") as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = member.name
            if name.startswith("/") or ".." in Path(name).parts:
                raise BackupError(f"media.tar holds an unsafe name: {name!r}")
            handle = archive.extractfile(member)
            saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"{name} came back as {saved}: the storage was not empty.")
            restored += 1
    return restored


def _check_media(source: Path, storage, problems: list[str]) -> None:
    expected = {}
    for line in (source / "media.sha256").read_text().splitlines():
        digest, name = line.split("  ", 1)
        expected[name] = digest
    for name, digest in expected.items():
        if not storage.exists(name):
            problems.append(f"file missing after restore: {name}")
            continue
        actual = hashlib.sha256()
        with storage.open(name, "rb") as handle:
            while block := handle.read(CHUNK):
                actual.update(block)
        if actual.hexdigest() != digest:
            problems.append(f"file differs after restore: {name}")
    for name in sorted(referenced_files() - set(expected)):
        problems.append(f"the database refers to a file the backup does not hold: {name}")


def restore(source: Path, *, wipe: bool = False, storage=default_storage) -> RestoreReport:
    """Restore the backup in `source`; with `wipe`, over a database and storage that
    already hold data (which is then lost)."""
    from registry.audit import audit_verify

    manifest = read_manifest(source)
    has_files = next(iter(media_names(storage)), None) is not None
    if not wipe and (_database_holds_data() or has_files):
        raise BackupError(
            "The database or the media storage already holds data; restore --wipe replaces it."
        )
    _restore_database(manifest, source)
    # The restore sends no signal: forget every cached access (tokens, grants, roles made
    # after the backup must stop working at once) and every cached reference list.
    access_cache.everyone_changed()
    reference_cache.forget_all()
    if has_files:
        _wipe_media(storage)
    files = _restore_media(source, storage)

    problems = []
    found = counts()
    for label, expected in manifest["counts"].items():
        if found.get(label) != expected:
            problems.append(f"{label}: {found.get(label)} rows, the backup holds {expected}")
    if audit_head() != manifest["audit"]:
        problems.append("the audit chain's head differs from the backup's")
    chain = audit_verify()
    if not chain.ok:
        problems.append(f"audit chain broken at row {chain.broken_id}: {chain.reason}")
    _check_media(source, storage, problems)
    return RestoreReport(counts=found, files=files, audit_rows=chain.checked, problems=problems)
