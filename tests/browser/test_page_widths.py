"""Staff pages fit the screen at 800, 1280 and 1440 px (real Chromium): no document wider
than its viewport. Screenshots in test-artifacts/."""

import pytest

from inspections import services
from inspections.models import ChecklistItem, Inspection
from tests.browser.chromium import chromium_page
from tests.browser.test_public_filing import ARTIFACTS, pytestmark  # noqa: F401
from tests.inspections.helpers import decided_inspection

PASSWORD = "Độ-rộng-trang-2026"
WIDTHS = (800, 1280, 1440)


@pytest.fixture
def desk(live_server, monkeypatch):
    with chromium_page(monkeypatch) as page:
        yield page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_checklist_item_page_is_no_wider_than_the_screen(desk, live_server, alice, bob):
    """Its hidden photo inputs once took the viewport's width from their own left edge."""
    ARTIFACTS.mkdir(exist_ok=True)
    alice.set_password(PASSWORD)
    alice.save()
    inspection = decided_inspection(supervisor=bob, lead=alice)
    services.inspection_transition(by=alice, inspection=inspection, to=Inspection.Status.ON_SITE)
    item = ChecklistItem.objects.filter(template__scope="label").first()

    desk.goto(f"{live_server.url}/login/")
    desk.fill("input[name=username]", alice.username)
    desk.fill("input[name=password]", PASSWORD)
    desk.click("main form button[type=submit]")
    desk.wait_for_load_state()
    for path, name in (
        (f"/field/inspections/{inspection.pk}/items/{item.pk}/", "item"),
        (f"/field/inspections/{inspection.pk}/", "inspection"),
        ("/provisions/", "provisions"),
    ):
        for width in WIDTHS:
            desk.set_viewport_size({"width": width, "height": 900})
            desk.goto(f"{live_server.url}{path}")
            desk.wait_for_load_state()
            scrolled = desk.evaluate("document.documentElement.scrollWidth")
            desk.screenshot(path=str(ARTIFACTS / f"width-{name}-{width}.png"), full_page=True)
            assert scrolled <= width, (path, width, scrolled)


# --- Every page of the demo ------------------------------------------------------------------

PHONE = 360
# Staff pages also read on a phone: the dashboard (once 608 px wide at 360 px).
STAFF_ON_PHONES = ("/review/", "/clocks/", "/home/supervisor/", "/home/complaint_officer/")
# Not pages: the service worker, the manifest, health checks, language switch, sign-out.
NOT_PAGES = ("field-sw", "field-manifest", "health-live", "health-ready", "set_language", "logout")
# A URL argument -> the model whose demo rows fill it ("app.Model").
OBJECTS = {
    "complaint_id": "complaints.Complaint",
    "unit_id": "registry.Unit",
    "operator_id": "registry.EconomicOperator",
    "product_id": "registry.Product",
    "provision_id": "registry.LegalProvision",
    "entry_id": "registry.AuditEntry",
    "inspection_id": "inspections.Inspection",
    "plan_id": "inspections.InspectionPlan",
    "sample_id": "inspections.Sample",
    "minutes_id": "inspections.Minutes",
    "item_id": "inspections.ChecklistItem",
    "alert_id": "violations.ProductAlert",
    "record_id": "violations.ViolationRecord",
    "decision_id": "violations.PenaltyDecision",
    "follow_up_id": "violations.FailedTestFollowUp",
}
# Who opens the staff pages: the first of them who gets the page.
VIEWERS = (
    "lanhdao.hn",
    "truongdoan.hn",
    "kiemtra.hn",
    "tiepnhan.hn",
    "nhanthan.hn",
    "kiemtoan.hn",
    "phapche.tw",
    "quantri.hn",
)


def _patterns():
    """(name, route converters) of every named URL pattern outside the admin and the API."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                route = prefix + str(p.pattern)
                if not route.startswith(("admin/", "api/")):
                    yield from walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and p.name and p.name not in NOT_PAGES:
                # A regular expression's named groups are its arguments too (re_path).
                yield p.name, list(p.pattern.converters) or list(p.pattern.regex.groupindex)

    return list(walk(get_resolver().url_patterns))


def _candidate_urls(user) -> list[tuple[str, str]]:
    """(group, url): every URL without arguments, every role's home page of `user`, every
    work list, and for the patterns whose arguments name demo objects, a URL per
    combination of the last few of each kind, grouped by pattern: one page per kind is
    enough (a page that 404s for one object may open for another)."""
    from itertools import product

    from django.apps import apps
    from django.urls import reverse

    from registry import home

    urls = []
    for name, args in _patterns():
        if not args:
            url = reverse(name)
            urls.append((url, url))
        elif args == ["role"]:
            for role in user.role_names:
                url = reverse(name, kwargs={"role": role})
                urls.append((url, url))
        elif args == ["key"]:
            for key in home._LISTS:
                url = reverse(name, kwargs={"key": key})
                urls.append((url, url))
        elif all(arg in OBJECTS for arg in args):
            choices = [
                apps.get_model(OBJECTS[arg])
                .objects.order_by("-pk")
                .values_list("pk", flat=True)[:3]
                for arg in args
            ]
            for values in product(*choices):
                urls.append((name, reverse(name, kwargs=dict(zip(args, values, strict=True)))))
    return urls


def _html(client, url, broken: dict) -> bool:
    try:
        response = client.get(url)
    except Exception as exc:  # a page that raises: reported, and the test fails
        broken[url] = repr(exc)[:200]
        return False
    if response.status_code >= 500:
        broken[url] = str(response.status_code)
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def demo_pages():
    """{username: [paths]} of the staff pages, each with the first viewer who gets it;
    the public pages (anonymous, 200 HTML); and the pages that failed to render."""
    from django.test import Client

    from registry.models import User

    anonymous = Client()
    public, staff, done, broken = [], {}, set(), {}
    for username in VIEWERS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        for group, url in _candidate_urls(user):
            if group in done:
                continue
            if _html(anonymous, url, broken):
                public.append(url)
                done.add(group)
            elif _html(client, url, broken):
                staff.setdefault(username, []).append(url)
                done.add(group)
                broken.pop(url, None)
    return staff, public, broken


def _session_cookie(user, base_url) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}


def _too_wide(page, base_url, path, width, name) -> tuple | None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}{path}")
    page.wait_for_load_state()
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    if scrolled <= width:
        return None
    page.screenshot(path=str(ARTIFACTS / f"too-wide-{name}-{width}.png"), full_page=True)
    return (path, width, scrolled)


def _slug(path: str) -> str:
    return path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "root"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_of_the_demo_is_wider_than_the_screen(live_server, monkeypatch):
    """Every staff page of the demo data at 1440, 1280 and 800 px, and every public
    page at 360 px with JavaScript off: no document wider than its viewport."""
    from io import StringIO

    from django.core.management import call_command

    from registry.models import User

    ARTIFACTS.mkdir(exist_ok=True)
    for command in (
        "seed_demo",
        "seed_demo_provisions",
        "seed_demo_inspections",
        "seed_demo_cases",
        "seed_demo_reports",
    ):
        call_command(command, stdout=StringIO())
    staff, public, broken = demo_pages()
    # A page of the demo that does not render at all (a server error) is a failure too.
    assert not broken, f"Pages that failed to render: {broken}"
    assert sum(len(paths) for paths in staff.values()) > 30, staff
    assert "/" in public or "/phan-anh/" in public, public

    too_wide = []
    with chromium_page(monkeypatch) as page:
        for username, paths in staff.items():
            page.context.clear_cookies()
            page.context.add_cookies(
                [_session_cookie(User.objects.get(username=username), live_server.url)]
            )
            for path in paths:
                widths = (*WIDTHS, PHONE) if path in STAFF_ON_PHONES else WIDTHS
                for width in widths:
                    found = _too_wide(page, live_server.url, path, width, _slug(path))
                    if found:
                        too_wide.append((username, *found))
    with chromium_page(monkeypatch, java_script_enabled=False) as phone:
        for path in public:
            found = _too_wide(phone, live_server.url, path, PHONE, "public-" + _slug(path))
            if found:
                too_wide.append(("anonymous", *found))
    assert not too_wide, "\n".join(map(str, too_wide))
