"""Every form that posts carries its CSRF token. Django's test client skips the CSRF
check, so a form that lost its token passes every page test and fails in a browser; an
`{% include … only %}` drops the token unless it is passed on (`csrf_token=csrf_token`).
This reads the templates themselves."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INCLUDE = re.compile(r"{%\s*include\s+\"([^\"]+)\"([^%]*)%}")


def _posting_templates() -> set[str]:
    """Templates (relative names) with a {% csrf_token %} of their own."""
    return {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "{% csrf_token %}" in path.read_text(encoding="utf-8")
    }


def test_an_include_with_only_passes_the_csrf_token_on():
    posting = _posting_templates()
    assert len(posting) > 20, posting
    dropped = []
    for path in TEMPLATES.rglob("*.html"):
        for name, rest in INCLUDE.findall(path.read_text(encoding="utf-8")):
            words = rest.split()
            if name in posting and "only" in words and "csrf_token=csrf_token" not in words:
                dropped.append(f"{path.relative_to(TEMPLATES)} includes {name}")
    assert not dropped, dropped


def test_every_post_form_in_a_template_has_its_token():
    """A <form method="post"> whose template has no {% csrf_token %} is refused by the
    browser's first post."""
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
            opening = form.split(">", 1)[0].lower()
            if 'method="post"' in opening and "{% csrf_token %}" not in form:
                missing.append(f"{path.relative_to(TEMPLATES)}: {opening[:80]}")
    assert not missing, missing
