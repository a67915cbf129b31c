"""Every page and endpoint, for anonymous / a user of another unit / the right user /
each role.

The table below must name every route the project serves: a new page or endpoint
without a row fails `test_every_endpoint_has_a_declared_expectation`, and a row without
`roles=` fails `test_every_row_declares_what_each_role_gets`. Expectations:

- anon: 302 (login redirect) for pages, 401 for the API, 200 for public ones;
- other: what charlie (Hồ Chí Minh City inspector) gets for alice's (Hà Nội) object:
  404 for anything scoped; 200 for reference data every staff member shares;
- ok: what the right user gets;
- roles: what each role of Hà Nội gets (one persona per role, holding only that role,
  placed on or off the object's team / grant: tests/access/roles.py), and from it what the
  same role of Hồ Chí Minh City gets (`Access.other`).
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api.main import api
from registry.models import Notification
from tests.access.roles import (
    ADMIN_SITE,
    AGENCY,
    AUDITORS,
    CUSTODIANS,
    EVERYONE,
    FACTOR_RESETTERS,
    FIELD_TOOLS,
    GRANTED_HANDLER,
    HANDLERS,
    INSPECTION_CREATORS,
    LEAD_ONLY,
    NATIONAL_ONLY,
    NOBODY,
    NOTICE_READERS,
    OTHER_CASES,
    OWN_CASES,
    OWN_LIST,
    PLAN_APPROVERS,
    PLAN_READERS,
    PLAN_SUBMITTERS,
    PLANNERS,
    PROTECTION_INFORMERS,
    PROTECTORS,
    RECORDERS,
    REVIEWERS,
    ROLE_HOME,
    SUPERVISORS_OF_REPORTS,
    TEAM,
    Access,
    allow,
)
from tests.access.world import World, build_world
from tests.complaints.helpers import photo_file
from tests.factories import unit
from tests.inspections import field_helpers
from whistleblower import vault


@dataclass
class Row:
    method: str
    route: str  # as discovered: a Django route, or "/api/v1/..." with {params}
    url: Callable[[World], str]
    ok_user: str = "alice"
    ok: int = 200
    other: int | None = 404  # None: no meaningful "other unit" case
    anon: int = 302
    body: Callable[[World], dict | bytes] | None = None
    multipart: bool = False
    roles: Access | None = None  # what each role gets: see tests/access/roles.py

    def __repr__(self):
        return f"Row({self.method} {self.route})"


def _static(path):
    return lambda w: path


# A risk assessment (registry/risk_levels.py): severe, likely, so serious.
RISK = {
    "hazard": "electric_shock",
    "severity": 4,
    "probability": "gt_1_100",
    "reasoning": "Chạm vào chân cắm lộ ra khi rút phích.",
}


ROWS = [
    # Pages
    # The citizens' home; a signed-in user goes on to their role's home.
    Row("GET", "", _static("/"), ok=302, other=302, anon=200, roles=EVERYONE),
    Row("GET", "login/", _static("/login/"), ok=302, other=None, anon=200, roles=EVERYONE),
    # Health probes: public, without data.
    Row("GET", "healthz", _static("/healthz"), other=200, anon=200, roles=EVERYONE),
    Row("GET", "readyz", _static("/readyz"), other=200, anon=200, roles=EVERYONE),
    Row("POST", "logout/", _static("/logout/"), ok=302, other=None, anon=302, roles=EVERYONE),
    # The second factor (docs/second-factor.md). Every persona's session has passed it
    # (tests/second_factor.py), so the second step sends them on. The personas whose
    # role requires a factor have an authenticator app; the others have none, so there
    # is nothing to remove (back to the security page). Each page's form is posted in
    # tests/registry/test_second_factor.py.
    Row(
        "GET",
        "login/second-factor/",
        _static("/login/second-factor/"),
        ok=302,
        other=302,
        roles=EVERYONE,
    ),
    Row("GET", "account/security/", _static("/account/security/"), other=200, roles=EVERYONE),
    Row(
        "GET",
        "account/security/totp/",
        _static("/account/security/totp/"),
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "account/security/totp/remove/",
        _static("/account/security/totp/remove/"),
        ok=302,
        other=302,
        roles=EVERYONE.but(
            supervisor=200, national=200, custodian=200, auditor=200, admin=200
        ).but_other(supervisor=200, custodian=200, auditor=200, admin=200),
    ),
    Row(
        "GET",
        "account/security/recovery-codes/",
        _static("/account/security/recovery-codes/"),
        other=200,
        roles=EVERYONE,
    ),
    # Passkeys (registry/passkey_views.py). Adding one: the page and its JSON steps, for
    # anyone's own account (an empty answer is a 400). pia's key is hers alone. At the
    # second step, only a user with a key gets the options (409 otherwise).
    Row(
        "GET",
        "account/security/passkeys/new/",
        _static("/account/security/passkeys/new/"),
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "POST",
        "account/security/passkeys/new/options/",
        _static("/account/security/passkeys/new/options/"),
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "POST",
        "account/security/passkeys/new/verify/",
        _static("/account/security/passkeys/new/verify/"),
        ok=400,
        other=400,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "account/security/passkeys/<int:device_id>/rename/",
        lambda w: f"/account/security/passkeys/{w.passkey.pk}/rename/",
        ok_user="pia",
        roles=NOBODY,
    ),
    Row(
        "GET",
        "account/security/passkeys/<int:device_id>/remove/",
        lambda w: f"/account/security/passkeys/{w.passkey.pk}/remove/",
        ok_user="pia",
        roles=NOBODY,
    ),
    Row(
        "POST",
        "login/passkey/options/",
        _static("/login/passkey/options/"),
        ok_user="pia",
        other=409,
        roles=allow(refused=409),
    ),
    Row(
        "POST",
        "login/passkey/verify/",
        _static("/login/passkey/verify/"),
        ok=400,
        other=400,
        roles=EVERYONE,
    ),
    # A lost factor: the administrators of the account's unit (national ones too).
    Row(
        "GET",
        "staff/factor-resets/",
        _static("/staff/factor-resets/"),
        ok_user="admin",
        other=403,
        roles=FACTOR_RESETTERS.but_other(admin=200),
    ),
    Row(
        "GET",
        "staff/factor-resets/<int:reset_id>/",
        lambda w: f"/staff/factor-resets/{w.factor_reset.pk}/",
        ok_user="admin",
        other=403,
        roles=FACTOR_RESETTERS,
    ),
    Row(
        "POST",
        "staff/factor-resets/<int:reset_id>/approve/",
        lambda w: f"/staff/factor-resets/{w.factor_reset.pk}/approve/",
        ok_user="admin",
        ok=302,
        other=403,
        body=lambda w: {"confirm": "on"},
        roles=FACTOR_RESETTERS,
    ),
    Row(
        "POST",
        "staff/factor-resets/<int:reset_id>/refuse/",
        lambda w: f"/staff/factor-resets/{w.factor_reset.pk}/refuse/",
        ok_user="admin",
        ok=302,
        other=403,
        body=lambda w: {"reason": "Chưa xác minh được với người này"},
        roles=FACTOR_RESETTERS,
    ),
    Row("GET", "home/none/", _static("/home/none/"), other=None, roles=EVERYONE),
    Row("GET", "home/<slug:role>/", _static("/home/team_lead/"), roles=ROLE_HOME),
    Row("GET", "units/", _static("/units/"), other=200, roles=EVERYONE),
    Row("GET", "units/<int:unit_id>/", lambda w: f"/units/{unit('01').pk}/", roles=EVERYONE),
    Row("GET", "operators/", _static("/operators/"), other=200, roles=EVERYONE),
    Row(
        "GET",
        "operators/<int:operator_id>/",
        lambda w: f"/operators/{w.operator.pk}/",
        other=200,
        roles=EVERYONE,
    ),
    Row("GET", "products/", _static("/products/"), other=200, roles=EVERYONE),
    Row(
        "GET",
        "products/<int:product_id>/",
        lambda w: f"/products/{w.product.pk}/",
        other=200,
        roles=EVERYONE,
    ),
    # One product, one history; the same for an operator (docs/product-history.md,
    # review/history.py): reference data every staff member sees, each row's detail only
    # to whoever may see that row, of the rest counts per unit. The barcode link redirects
    # (to the history when a product has the barcode, else to the search).
    Row(
        "GET",
        "review/products/<int:product_id>/",
        lambda w: f"/review/products/{w.product.pk}/",
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "review/products/<int:product_id>/<slug:section>/",
        lambda w: f"/review/products/{w.product.pk}/reports/",
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "^review/products/gtin/(?P<gtin>[0-9]{8,14})/$",
        lambda w: f"/review/products/gtin/{w.product.gtin}/",
        ok=302,
        other=302,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "review/operators/<int:operator_id>/",
        lambda w: f"/review/operators/{w.operator.pk}/",
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "review/operators/<int:operator_id>/<slug:section>/",
        lambda w: f"/review/operators/{w.operator.pk}/inspections/",
        other=200,
        roles=EVERYONE,
    ),
    Row("GET", "provisions/", _static("/provisions/"), other=200, roles=EVERYONE),
    # Importing the catalogue: the legal officers only (no persona is one); a staged file is
    # its uploader's alone. Exporting: whoever reads the catalogue.
    Row(
        "GET",
        "provisions/import/",
        _static("/provisions/import/"),
        ok_user="lan",
        other=403,
        roles=allow(refused=403),
    ),
    Row(
        "GET",
        "provisions/imports/<int:import_id>/",
        lambda w: f"/provisions/imports/{w.staged_import.pk}/",
        ok_user="lan",
        other=403,
        roles=allow(refused=403),
    ),
    Row(
        "POST",
        "provisions/imports/<int:import_id>/apply/",
        lambda w: f"/provisions/imports/{w.staged_import.pk}/apply/",
        ok_user="lan",
        ok=302,
        other=403,
        roles=allow(refused=403),
    ),
    Row(
        "POST",
        "provisions/imports/<int:import_id>/discard/",
        lambda w: f"/provisions/imports/{w.staged_import.pk}/discard/",
        ok_user="lan",
        ok=302,
        other=403,
        roles=allow(refused=403),
    ),
    # The catalogue's versions: every staff member reads them; the legal officers (lan)
    # enter, correct and amend; another legal officer verifies or returns.
    Row(
        "GET",
        "provisions/<int:provision_id>/",
        lambda w: f"/provisions/{w.pending_provision.pk}/",
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "provisions/new/",
        _static("/provisions/new/"),
        ok_user="lan",
        other=403,
        roles=allow(refused=403),
    ),
    Row(
        "GET",
        "provisions/documents/",
        _static("/provisions/documents/"),
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "provisions/<int:provision_id>/edit/",
        lambda w: f"/provisions/{w.pending_provision.pk}/edit/",
        ok_user="lan",
        other=403,
        roles=allow(refused=403),
    ),
    Row(
        "GET",
        "provisions/<int:provision_id>/amend/",
        lambda w: f"/provisions/{w.case.provision.pk}/amend/",
        ok_user="lan",
        other=403,
        roles=allow(refused=403),
    ),
    Row(
        "POST",
        "provisions/<int:provision_id>/verify/",
        lambda w: f"/provisions/{w.pending_provision.pk}/verify/",
        ok_user="lan",
        ok=302,
        other=403,
        body=lambda w: {"checked": "on"},
        roles=allow(refused=403),
    ),
    Row(
        "POST",
        "provisions/<int:provision_id>/return/",
        lambda w: f"/provisions/{w.pending_provision.pk}/return/",
        ok_user="lan",
        ok=302,
        other=403,
        body=lambda w: {"reason": "Mức phạt chưa khớp"},
        roles=allow(refused=403),
    ),
    Row(
        "GET",
        "provisions/export.json",
        _static("/provisions/export.json"),
        other=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "provisions/export.xlsx",
        _static("/provisions/export.xlsx"),
        other=200,
        roles=EVERYONE,
    ),
    Row("GET", "audit/", _static("/audit/"), ok_user="audrey", other=200, roles=OWN_LIST),
    Row(
        "GET",
        "audit/<int:entry_id>/",
        lambda w: f"/audit/{w.entry.pk}/",
        ok_user="audrey",
        roles=AUDITORS,
    ),
    Row("GET", "notifications/", _static("/notifications/"), other=200, roles=OWN_LIST),
    # The running legal clocks of the cases the user may see; a home queue's whole list.
    Row("GET", "clocks/", _static("/clocks/?due=soon"), other=200, roles=OWN_LIST),
    Row(
        "GET",
        "work/<slug:key>/",
        _static("/work/minutes-to-sign/"),
        other=200,
        roles=OWN_LIST,
    ),
    Row(
        "POST",
        "notifications/<int:notification_id>/read/",
        lambda w: f"/notifications/{w.notification.pk}/read/",
        ok=302,
        roles=NOBODY,
    ),
    Row("GET", "phan-anh/", _static("/phan-anh/"), other=None, anon=200, roles=EVERYONE),
    # The page after filing: the receipt once (from the filing's cookie), else a note.
    Row(
        "GET",
        "phan-anh/da-gui/",
        _static("/phan-anh/da-gui/"),
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    Row("GET", "tra-cuu/", _static("/tra-cuu/"), other=None, anon=200, roles=EVERYONE),
    # The case page after a reply (from the reply's cookie), else a note.
    Row(
        "GET",
        "tra-cuu/da-tra-loi/",
        _static("/tra-cuu/da-tra-loi/"),
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    Row(
        "POST",
        "tra-cuu/tra-loi/",
        _static("/tra-cuu/tra-loi/"),
        ok=303,
        other=None,
        anon=303,
        body=lambda w: {"receipt": w.receipt, "body": "Tôi bổ sung thêm thông tin."},
        roles=EVERYONE,
    ),
    # The reporter asks to be protected, and the page after it (from its cookie), else a note.
    Row(
        "POST",
        "tra-cuu/bao-ve/",
        _static("/tra-cuu/bao-ve/"),
        ok=303,
        other=None,
        anon=303,
        body=lambda w: {"receipt": w.receipt, "kinds": ["job"], "fear": "Tôi lo bị trù dập."},
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "tra-cuu/bao-ve/da-gui/",
        _static("/tra-cuu/bao-ve/da-gui/"),
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    Row("GET", "xac-minh/", _static("/xac-minh/"), other=None, anon=200, roles=EVERYONE),
    # The inspector's tablet pages: charlie (Hồ Chí Minh) is on none of alice's inspections.
    Row("GET", "field/", _static("/field/"), other=200, roles=OWN_LIST),
    Row(
        "GET",
        "field/inspections/<int:inspection_id>/",
        lambda w: f"/field/inspections/{w.inspection.pk}/",
        roles=TEAM,
    ),
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/start/",
        lambda w: f"/field/inspections/{w.inspection.pk}/start/",
        ok=302,
        roles=TEAM,
    ),
    Row(
        "GET",
        "field/inspections/<int:inspection_id>/items/<int:item_id>/",
        lambda w: f"/field/inspections/{w.inspection.pk}/items/{w.finding.item_id}/",
        roles=TEAM,
    ),
    # The queue sends an item's form; JSON answers, 401 rather than a login redirect.
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/items/<int:item_id>/sync/",
        lambda w: f"/field/inspections/{w.inspection.pk}/items/{w.finding.item_id}/sync/",
        ok=201,
        anon=401,
        body=lambda w: {"client_uuid": str(uuid.uuid4()), "result": "conforming"},
        roles=TEAM,
    ),
    # The installable app: public, without data.
    Row("GET", "field/sw.js", _static("/field/sw.js"), other=200, anon=200, roles=EVERYONE),
    Row(
        "GET",
        "field/manifest.webmanifest",
        _static("/field/manifest.webmanifest"),
        other=200,
        anon=200,
        roles=EVERYONE,
    ),
    Row("GET", "field/offline/", _static("/field/offline/"), other=200, anon=200, roles=EVERYONE),
    # The tablet's samples, minutes and signing (inspections/views.py): the team and the
    # unit's supervisors, as the services check; the lead alone completes the signing and
    # concludes. The queue's addresses answer JSON, 401 rather than a login redirect.
    Row(
        "GET",
        "field/inspections/<int:inspection_id>/samples/new/",
        lambda w: f"/field/inspections/{w.inspection.pk}/samples/new/",
        roles=TEAM,
    ),
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/samples/sync/",
        lambda w: f"/field/inspections/{w.site_inspection.pk}/samples/sync/",
        ok=201,
        anon=401,
        body=lambda w: field_helpers.access_sample_fields(),
        roles=TEAM,
    ),
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/samples/<int:sample_id>/photos/sync/",
        lambda w: f"/field/inspections/{w.inspection.pk}/samples/{w.sample.pk}/photos/sync/",
        ok=201,
        anon=401,
        body=lambda w: {
            "photo": SimpleUploadedFile("seal.jpg", field_helpers.jpeg(), "image/jpeg")
        },
        roles=TEAM,
    ),
    Row(
        "GET",
        "field/inspections/<int:inspection_id>/photos/<int:photo_id>/<slug:variant>/",
        lambda w: f"/field/inspections/{w.inspection.pk}/photos/{w.evidence.pk}/original/",
        roles=TEAM,
    ),
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/next/",
        lambda w: f"/field/inspections/{w.signed_inspection.pk}/next/",
        ok=302,
        body=lambda w: {"to": "concluded"},
        # Concluding is the lead's (or a supervisor's): a member is refused.
        roles=TEAM.but(inspector=403),
    ),
    Row(
        "GET",
        "field/inspections/<int:inspection_id>/minutes/",
        lambda w: f"/field/inspections/{w.site_inspection.pk}/minutes/",
        roles=TEAM,
    ),
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/minutes/draft/",
        lambda w: f"/field/inspections/{w.site_inspection.pk}/minutes/draft/",
        ok=302,
        roles=TEAM,
    ),
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/minutes/amend/",
        lambda w: f"/field/inspections/{w.signed_inspection.pk}/minutes/amend/",
        ok=302,
        body=lambda w: {"reason": "Bổ sung kết quả kiểm tra"},
        roles=TEAM,
    ),
    Row(
        "GET",
        "field/minutes/<int:minutes_id>/pdf/",
        lambda w: f"/field/minutes/{w.draft_minutes.pk}/pdf/",
        roles=TEAM,
    ),
    Row(
        "GET",
        "field/minutes/<int:minutes_id>/sign/<slug:kind>/",
        lambda w: f"/field/minutes/{w.draft_minutes.pk}/sign/representative/",
        roles=TEAM,
    ),
    Row(
        "POST",
        "field/minutes/<int:minutes_id>/sign/sync/",
        lambda w: f"/field/minutes/{w.draft_minutes.pk}/sign/sync/",
        ok=201,
        anon=401,
        body=field_helpers.access_signature_fields,
        roles=TEAM,
    ),
    Row(
        "POST",
        "field/minutes/<int:minutes_id>/complete/",
        lambda w: f"/field/minutes/{w.draft_minutes.pk}/complete/",
        # The lead is told which signatures are missing; anyone else may not complete.
        ok=400,
        roles=LEAD_ONLY,
    ),
    Row(
        "GET",
        "field/minutes/<int:minutes_id>/paper/",
        lambda w: f"/field/minutes/{w.draft_minutes.pk}/paper/",
        roles=TEAM,
    ),
    Row(
        "GET",
        "field/minutes/<int:minutes_id>/signatures/<int:signature_id>.png",
        lambda w: (
            f"/field/minutes/{w.draft_minutes.pk}/signatures/"
            f"{field_helpers.access_signature(w).pk}.png"
        ),
        roles=TEAM,
    ),
    Row(
        "GET",
        "field/minutes/<int:minutes_id>/scans/<int:scan_id>/",
        lambda w: f"/field/minutes/{w.draft_minutes.pk}/scans/{field_helpers.access_scan(w).pk}/",
        roles=TEAM,
    ),
    # The desk pages of plans and inspections (inspections/desk_views.py): the lists are
    # the inspection roles' working lists (403 for the other roles); a plan or an
    # inspection is reached as through the API (PLAN_*, TEAM, AGENCY).
    Row("GET", "plans/", _static("/plans/"), other=200, roles=PLAN_READERS.but(refused=403)),
    # A new plan or inspection belongs to the user's own unit: the same role elsewhere
    # may draft one too.
    Row(
        "GET",
        "plans/new/",
        _static("/plans/new/"),
        other=403,
        roles=PLANNERS.but_other(team_lead=200, supervisor=200),
    ),
    Row("GET", "plans/<int:plan_id>/", lambda w: f"/plans/{w.draft_plan.pk}/", roles=PLAN_READERS),
    Row(
        "GET",
        "plans/<int:plan_id>/edit/",
        lambda w: f"/plans/{w.draft_plan.pk}/edit/",
        roles=PLAN_SUBMITTERS,
    ),
    Row(
        "POST",
        "plans/<int:plan_id>/submit/",
        lambda w: f"/plans/{w.draft_plan.pk}/submit/",
        ok=302,
        roles=PLAN_SUBMITTERS,
    ),
    # Risk-based suggestions for a draft plan (docs/overlap-and-suggestions.md): whoever
    # may draft it (inspections.add_inspectionplan, and `change` on the plan to accept or
    # skip one). w.area_operator, never inspected, is accepted without a reason.
    Row(
        "GET",
        "plans/<int:plan_id>/suggestions/",
        lambda w: f"/plans/{w.draft_plan.pk}/suggestions/",
        roles=PLAN_SUBMITTERS,
    ),
    Row(
        "POST",
        "plans/<int:plan_id>/suggestions/<int:operator_id>/accept/",
        lambda w: f"/plans/{w.draft_plan.pk}/suggestions/{w.area_operator.pk}/accept/",
        ok=302,
        roles=PLAN_SUBMITTERS,
    ),
    Row(
        "POST",
        "plans/<int:plan_id>/suggestions/<int:operator_id>/skip/",
        lambda w: f"/plans/{w.draft_plan.pk}/suggestions/{w.area_operator.pk}/skip/",
        ok=302,
        roles=PLAN_SUBMITTERS,
    ),
    Row(
        "POST",
        "plans/<int:plan_id>/decide/",
        lambda w: f"/plans/{w.submitted_plan.pk}/decide/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"decision": "approve"},
        roles=PLAN_APPROVERS,
    ),
    Row(
        "GET",
        "inspections/",
        _static("/inspections/"),
        other=200,
        roles=PLAN_READERS.but(refused=403),
    ),
    Row(
        "GET",
        "inspections/new/",
        _static("/inspections/new/"),
        ok_user="bob",
        other=403,
        roles=INSPECTION_CREATORS.but_other(supervisor=200),
    ),
    Row(
        "GET",
        "inspections/<int:inspection_id>/",
        lambda w: f"/inspections/{w.inspection.pk}/",
        roles=TEAM,
    ),
    # The finding's product (inspections/product_views.py): the barcode read from its photos
    # (w.evidence proposes one), or a product record by name and brand. Whoever sees the
    # inspection sees the page; whoever may change it acts (the team, the unit's
    # supervisors).
    Row(
        "GET",
        "inspections/<int:inspection_id>/findings/<int:finding_id>/product/",
        lambda w: f"/inspections/{w.inspection.pk}/findings/{w.finding.pk}/product/",
        roles=TEAM,
    ),
    Row(
        "POST",
        "inspections/<int:inspection_id>/findings/<int:finding_id>/product/",
        lambda w: f"/inspections/{w.inspection.pk}/findings/{w.finding.pk}/product/",
        ok=302,
        body=lambda w: {"action": "link", "product_id": w.product.pk},
        roles=TEAM,
    ),
    Row(
        "GET",
        "inspections/<int:inspection_id>/decide/",
        lambda w: f"/inspections/{w.planned_inspection.pk}/decide/",
        ok_user="bob",
        roles=AGENCY,
    ),
    Row(
        "GET",
        "inspections/<int:inspection_id>/team/",
        lambda w: f"/inspections/{w.planned_inspection.pk}/team/",
        ok_user="bob",
        roles=AGENCY,
    ),
    Row(
        "POST",
        "inspections/<int:inspection_id>/transition/",
        lambda w: f"/inspections/{w.inspection.pk}/transition/",
        ok=302,
        body=lambda w: {"to": "on_site"},
        roles=TEAM,
    ),
    # Public product alerts and the case pages.
    Row("GET", "canh-bao/", _static("/canh-bao/?q=nuoc mam"), other=None, anon=200, roles=EVERYONE),
    Row(
        "GET",
        "canh-bao/<int:alert_id>/",
        lambda w: f"/canh-bao/{w.case.alert.pk}/",
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    # Public statistics by province and year (docs/public-statistics.md): for anyone,
    # without a login, the same for every user (small counts suppressed for all).
    Row("GET", "thong-ke/", _static("/thong-ke/"), other=200, anon=200, roles=EVERYONE),
    Row(
        "GET",
        "thong-ke/<int:year>/",
        _static("/thong-ke/2025/?tinh=01"),
        other=200,
        anon=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "thong-ke/<int:year>.csv",
        _static("/thong-ke/2025.csv"),
        other=200,
        anon=200,
        roles=EVERYONE,
    ),
    Row("GET", "cases/", _static("/cases/"), other=200, roles=OWN_LIST),
    Row(
        "GET", "cases/<int:inspection_id>/", lambda w: f"/cases/{w.case.inspection.pk}/", roles=TEAM
    ),
    # The lab at the desk (inspections/lab_views.py): the samples of the inspections one
    # sees; sending and the result: whoever may change the inspection, as the services check.
    Row("GET", "samples/", _static("/samples/"), other=200, roles=OWN_LIST),
    Row("GET", "samples/<int:sample_id>/", lambda w: f"/samples/{w.sample.pk}/", roles=TEAM),
    Row(
        "GET",
        "samples/<int:sample_id>/send/",
        lambda w: f"/samples/{w.sample.pk}/send/",
        roles=TEAM,
    ),
    Row(
        "GET",
        "samples/<int:sample_id>/result/",
        lambda w: f"/samples/{w.sample.pk}/result/",
        roles=TEAM,
    ),
    Row(
        "GET",
        "samples/<int:sample_id>/test-report.pdf",
        lambda w: f"/samples/{w.case.open_follow_up.sample.pk}/test-report.pdf",
        roles=TEAM,
    ),
    # Risk assessment (docs/risk-and-notices.md) of a failed sample: whoever may record its
    # result (the team, the unit's supervisors), as inspections/risk_assessment.py checks.
    Row(
        "POST",
        "samples/<int:sample_id>/risk/",
        lambda w: f"/samples/{w.case.open_follow_up.sample.pk}/risk/",
        ok=302,
        body=lambda w: RISK,
        roles=TEAM,
    ),
    # Drafting a violation record (step 1; step 2 and the POST check the same rule): whoever
    # may change the inspection, as violations.records.record_create checks.
    Row(
        "GET",
        "cases/<int:inspection_id>/records/new/",
        lambda w: f"/cases/{w.case.inspection.pk}/records/new/",
        roles=TEAM,
    ),
    Row(
        "POST",
        "cases/<int:inspection_id>/alerts/",
        lambda w: f"/cases/{w.case.inspection.pk}/alerts/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"product_name": "Nước mắm", "operator_name": "A", "defect": "Histamin"},
        roles=AGENCY,
    ),
    # A reward for a report the case led to: whoever may change the case proposes it.
    Row(
        "POST",
        "cases/<int:inspection_id>/rewards/",
        lambda w: f"/cases/{w.case.inspection.pk}/rewards/",
        ok=302,
        body=lambda w: {
            "complaint": w.reward_report.pk,
            "ground": f"penalty_decision:{w.case.approved.pk}",
            "kind": "thanks",
            "basis": "Phản ánh dẫn đến quyết định xử phạt.",
        },
        roles=TEAM,
    ),
    Row(
        "POST",
        "cases/follow-ups/<int:follow_up_id>/report/",
        lambda w: f"/cases/follow-ups/{w.case.open_follow_up.pk}/report/",
        ok=302,
        body=lambda w: {"text": "Mẫu không đạt"},
        roles=AGENCY,  # and the lead (alice): violations/followup.py, follow_up_report
    ),
    Row(
        "POST",
        "cases/follow-ups/<int:follow_up_id>/suspend/",
        lambda w: f"/cases/follow-ups/{w.case.reported_follow_up.pk}/suspend/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"goods": "120 chai"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "cases/follow-ups/<int:follow_up_id>/resume/",
        lambda w: f"/cases/follow-ups/{w.case.resumable_follow_up.pk}/resume/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"reason": "Thử nghiệm lại đạt"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "cases/decisions/<int:decision_id>/review/",
        lambda w: f"/cases/decisions/{w.case.submitted.pk}/review/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"approve": "0", "note": "Bổ sung"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "cases/decisions/<int:decision_id>/fine/",
        lambda w: f"/cases/decisions/{w.case.approved.pk}/fine/",
        ok=302,
        body=lambda w: {"paid_on": timezone.localdate().isoformat(), "receipt_number": "BL-2"},
        roles=TEAM,
    ),
    Row(
        "POST",
        "cases/decisions/<int:decision_id>/close/",
        lambda w: f"/cases/decisions/{w.case.closable.pk}/close/",
        ok=302,
        roles=TEAM,
    ),
    Row(
        "GET",
        "cases/decisions/<int:decision_id>/pdf/",
        lambda w: f"/cases/decisions/{w.case.approved.pk}/pdf/",
        roles=TEAM,
    ),
    Row(
        "GET",
        "cases/records/<int:record_id>/pdf/",
        lambda w: f"/cases/records/{w.case.signed_record.pk}/pdf/",
        roles=TEAM,
    ),
    # The lists by status, the acts on a record, the decision's draft and submission, a
    # measure done with its photos (violations/records.py, violations/decisions.py).
    Row(
        "GET", "cases/records/", _static("/cases/records/?status=draft"), other=200, roles=OWN_LIST
    ),
    Row(
        "GET",
        "cases/decisions/",
        _static("/cases/decisions/?status=submitted"),
        other=200,
        roles=OWN_LIST,
    ),
    Row(
        "POST",
        "cases/records/<int:record_id>/sign/",
        lambda w: f"/cases/records/{w.case.draft_record.pk}/sign/",
        ok=302,
        body=lambda w: {"representative_name": "Bà Lan"},
        roles=TEAM,
    ),
    Row(
        "POST",
        "cases/records/<int:record_id>/complex/",
        lambda w: f"/cases/records/{w.case.signed_record.pk}/complex/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"reason": "Cần xác minh"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "cases/records/<int:record_id>/extend/",
        lambda w: f"/cases/records/{w.case.complex_record.pk}/extend/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"reason": "Chờ giám định"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "cases/records/<int:record_id>/dismiss/",
        lambda w: f"/cases/records/{w.case.signed_record.pk}/dismiss/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"reason": "Giải trình được chấp nhận"},
        roles=AGENCY,
    ),
    # A record's risk: whoever may draft it (violations/risk_assessment.py).
    Row(
        "POST",
        "cases/records/<int:record_id>/risk/",
        lambda w: f"/cases/records/{w.case.signed_record.pk}/risk/",
        ok=302,
        body=lambda w: RISK,
        roles=TEAM,
    ),
    # Drafting the decision (GET; the POST checks the same rule): whoever may change the
    # inspection, as violations.decisions.decision_draft checks.
    Row(
        "GET",
        "cases/records/<int:record_id>/decision/",
        lambda w: f"/cases/records/{w.case.signed_record.pk}/decision/",
        roles=TEAM,
    ),
    Row(
        "POST",
        "cases/decisions/<int:decision_id>/submit/",
        lambda w: f"/cases/decisions/{w.case.draft_decision.pk}/submit/",
        ok=302,
        roles=TEAM,
    ),
    Row(
        "POST",
        "cases/measures/<int:measure_id>/done/",
        lambda w: f"/cases/measures/{w.case.measure.pk}/done/",
        ok=302,
        body=lambda w: {"done_on": timezone.localdate().isoformat(), "note": "Đã thu hồi"},
        roles=TEAM,
    ),
    Row(
        "GET",
        "cases/measures/<int:measure_id>/photos/<int:photo_id>/<str:variant>/",
        lambda w: (
            f"/cases/measures/{w.case.measure.pk}/photos/{w.case.measure.photos.get().pk}/original/"
        ),
        roles=TEAM,
    ),
    Row(
        "POST",
        "cases/alerts/<int:alert_id>/withdraw/",
        lambda w: f"/cases/alerts/{w.case.alert.pk}/withdraw/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"reason": "Nhầm"},
        roles=AGENCY,
    ),
    # An alert's risk: who publishes alerts (a member sees the case, 403).
    Row(
        "POST",
        "cases/alerts/<int:alert_id>/risk/",
        lambda w: f"/cases/alerts/{w.case.alert.pk}/risk/",
        ok_user="bob",
        ok=302,
        body=lambda w: RISK,
        roles=AGENCY,
    ),
    # Notices between units (violations/notice_views.py). The list is the user's own
    # unit's (empty for a role without the right); a notice is its receiving unit's (404
    # to any other unit's staff), national staff see all.
    Row("GET", "notices/", _static("/notices/"), other=200, roles=EVERYONE),
    Row(
        "GET",
        "notices/<int:notice_id>/",
        lambda w: f"/notices/{w.case.notice.pk}/",
        ok_user="bob",
        roles=NOTICE_READERS,
    ),
    Row(
        "POST",
        "notices/<int:notice_id>/react/",
        lambda w: f"/notices/{w.case.notice.pk}/react/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"reaction": "not_found"},
        # The national body sees the notice but answers only its own unit's (a form error).
        roles=NOTICE_READERS.but(national=403),
    ),
    Row(
        "GET",
        "notices/<int:notice_id>/evidence/",
        lambda w: f"/notices/{w.case.answered_notice.pk}/evidence/",
        ok_user="bob",
        roles=NOTICE_READERS,
    ),
    # The national overview and the national decision to send: the national body only.
    Row(
        "GET",
        "notices/campaigns/",
        _static("/notices/campaigns/"),
        ok_user="nadia",
        other=403,
        roles=NATIONAL_ONLY,
    ),
    Row(
        "GET",
        "notices/campaigns/<int:alert_id>/",
        lambda w: f"/notices/campaigns/{w.case.alert.pk}/",
        ok_user="nadia",
        other=403,
        roles=NATIONAL_ONLY,
    ),
    Row(
        "POST",
        "notices/campaigns/<int:alert_id>/send/",
        lambda w: f"/notices/campaigns/{w.case.alert.pk}/send/",
        ok_user="nadia",
        ok=302,
        other=403,
        body=lambda w: {"reason": "Bán trên cả nước"},
        roles=NATIONAL_ONLY,
    ),
    Row("GET", "complaints/", _static("/complaints/"), ok_user="olga", other=200, roles=OWN_LIST),
    # A report taken on the phone or at the desk, and its receipt (once): complaint
    # officers only, of any unit.
    Row(
        "GET",
        "complaints/intake/",
        _static("/complaints/intake/"),
        ok_user="olga",
        other=200,  # charlie also handles reports (tests/access/world.py)
        roles=allow("officer", "officer_plain", refused=403),
    ),
    Row(
        "GET",
        "complaints/intake/da-nhan/",
        _static("/complaints/intake/da-nhan/"),
        ok_user="olga",
        other=200,  # charlie also handles reports (tests/access/world.py)
        roles=allow("officer", "officer_plain", refused=403),
    ),
    Row(
        "GET",
        "complaints/<int:complaint_id>/",
        lambda w: f"/complaints/{w.complaint.pk}/",
        ok_user="olga",
        roles=HANDLERS,
    ),
    # The report's product (complaints/product_views.py): the barcode read from its photos
    # (w.photo proposes one), or a product record by name and brand: its handlers.
    Row(
        "GET",
        "complaints/<int:complaint_id>/product/",
        lambda w: f"/complaints/{w.complaint.pk}/product/",
        ok_user="olga",
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "complaints/<int:complaint_id>/product/",
        lambda w: f"/complaints/{w.complaint.pk}/product/",
        ok_user="olga",
        ok=302,
        body=lambda w: {"action": "link", "product_id": w.product.pk},
        roles=HANDLERS,
    ),
    # Triage: charlie ticks a Hà Nội report he cannot see: 404, nothing assigned.
    Row(
        "POST",
        "complaints/bulk/",
        _static("/complaints/bulk/"),
        ok_user="olga",
        ok=302,
        body=lambda w: {"action": "assign", "ids": [w.complaint.pk], "officer": w.olga.pk},
        roles=HANDLERS,
    ),
    Row(
        "GET",
        "complaints/inspect/",
        lambda w: f"/complaints/inspect/?ids={w.complaint.pk}",
        ok_user="bob",
        roles=SUPERVISORS_OF_REPORTS,
    ),
    # Retention notices: each supervisor sees their own unit's, so charlie an empty page.
    Row(
        "GET",
        "complaints/retention/",
        _static("/complaints/retention/"),
        ok_user="bob",
        other=200,
        roles=OWN_LIST,
    ),
    # Case review: each sees the figures and lists of their own unit only (checked by
    # tests/review/test_dashboard.py), so charlie gets his own, empty, page.
    Row("GET", "review/", _static("/review/"), ok_user="bob", other=200, roles=REVIEWERS),
    Row(
        "GET",
        "review/export/",
        _static("/review/export/?format=xlsx"),
        ok_user="bob",
        other=200,
        roles=REVIEWERS,
    ),
    Row(
        "GET",
        "review/export/cases/",
        _static("/review/export/cases/?format=csv"),
        ok_user="olga",
        other=200,
        roles=REVIEWERS,
    ),
    Row("GET", "search/", _static("/search/?q=nuoc mam"), other=200, roles=OWN_LIST),
    # Holding a report past its retention periods: its unit's supervisor only.
    Row(
        "POST",
        "complaints/<int:complaint_id>/retention-hold/",
        lambda w: f"/complaints/{w.complaint.pk}/retention-hold/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"hold": "1", "hold_reason": "Đang có đơn khiếu nại lần hai."},
        roles=SUPERVISORS_OF_REPORTS,
    ),
    Row(
        "GET",
        "complaints/<int:complaint_id>/photos/<int:photo_id>/<slug:variant>/",
        lambda w: f"/complaints/{w.complaint.pk}/photos/{w.photo.pk}/thumb/",
        ok_user="olga",
        roles=HANDLERS,
    ),
    Row(
        "GET",
        "complaints/<int:complaint_id>/identity/",
        lambda w: f"/complaints/{w.complaint.pk}/identity/",
        ok_user="olga",
        roles=GRANTED_HANDLER,
    ),
    # Protection requests (docs/protection.md): the unit's custodians and supervisors.
    Row("GET", "protection/", _static("/protection/"), ok_user="cora", other=200, roles=OWN_LIST),
    Row(
        "GET",
        "protection/<int:protection_id>/",
        lambda w: f"/protection/{w.protection.pk}/",
        ok_user="cora",
        roles=PROTECTORS,
    ),
    Row(
        "POST",
        "protection/<int:protection_id>/decide/",
        lambda w: f"/protection/{w.protection.pk}/decide/",
        ok_user="cora",
        ok=302,
        body=lambda w: {"decision": "refuse", "reason": "Chưa có dấu hiệu bị đe dọa"},
        roles=PROTECTORS,
    ),
    Row(
        "POST",
        "protection/<int:protection_id>/follow-up/",
        lambda w: f"/protection/{w.granted_protection.pk}/follow-up/",
        ok_user="cora",
        ok=302,
        body=lambda w: {"on": timezone.localdate().isoformat(), "text": "Đã kiểm tra"},
        roles=PROTECTORS,
    ),
    Row(
        "POST",
        "protection/<int:protection_id>/inform/",
        lambda w: f"/protection/{w.protection.pk}/inform/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"handler_informed": "on"},
        roles=PROTECTION_INFORMERS,
    ),
    Row(
        "POST",
        "protection/<int:protection_id>/close/",
        lambda w: f"/protection/{w.granted_protection.pk}/close/",
        ok_user="cora",
        ok=302,
        body=lambda w: {"note": "Nguy cơ đã hết"},
        roles=PROTECTORS,
    ),
    Row("GET", "disclosures/", _static("/disclosures/"), ok_user="cora", other=200, roles=OWN_LIST),
    Row(
        "POST",
        "disclosures/<int:request_id>/decide/",
        lambda w: f"/disclosures/{w.pending_request.pk}/decide/",
        ok_user="cora",
        ok=302,
        body=lambda w: {"decision": "deny", "reason": "Chưa đủ căn cứ"},
        roles=CUSTODIANS,
    ),
    # Rewards (docs/rewards.md): the reporter's choice with the receipt, and its page once.
    Row(
        "POST",
        "tra-cuu/khen-thuong/chon/",
        _static("/tra-cuu/khen-thuong/chon/"),
        ok=303,
        other=None,
        anon=303,
        body=lambda w: {"receipt": w.approved_receipt, "choice": "counter"},
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "tra-cuu/khen-thuong/da-chon/",
        _static("/tra-cuu/khen-thuong/da-chon/"),
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    # Staff: the unit's rewards for who handles reports and the custodians (charlie gets his
    # own unit's, none); the supervisor approves (an officer sees but may not: 403), the
    # custodian alone opens the payee details sealed to her and records their payment.
    Row("GET", "rewards/", _static("/rewards/"), ok_user="bob", other=200, roles=OWN_LIST),
    Row(
        "GET",
        "rewards/counter/",
        _static("/rewards/counter/"),
        ok_user="olga",
        other=200,  # charlie also handles reports (tests/access/world.py)
        roles=allow("officer", "officer_plain", "supervisor", "national", refused=403),
    ),
    Row(
        "GET",
        "rewards/<int:reward_id>/",
        lambda w: f"/rewards/{w.proposed_reward.pk}/",
        ok_user="bob",
        roles=allow("officer", "officer_plain", "supervisor", "national", "custodian"),
    ),
    Row(
        "POST",
        "rewards/<int:reward_id>/decide/",
        lambda w: f"/rewards/{w.proposed_reward.pk}/decide/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"approve": "1"},
        roles=allow("supervisor", "national").but(officer=403, officer_plain=403, custodian=403),
    ),
    Row(
        "GET",
        "rewards/<int:reward_id>/payee/",
        lambda w: f"/rewards/{w.disclosed_reward.pk}/payee/",
        ok_user="cora",
        roles=CUSTODIANS.but(officer=403, officer_plain=403, supervisor=403, national=403),
    ),
    Row(
        "POST",
        "rewards/<int:reward_id>/pay/",
        lambda w: f"/rewards/{w.disclosed_reward.pk}/pay/",
        ok_user="cora",
        ok=302,
        body=lambda w: {"voucher_number": "UNC-1"},
        roles=CUSTODIANS.but(officer=403, officer_plain=403, supervisor=403, national=403),
    ),
    Row(
        "POST",
        "i18n/setlang/",
        _static("/i18n/setlang/"),
        ok=302,
        other=None,
        anon=302,
        body=lambda w: {"language": "en", "next": "/"},
        roles=EVERYONE,
    ),
    Row("GET", "admin/", _static("/admin/"), ok_user="admin", other=302, roles=ADMIN_SITE),
    # The admin site's login form: sent on to /login/ (throttled, with the second step).
    Row(
        "GET",
        "admin/login/",
        _static("/admin/login/?next=/admin/"),
        ok=302,
        other=None,
        anon=302,
        roles=EVERYONE,
    ),
    # API
    Row(
        "GET",
        "/api/v1/openapi.json",
        _static("/api/v1/openapi.json"),
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    Row("GET", "/api/v1/docs", _static("/api/v1/docs"), other=None, anon=200, roles=EVERYONE),
    Row("GET", "/api/v1/me", _static("/api/v1/me"), other=None, anon=401, roles=EVERYONE),
    Row(
        "POST",
        "/api/v1/auth/tokens",
        _static("/api/v1/auth/tokens"),
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {"username": "alice", "password": "Mat-khau-thu-2026", "device_name": "T"},
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/auth/tokens",
        _static("/api/v1/auth/tokens"),
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "DELETE",
        "/api/v1/auth/tokens/{token_id}",
        lambda w: f"/api/v1/auth/tokens/{w.token_id}",
        ok=204,
        anon=401,
        roles=NOBODY,
    ),
    Row(
        "GET",
        "/api/v1/provinces",
        _static("/api/v1/provinces"),
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row("GET", "/api/v1/units", _static("/api/v1/units"), other=200, anon=401, roles=EVERYONE),
    Row(
        "GET",
        "/api/v1/units/{unit_id}",
        lambda w: f"/api/v1/units/{unit('01').pk}",
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/units/{unit_id}/staff",
        lambda w: f"/api/v1/units/{unit('01').pk}/staff",
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/categories",
        _static("/api/v1/categories"),
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/provisions",
        _static("/api/v1/provisions"),
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/provisions/{provision_id}",
        lambda w: "/api/v1/provisions/1",
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/operators",
        _static("/api/v1/operators"),
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "POST",
        "/api/v1/operators",
        _static("/api/v1/operators"),
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {"name": "Cửa hàng Ma Trận", "role": "retailer"},
        roles=RECORDERS,
    ),
    Row(
        "GET",
        "/api/v1/operators/{operator_id}",
        lambda w: f"/api/v1/operators/{w.operator.pk}",
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET", "/api/v1/products", _static("/api/v1/products"), other=200, anon=401, roles=EVERYONE
    ),
    Row(
        "POST",
        "/api/v1/products",
        _static("/api/v1/products"),
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {"name": "Sản phẩm Ma Trận"},
        roles=RECORDERS,
    ),
    Row(
        "GET",
        "/api/v1/products/{product_id}",
        lambda w: f"/api/v1/products/{w.product.pk}",
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    # The histories (review/api.py), as their pages.
    Row(
        "GET",
        "/api/v1/products/{product_id}/history",
        lambda w: f"/api/v1/products/{w.product.pk}/history",
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/operators/{operator_id}/history",
        lambda w: f"/api/v1/operators/{w.operator.pk}/history",
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/calendar/deadline",
        _static("/api/v1/calendar/deadline?start=2026-02-13&working_days=2"),
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/calendar/days-off",
        _static("/api/v1/calendar/days-off?year=2026"),
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/audit/entries",
        _static("/api/v1/audit/entries"),
        ok_user="audrey",
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "GET",
        "/api/v1/audit/entries/{entry_id}",
        lambda w: f"/api/v1/audit/entries/{w.entry.pk}",
        ok_user="audrey",
        anon=401,
        roles=AUDITORS,
    ),
    Row(
        "GET",
        "/api/v1/notifications",
        _static("/api/v1/notifications"),
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "POST",
        "/api/v1/public/reports",
        _static("/api/v1/public/reports"),
        ok=201,
        other=None,
        anon=201,
        multipart=True,
        body=lambda w: {
            "kind": "quality",
            "product_name": "Mũ bảo hiểm",
            "seller_name": "Cửa hàng Phúc An",
            "seller_address": "1 Hàng Bông, Hà Nội",
            "description": "Mũ không có dấu hợp quy CR.",
            "photos": photo_file(),
        },
        roles=EVERYONE,
    ),
    Row(
        "POST",
        "/api/v1/public/reports/status",
        _static("/api/v1/public/reports/status"),
        other=None,
        anon=200,
        body=lambda w: {"receipt": w.receipt},
        roles=EVERYONE,
    ),
    Row(
        "POST",
        "/api/v1/public/reports/messages",
        _static("/api/v1/public/reports/messages"),
        ok=201,
        other=None,
        anon=201,
        multipart=True,
        body=lambda w: {"receipt": w.receipt, "body": "Bổ sung ảnh", "photos": photo_file()},
        roles=EVERYONE,
    ),
    Row(
        "POST",
        "/api/v1/public/reports/protection",
        _static("/api/v1/public/reports/protection"),
        ok=201,
        other=None,
        anon=201,
        body=lambda w: {"receipt": w.receipt, "kinds": ["job"], "fear": "Tôi lo bị trù dập."},
        roles=EVERYONE,
    ),
    # The reporter chooses how to receive an approved reward, with the receipt.
    Row(
        "POST",
        "/api/v1/public/reports/reward",
        _static("/api/v1/public/reports/reward"),
        other=None,
        anon=200,
        body=lambda w: {"receipt": w.approved_receipt, "choice": "decline"},
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/public/proof-key",
        _static("/api/v1/public/proof-key"),
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    Row(
        "POST",
        "/api/v1/public/proofs/verify",
        _static("/api/v1/public/proofs/verify"),
        other=None,
        anon=200,
        body=lambda w: {"payload": {"type": "x"}, "key_id": "k", "signature": "AA=="},
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/complaints",
        _static("/api/v1/complaints"),
        ok_user="olga",
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}",
        ok_user="olga",
        anon=401,
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/bulk-assign",
        _static("/api/v1/complaints/bulk-assign"),
        ok_user="olga",
        anon=401,
        body=lambda w: {"ids": [w.complaint.pk, w.other_complaint.pk], "officer_id": w.olga.pk},
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/inspections",
        _static("/api/v1/complaints/inspections"),
        ok_user="bob",
        ok=201,
        anon=401,
        body=lambda w: {"ids": [w.triaged.pk], "operator_id": w.operator.pk, "scopes": ["label"]},
        roles=SUPERVISORS_OF_REPORTS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/nature",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/nature",
        ok_user="olga",
        anon=401,
        body=lambda w: {"nature": "denunciation"},
        roles=HANDLERS,
    ),
    # The report's product (docs/barcodes.md): w.photo's barcode waits for confirmation.
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/product",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/product",
        ok_user="olga",
        anon=401,
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/barcode/confirm",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/barcode/confirm",
        ok_user="olga",
        anon=401,
        body=lambda w: {"photo_id": w.photo.pk},
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/barcode/skip",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/barcode/skip",
        ok_user="olga",
        anon=401,
        body=lambda w: {"photo_id": w.photo.pk},
        roles=HANDLERS,
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/product/candidates",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/product/candidates",
        ok_user="olga",
        anon=401,
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/product",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/product",
        ok_user="olga",
        anon=401,
        body=lambda w: {"product_id": w.product.pk},
        roles=HANDLERS,
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/duplicates",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/duplicates",
        ok_user="olga",
        anon=401,
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/merge",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/merge",
        ok_user="olga",
        anon=401,
        body=lambda w: {"ids": [w.other_complaint.pk]},
        roles=HANDLERS,
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/clocks",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/clocks",
        ok_user="olga",
        anon=401,
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/extensions",
        lambda w: f"/api/v1/complaints/{w.triaged.pk}/extensions",
        ok_user="olga",
        ok=201,
        anon=401,
        body=lambda w: {"reason": "Vụ việc phức tạp, cần lấy mẫu."},
        roles=HANDLERS,
    ),
    # Case review: each sees their own unit's clocks and figures.
    Row(
        "GET",
        "/api/v1/clocks",
        _static("/api/v1/clocks"),
        ok_user="olga",
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "GET",
        "/api/v1/dashboard",
        _static("/api/v1/dashboard"),
        ok_user="bob",
        other=200,
        anon=401,
        roles=REVIEWERS,
    ),
    Row(
        "GET",
        "/api/v1/search",
        _static("/api/v1/search?q=nuoc"),
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/transition",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/transition",
        ok_user="olga",
        anon=401,
        body=lambda w: {"to": "acknowledged"},
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/assign",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/assign",
        ok_user="olga",
        anon=401,
        body=lambda w: {"officer_id": w.olga.pk},
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/messages",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/messages",
        ok_user="olga",
        ok=201,
        anon=401,
        body=lambda w: {"body": "Cảm ơn, chúng tôi đang xác minh."},
        roles=HANDLERS,
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/photos/{photo_id}/{variant}",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/photos/{w.photo.pk}/display",
        ok_user="olga",
        anon=401,
        roles=HANDLERS,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/disclosure-requests",
        lambda w: f"/api/v1/complaints/{w.other_complaint.pk}/disclosure-requests",
        ok_user="olga",
        ok=201,
        anon=401,
        body=lambda w: {"reason": "Cần liên hệ để lấy thêm mẫu"},
        roles=HANDLERS,
    ),
    Row(
        "GET",
        "/api/v1/disclosure-requests",
        _static("/api/v1/disclosure-requests"),
        ok_user="cora",
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "POST",
        "/api/v1/disclosure-requests/{request_id}/decision",
        lambda w: f"/api/v1/disclosure-requests/{w.pending_request.pk}/decision",
        ok_user="cora",
        anon=401,
        body=lambda w: {"approve": False, "reason": "Chưa đủ căn cứ"},
        roles=CUSTODIANS,
    ),
    Row("GET", "/api/v1/plans", _static("/api/v1/plans"), other=200, anon=401, roles=OWN_LIST),
    Row(
        "POST",
        "/api/v1/plans",
        _static("/api/v1/plans"),
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {
            "title": "KH 2028",
            "period_start": "2028-01-01",
            "period_end": "2028-12-31",
            "scopes": ["metrology"],
        },
        roles=PLANNERS,
    ),
    Row(
        "GET",
        "/api/v1/plans/{plan_id}",
        lambda w: f"/api/v1/plans/{w.draft_plan.pk}",
        anon=401,
        roles=PLAN_READERS,
    ),
    Row(
        "POST",
        "/api/v1/plans/{plan_id}/submit",
        lambda w: f"/api/v1/plans/{w.draft_plan.pk}/submit",
        anon=401,
        roles=PLAN_SUBMITTERS,
    ),
    # The plan's suggestions, as their pages: the plan is looked for first (404 to whoever
    # may not see it), then the right to draft plans.
    Row(
        "GET",
        "/api/v1/plans/{plan_id}/suggestions",
        lambda w: f"/api/v1/plans/{w.draft_plan.pk}/suggestions",
        anon=401,
        roles=PLAN_SUBMITTERS,
    ),
    Row(
        "POST",
        "/api/v1/plans/{plan_id}/suggestions/{operator_id}/accept",
        lambda w: f"/api/v1/plans/{w.draft_plan.pk}/suggestions/{w.area_operator.pk}/accept",
        ok=201,
        anon=401,
        body=lambda w: {},
        roles=PLAN_SUBMITTERS,
    ),
    Row(
        "POST",
        "/api/v1/plans/{plan_id}/suggestions/{operator_id}/skip",
        lambda w: f"/api/v1/plans/{w.draft_plan.pk}/suggestions/{w.area_operator.pk}/skip",
        ok=201,
        anon=401,
        roles=PLAN_SUBMITTERS,
    ),
    Row(
        "POST",
        "/api/v1/plans/{plan_id}/decision",
        lambda w: f"/api/v1/plans/{w.submitted_plan.pk}/decision",
        ok_user="bob",
        anon=401,
        body=lambda w: {"approve": True},
        roles=PLAN_APPROVERS,
    ),
    Row(
        "GET",
        "/api/v1/inspections/mine",
        _static("/api/v1/inspections/mine"),
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "GET",
        "/api/v1/inspections",
        _static("/api/v1/inspections"),
        other=200,
        anon=401,
        roles=OWN_LIST,
    ),
    Row(
        "POST",
        "/api/v1/inspections",
        _static("/api/v1/inspections"),
        ok_user="bob",
        ok=201,
        other=None,
        anon=401,
        # w.operator is already inspected (w.planned_inspection): a second inspection
        # within 12 months needs its reason (inspections/overlap.py).
        body=lambda w: {
            "operator_id": w.operator.pk,
            "legal_ground": "warning",
            "scopes": ["label"],
            "repeat_reason": "other",
            "repeat_note": "Kiểm tra lại theo đề nghị của Sở Công Thương",
        },
        roles=INSPECTION_CREATORS,
    ),
    # An operator's inspections within 12 months, by any unit (inspections/overlap.py):
    # facts only (day, unit, decision number, status, legal ground; the id only to whoever
    # may open the inspection), to every desk role of any unit (view_inspectionplan).
    Row(
        "GET",
        "/api/v1/operators/{operator_id}/recent-inspections",
        lambda w: f"/api/v1/operators/{w.operator.pk}/recent-inspections",
        other=200,
        anon=401,
        roles=PLAN_READERS.but(refused=403),
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/team",
        lambda w: f"/api/v1/inspections/{w.planned_inspection.pk}/team",
        ok_user="bob",
        anon=401,
        body=lambda w: {"lead_id": w.alice.pk},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/decision",
        lambda w: f"/api/v1/inspections/{w.planned_inspection.pk}/decision",
        ok_user="bob",
        anon=401,
        body=lambda w: {"decision_number": "99/QĐ-KT", "decision_date": "2026-11-24"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/transition",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/transition",
        anon=401,
        body=lambda w: {"to": "on_site"},
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/checklists",
        _static("/api/v1/checklists"),
        other=200,
        anon=401,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/quantity/sampling-plan",
        _static("/api/v1/quantity/sampling-plan?nominal=500&unit=g&lot_size=300"),
        other=200,
        anon=401,
        roles=FIELD_TOOLS,
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/findings",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/findings",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/findings",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/findings",
        ok=201,
        anon=401,
        body=lambda w: {
            "client_uuid": "7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b",
            "item_id": w.label_item.pk,
            "result": "conforming",
        },
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/findings/{finding_id}/photos",
        lambda w: f"/api/v1/findings/{w.finding.pk}/photos",
        ok=201,
        anon=401,
        multipart=True,
        body=lambda w: {"photo": photo_file()},
        roles=TEAM,
    ),
    # The finding's product (docs/barcodes.md): w.evidence's barcode waits for confirmation.
    Row(
        "GET",
        "/api/v1/findings/{finding_id}/product",
        lambda w: f"/api/v1/findings/{w.finding.pk}/product",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/findings/{finding_id}/barcode/confirm",
        lambda w: f"/api/v1/findings/{w.finding.pk}/barcode/confirm",
        anon=401,
        body=lambda w: {"photo_id": w.evidence.pk},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/findings/{finding_id}/barcode/skip",
        lambda w: f"/api/v1/findings/{w.finding.pk}/barcode/skip",
        anon=401,
        body=lambda w: {"photo_id": w.evidence.pk},
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/findings/{finding_id}/product/candidates",
        lambda w: f"/api/v1/findings/{w.finding.pk}/product/candidates?name=nuoc",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/findings/{finding_id}/product",
        lambda w: f"/api/v1/findings/{w.finding.pk}/product",
        anon=401,
        body=lambda w: {"product_id": w.product.pk},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/sync-status",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/sync-status",
        anon=401,
        body=lambda w: {"finding_uuids": [str(w.finding.client_uuid)], "photo_sha256": []},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/findings/{finding_id}/photo-uploads",
        lambda w: f"/api/v1/findings/{w.finding.pk}/photo-uploads",
        ok=201,
        anon=401,
        body=lambda w: {"sha256": "cd" * 32, "size": 1000},
        roles=TEAM,
    ),
    Row(
        "PUT",
        "/api/v1/photo-uploads/{upload_id}",
        lambda w: f"/api/v1/photo-uploads/{w.upload.pk}?offset=0",
        anon=401,
        body=lambda w: b"12345",
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/findings/{finding_id}/photos/{photo_id}/{variant}",
        lambda w: f"/api/v1/findings/{w.finding.pk}/photos/{w.evidence.pk}/original",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/samples",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/samples",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/samples",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/samples",
        ok=201,
        anon=401,
        body=lambda w: {
            "client_uuid": "0b5f7c1d-2e3a-4b5c-9d6e-7f8091a2b3c4",
            "product_name": "Mẫu ma trận",
            "test_unit_seal": "M1",
            "retained_unit_seal": "M2",
            "sampling_record_number": "9/BB",
            "sampled_at": "2026-11-20T10:00:00+07:00",
        },
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/samples/{sample_id}/sent",
        lambda w: f"/api/v1/samples/{w.sample.pk}/sent",
        anon=401,
        body=lambda w: {"lab_name": "Quatest 1", "sent_on": "2026-11-21"},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/samples/{sample_id}/lab-result",
        lambda w: f"/api/v1/samples/{w.tested_sample.pk}/lab-result",
        anon=401,
        body=lambda w: {
            "test_report_number": "KQ-1",
            "result_on": "2026-11-21",
            "criteria": [{"criterion": "Chỉ tiêu", "limit_max": "10", "measured": "5"}],
        },
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/samples/{sample_id}/risk",
        lambda w: f"/api/v1/samples/{w.case.open_follow_up.sample.pk}/risk",
        anon=401,
        body=lambda w: RISK,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/minutes",
        lambda w: f"/api/v1/inspections/{w.site_inspection.pk}/minutes",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/minutes/{minutes_id}/sign",
        lambda w: f"/api/v1/minutes/{w.draft_minutes.pk}/sign",
        anon=401,
        body=lambda w: {"team_signer_ids": [w.alice.pk], "representative_name": "Bà Lan"},
        roles=LEAD_ONLY,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/minutes/amendments",
        lambda w: f"/api/v1/inspections/{w.signed_inspection.pk}/minutes/amendments",
        ok=201,
        anon=401,
        body=lambda w: {"reason": "Bổ sung kết quả"},
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/minutes/{minutes_id}/pdf",
        lambda w: f"/api/v1/minutes/{w.draft_minutes.pk}/pdf",
        anon=401,
        roles=TEAM,
    ),
    # Violation handling: records, decisions, measures, failed tests, alerts (API).
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/violation-records",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/violation-records",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/violation-records",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/violation-records",
        ok=201,
        anon=401,
        body=lambda w: {
            "place": "Hà Nội",
            "violations": [
                {
                    "provision_id": w.case.provision.pk,
                    "description": "Không ghi hạn sử dụng",
                    "finding_ids": [w.case.finding.pk],
                }
            ],
        },
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/violation-records/{record_id}",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/sign",
        lambda w: f"/api/v1/violation-records/{w.case.draft_record.pk}/sign",
        anon=401,
        body=lambda w: {},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/complex",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/complex",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Cần xác minh nguồn gốc hàng hóa"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/extension",
        lambda w: f"/api/v1/violation-records/{w.case.complex_record.pk}/extension",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Chờ kết quả giám định"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/dismissal",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/dismissal",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Giải trình được chấp nhận"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/risk",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/risk",
        anon=401,
        body=lambda w: RISK,
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/violation-records/{record_id}/pdf",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/pdf",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/decision",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/decision",
        anon=401,
        body=lambda w: {
            "lines": [
                {
                    "violation_id": w.case.signed_record.violations.get().pk,
                    "fine_vnd": 2_000_000,
                }
            ]
        },
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/penalty-decisions/{decision_id}",
        lambda w: f"/api/v1/penalty-decisions/{w.case.approved.pk}",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/penalty-decisions/{decision_id}/submit",
        lambda w: f"/api/v1/penalty-decisions/{w.case.submitted.pk}/submit",
        ok=409,  # already submitted: alice may try, the flow refuses
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/penalty-decisions/{decision_id}/review",
        lambda w: f"/api/v1/penalty-decisions/{w.case.submitted.pk}/review",
        ok_user="bob",
        anon=401,
        body=lambda w: {"approve": False, "note": "Bổ sung biện pháp khắc phục"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/penalty-decisions/{decision_id}/fine-payment",
        lambda w: f"/api/v1/penalty-decisions/{w.case.approved.pk}/fine-payment",
        anon=401,
        body=lambda w: {"paid_on": timezone.localdate().isoformat(), "receipt_number": "BL-9"},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/penalty-decisions/{decision_id}/close",
        lambda w: f"/api/v1/penalty-decisions/{w.case.closable.pk}/close",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/penalty-decisions/{decision_id}/pdf",
        lambda w: f"/api/v1/penalty-decisions/{w.case.approved.pk}/pdf",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/remedial-measures/{measure_id}/photos",
        lambda w: f"/api/v1/remedial-measures/{w.case.measure.pk}/photos",
        ok=201,
        anon=401,
        multipart=True,
        body=lambda w: {"photo": photo_file()},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/remedial-measures/{measure_id}/done",
        lambda w: f"/api/v1/remedial-measures/{w.case.measure.pk}/done",
        anon=401,
        body=lambda w: {"done_on": timezone.localdate().isoformat(), "note": "Đã thu hồi"},
        roles=TEAM,
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/follow-ups",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/follow-ups",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/report",
        lambda w: f"/api/v1/follow-ups/{w.case.open_follow_up.pk}/report",
        anon=401,
        body=lambda w: {"text": "Mẫu không đạt chỉ tiêu histamin"},
        roles=AGENCY,  # and the lead (alice): violations/followup.py, follow_up_report
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/suspension",
        lambda w: f"/api/v1/follow-ups/{w.case.reported_follow_up.pk}/suspension",
        ok_user="bob",
        anon=401,
        body=lambda w: {"goods": "120 chai nước mắm"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/seals",
        lambda w: f"/api/v1/follow-ups/{w.case.reported_follow_up.pk}/seals",
        ok=201,
        anon=401,
        body=lambda w: {"seal_number": "NP-9", "goods": "120 chai", "place": "Kho số 3"},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/seals/{seal_id}/unseal",
        lambda w: f"/api/v1/seals/{w.case.seal.pk}/unseal",
        anon=401,
        body=lambda w: {"reason": "Tiêu hủy dưới sự giám sát"},
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/retests",
        lambda w: f"/api/v1/follow-ups/{w.case.suspended_follow_up.pk}/retests",
        ok=201,
        anon=401,
        body=lambda w: {
            "client_uuid": str(uuid.uuid4()),
            "test_unit_seal": "RT-1",
            "retained_unit_seal": "RT-2",
            "sampling_record_number": "9/BB-LM",
        },
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/resumption",
        lambda w: f"/api/v1/follow-ups/{w.case.resumable_follow_up.pk}/resumption",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Thử nghiệm lại đạt"},
        roles=AGENCY,
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/alert-draft",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/alert-draft",
        anon=401,
        roles=TEAM,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/alerts",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/alerts",
        ok_user="bob",
        ok=201,
        anon=401,
        body=lambda w: {
            "product_name": "Nước mắm",
            "operator_name": "Cơ sở A",
            "defect": "Histamin 410 mg/kg",
        },
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/alerts/{alert_id}/withdrawal",
        lambda w: f"/api/v1/alerts/{w.case.alert.pk}/withdrawal",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Công bố nhầm"},
        roles=AGENCY,
    ),
    Row(
        "POST",
        "/api/v1/alerts/{alert_id}/risk",
        lambda w: f"/api/v1/alerts/{w.case.alert.pk}/risk",
        ok_user="bob",
        anon=401,
        body=lambda w: RISK,
        roles=AGENCY,
    ),
    # Notices between units (violations/notice_api.py), as the pages above.
    Row("GET", "/api/v1/notices", _static("/api/v1/notices"), other=200, anon=401, roles=EVERYONE),
    Row(
        "GET",
        "/api/v1/notices/{notice_id}",
        lambda w: f"/api/v1/notices/{w.case.notice.pk}",
        ok_user="bob",
        anon=401,
        roles=NOTICE_READERS,
    ),
    Row(
        "POST",
        "/api/v1/notices/{notice_id}/reaction",
        lambda w: f"/api/v1/notices/{w.case.notice.pk}/reaction",
        ok_user="bob",
        anon=401,
        multipart=True,
        body=lambda w: {"reaction": "not_found"},
        roles=NOTICE_READERS.but(national=403),
    ),
    Row(
        "GET",
        "/api/v1/notices/{notice_id}/evidence",
        lambda w: f"/api/v1/notices/{w.case.answered_notice.pk}/evidence",
        ok_user="bob",
        anon=401,
        roles=NOTICE_READERS,
    ),
    Row(
        "GET",
        "/api/v1/notice-campaigns",
        _static("/api/v1/notice-campaigns"),
        ok_user="nadia",
        other=403,
        anon=401,
        roles=NATIONAL_ONLY,
    ),
    Row(
        "GET",
        "/api/v1/notice-campaigns/{alert_id}",
        lambda w: f"/api/v1/notice-campaigns/{w.case.alert.pk}",
        ok_user="nadia",
        other=403,
        anon=401,
        roles=NATIONAL_ONLY,
    ),
    Row(
        "POST",
        "/api/v1/alerts/{alert_id}/notices",
        lambda w: f"/api/v1/alerts/{w.case.alert.pk}/notices",
        ok_user="nadia",
        ok=201,
        other=403,
        anon=401,
        body=lambda w: {"reason": "Bán trên cả nước"},
        roles=NATIONAL_ONLY,
    ),
    Row(
        "GET",
        "/api/v1/public/alerts",
        _static("/api/v1/public/alerts?q=nuoc mam"),
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/public/alerts/{alert_id}",
        lambda w: f"/api/v1/public/alerts/{w.case.alert.pk}",
        other=None,
        anon=200,
        roles=EVERYONE,
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/identity",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/identity",
        ok_user="olga",
        anon=401,
        roles=GRANTED_HANDLER,
    ),
    Row(
        "POST",
        "/api/v1/notifications/{notification_id}/read",
        lambda w: f"/api/v1/notifications/{w.notification.pk}/read",
        anon=401,
        roles=NOBODY,
    ),
]


def _django_routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route in ("admin/", "api/v1/"):
                yield route  # the admin is Django's; the API is enumerated from its schema
                continue
            yield from _django_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


# Pages whose form posts to their own address, where the POST acts under another rule
# than the GET shows (see, then change): each method has its row.
GET_AND_POST = {
    "complaints/<int:complaint_id>/product/",
    "inspections/<int:inspection_id>/findings/<int:finding_id>/product/",
}


def discovered() -> set[tuple[str, str]]:
    found = set()
    for route in _django_routes(get_resolver().url_patterns):
        if route == "api/v1/":
            continue
        methods = {
            "logout/": "POST",
            "account/security/passkeys/new/options/": "POST",
            "account/security/passkeys/new/verify/": "POST",
            "login/passkey/options/": "POST",
            "login/passkey/verify/": "POST",
            "staff/factor-resets/<int:reset_id>/approve/": "POST",
            "staff/factor-resets/<int:reset_id>/refuse/": "POST",
            "i18n/setlang/": "POST",
            "notifications/<int:notification_id>/read/": "POST",
            "tra-cuu/tra-loi/": "POST",
            "tra-cuu/khen-thuong/chon/": "POST",
            "rewards/<int:reward_id>/decide/": "POST",
            "rewards/<int:reward_id>/pay/": "POST",
            "cases/<int:inspection_id>/rewards/": "POST",
            "complaints/bulk/": "POST",
            "complaints/<int:complaint_id>/retention-hold/": "POST",
            "disclosures/<int:request_id>/decide/": "POST",
            "tra-cuu/bao-ve/": "POST",
            "protection/<int:protection_id>/decide/": "POST",
            "protection/<int:protection_id>/follow-up/": "POST",
            "protection/<int:protection_id>/inform/": "POST",
            "protection/<int:protection_id>/close/": "POST",
            "field/inspections/<int:inspection_id>/start/": "POST",
            "plans/<int:plan_id>/submit/": "POST",
            "plans/<int:plan_id>/decide/": "POST",
            "plans/<int:plan_id>/suggestions/<int:operator_id>/accept/": "POST",
            "plans/<int:plan_id>/suggestions/<int:operator_id>/skip/": "POST",
            "inspections/<int:inspection_id>/transition/": "POST",
            "field/inspections/<int:inspection_id>/items/<int:item_id>/sync/": "POST",
            "field/inspections/<int:inspection_id>/samples/sync/": "POST",
            "field/inspections/<int:inspection_id>/samples/<int:sample_id>/photos/sync/": "POST",
            "field/inspections/<int:inspection_id>/next/": "POST",
            "field/inspections/<int:inspection_id>/minutes/draft/": "POST",
            "field/inspections/<int:inspection_id>/minutes/amend/": "POST",
            "field/minutes/<int:minutes_id>/sign/sync/": "POST",
            "field/minutes/<int:minutes_id>/complete/": "POST",
            "cases/<int:inspection_id>/alerts/": "POST",
            "cases/follow-ups/<int:follow_up_id>/report/": "POST",
            "cases/follow-ups/<int:follow_up_id>/suspend/": "POST",
            "cases/follow-ups/<int:follow_up_id>/resume/": "POST",
            "cases/decisions/<int:decision_id>/review/": "POST",
            "cases/decisions/<int:decision_id>/fine/": "POST",
            "cases/decisions/<int:decision_id>/close/": "POST",
            "cases/alerts/<int:alert_id>/withdraw/": "POST",
            "cases/records/<int:record_id>/sign/": "POST",
            "cases/records/<int:record_id>/complex/": "POST",
            "cases/records/<int:record_id>/extend/": "POST",
            "cases/records/<int:record_id>/dismiss/": "POST",
            "cases/decisions/<int:decision_id>/submit/": "POST",
            "cases/measures/<int:measure_id>/done/": "POST",
            "provisions/imports/<int:import_id>/apply/": "POST",
            "provisions/imports/<int:import_id>/discard/": "POST",
            "provisions/<int:provision_id>/verify/": "POST",
            "provisions/<int:provision_id>/return/": "POST",
            "samples/<int:sample_id>/risk/": "POST",
            "cases/records/<int:record_id>/risk/": "POST",
            "cases/alerts/<int:alert_id>/risk/": "POST",
            "notices/<int:notice_id>/react/": "POST",
            "notices/campaigns/<int:alert_id>/send/": "POST",
        }
        found.add((methods.get(route, "GET"), route))
        if route in GET_AND_POST:
            found.add(("POST", route))
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            found.add((method.upper(), path))
    found |= {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")}
    return found


def test_every_endpoint_has_a_declared_expectation():
    declared = {(row.method, row.route) for row in ROWS}
    missing = discovered() - declared
    assert not missing, f"Declare the access expectations of: {sorted(missing)}"
    stale = declared - discovered()
    assert not stale, f"These rows name routes that no longer exist: {sorted(stale)}"


def test_every_row_declares_what_each_role_gets():
    missing = [f"{row.method} {row.route}" for row in ROWS if row.roles is None]
    assert not missing, f"Declare `roles=` (tests/access/roles.py) for: {missing}"


# The world is built once for the module; every request runs in a savepoint rolled back
# afterwards, so no row sees another's changes (nor a previous role's on the same row).
# The marker makes pytest-django create the test database (and wrap each test in one more
# savepoint).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test.utils import override_settings
    from django.utils import translation

    from config.celery import app

    root = tmp_path_factory.mktemp("access-matrix")
    (root / "var").mkdir()
    dirs = {"MEDIA_ROOT": root / "media", "VAR_DIR": root / "var"}
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast, **dirs):
        translation.activate("vi")
        cache.clear()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(), dirs
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            app.conf.task_always_eager = eager


@pytest.fixture
def world(_built_world, settings):
    w, dirs = _built_world
    for name, value in dirs.items():  # the world's files, not this test's empty folder
        setattr(settings, name, value)
    return w


def _call(client: Client, row: Row, w: World, token: str | None = None):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    url = row.url(w)
    data = row.body(w) if row.body else None
    method = getattr(client, row.method.lower())
    if row.route.startswith("/api/") and row.multipart:
        return method(url, data=data or {}, **extra)
    if isinstance(data, bytes):
        return method(url, data=data, content_type="application/octet-stream", **extra)
    if row.route.startswith("/api/"):
        payload = json.dumps(data) if data is not None else None
        return method(url, data=payload, content_type="application/json", **extra)
    return method(url, data=data or {}, **extra)


def _request(row: Row, w: World, user=None, then: Callable | None = None):
    """The row's request, as `user` (None: anonymous), undone afterwards."""
    cache.clear()  # throttles count per test elsewhere; here per request
    client = Client()
    token = None
    if user is not None:
        if row.route.startswith("/api/") and user.username in w.tokens:
            token = w.tokens[user.username]
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[user.username]
            if user.username in w.vault_cookies:  # cora's vault key, unlocked
                client.cookies[vault.COOKIE] = w.vault_cookies[user.username]
    with transaction.atomic():
        try:
            response = _call(client, row, w, token)
            if then is not None:
                then(response)
            return response
        finally:
            transaction.set_rollback(True)


def _user_call(row: Row, w: World, who: str):
    return _request(row, w, getattr(w, who))


def _status(row: Row, w: World, user) -> int | str:
    try:
        return _request(row, w, user).status_code
    except Exception as exc:  # a 500: the test client re-raises it
        return f"{type(exc).__name__}: {exc}"[:200]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.route}")
def test_anonymous(world, row):
    if row.route == "/api/v1/auth/tokens" and row.method == "POST":
        row = Row(
            row.method,
            row.route,
            row.url,
            anon=row.anon,
            body=lambda w: {"username": "alice", "password": "wrong", "device_name": "T"},
        )
    response = _request(row, world)
    assert response.status_code == row.anon, response.content[:300]
    if row.anon == 302:
        assert response["Location"].startswith(("/login/", "/admin/login/")) or row.route in (
            "logout/",
            "i18n/setlang/",
        )


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r.other is not None], ids=lambda r: f"{r.method} {r.route}"
)
def test_user_of_another_unit(world, row):
    assert _user_call(row, world, "charlie").status_code == row.other


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.route}")
def test_the_right_user(world, row):
    response = _user_call(row, world, row.ok_user)
    assert response.status_code == row.ok, response.content[:500]


def _differences(row: Row, w: World, cases) -> list[str]:
    found = []
    for case, expected in cases:
        actual = _status(row, w, w.personas[case.unit, case.key])
        if actual != expected:
            found.append(
                f"{case.key} ({case.username}, unit {case.unit}, {case.position}): "
                f"expected {expected}, got {actual}"
            )
    return found


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r.roles is not None], ids=lambda r: f"{r.method} {r.route}"
)
def test_each_role_of_the_unit(world, row):
    """Each role of Hà Nội, holding only that role, on Hà Nội's objects."""
    cases = [(case, row.roles.own(case.key, row.ok)) for case in OWN_CASES]
    differences = _differences(row, world, cases)
    assert not differences, f"{row.method} {row.route}:\n  " + "\n  ".join(differences)


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r.roles is not None and r.other is not None],
    ids=lambda r: f"{r.method} {r.route}",
)
def test_each_role_of_another_unit(world, row):
    """Each role of Hồ Chí Minh City on the same (Hà Nội's) objects."""
    cases = [
        (case, row.roles.other(case.key, like, row.ok, row.other)) for case, like in OTHER_CASES
    ]
    differences = _differences(row, world, cases)
    assert not differences, f"{row.method} {row.route}:\n  " + "\n  ".join(differences)


def test_notification_was_marked_read(world):
    row = next(r for r in ROWS if r.route.endswith("/read"))

    def marked(response):
        assert Notification.objects.get(pk=world.notification.pk).read_at is not None

    _request(row, world, world.alice, then=marked)
