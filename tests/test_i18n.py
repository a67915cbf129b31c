"""Vietnamese msgids, English catalog: complete, compiled and in step with the source."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
SOURCES = [
    "config",
    "registry",
    "whistleblower",
    "complaints",
    "inspections",
    "violations",
    "review",
    "api",
    "templates",
]


def msgids(po_text: str) -> set[str]:
    """The msgids of a .po file (multi-line ones joined), without the header."""
    ids, current, reading = set(), [], False
    for line in [*po_text.splitlines(), ""]:
        if line.startswith("msgid "):
            current, reading = [line[6:]], True
        elif reading and line.startswith('"'):
            current.append(line)
        else:
            if reading:
                text = "".join(part.strip()[1:-1] for part in current)
                if text:
                    ids.add(text)
            reading = False
    return ids


def test_every_entry_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    entries = text.split("\n\n")[1:]
    # An empty msgstr is one not followed by a continuation line ("...").
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', e + "\n", re.M)]
    assert not untranslated, untranslated[:3]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools are not installed")
def test_the_compiled_catalog_is_current(tmp_path):
    mo = PO.with_suffix(".mo")
    assert mo.exists(), "run `make messages`"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)
    assert fresh.read_bytes() == mo.read_bytes(), (
        "django.mo is not django.po compiled: run `make messages`"
    )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_the_catalog_has_every_msgid_of_the_source(tmp_path):
    """makemessages on a copy of the source finds nothing the catalog lacks."""
    for name in [*SOURCES, "manage.py"]:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(
                source, target, ignore=shutil.ignore_patterns("__pycache__", "migrations")
            )
        else:
            shutil.copy(source, target)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--ignore=.venv"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(tmp_path),
        },
    )
    fresh = msgids((tmp_path / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    missing = fresh - msgids(PO.read_text(encoding="utf-8"))
    assert not missing, f"run `make messages` and translate: {sorted(missing)[:5]}"


def test_english_pages_are_english(client, db):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Đăng nhập" not in page


def test_translation_functions_keep_names_that_makemessages_finds():
    """`gettext_lazy as _lazy` hides every string from makemessages: it knows `_`,
    `gettext`, `gettext_lazy`, `ngettext`, `pgettext` and their lazy forms only."""
    alias = re.compile(r"import[^\n]*\b(?:n|p|np)?gettext(?:_lazy)?\s+as\s+(?!_\b)(\w+)")
    hidden = [
        f"{path.relative_to(ROOT)}: as {match.group(1)}"
        for folder in SOURCES
        for path in (ROOT / folder).rglob("*.py")
        for match in alias.finditer(path.read_text(encoding="utf-8"))
    ]
    assert hidden == []
