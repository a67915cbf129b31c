"""Importing the legal catalogue from a file: read it, check every row against the
catalogue, show the plan, then apply it all at once or not at all.

* `provision_import_stage` reads the file (registry.catalogue_io), checks every row and
  keeps the rows, their errors and the plan in a `ProvisionImport`: nothing else is
  written, whatever the file holds.
* `provision_import_apply` checks everything again against the catalogue as it is then,
  and applies the plan in one transaction through the catalogue's own services
  (registry.provisions): documents are added, versions entered, amended or corrected,
  all entered by the importer and pending verification. An import never verifies.

What each row becomes, for a version (one code, one `valid_from`):

* unchanged: the catalogue already holds that version with the same content;
* update: it holds it, not yet verified (pending or returned), with another content;
* create: a code the catalogue does not hold;
* amend: a new version of a code, replacing (`replaces_valid_from`) a verified version.

Everything else is an error of its row: a verified version with another content (it is
never edited: an amendment is a new version), a new version of an existing code without
`replaces_valid_from`, an amendment of a version not yet verified, including one earlier
in the same file (it must be verified first), and two rows for the same version.
"""

import hashlib
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import catalogue_io, provisions
from registry.audit import audit_record
from registry.catalogue_checks import (
    ACTIONS,
    AMEND,
    CREATE,
    UPDATE,
    Checked,
    check_rows,
    where_text,
)
from registry.catalogue_io import DOCUMENTS, PROVISIONS
from registry.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from registry.models import ProvisionImport
from registry.permissions import get_visible, require_perm

PENDING_LINK = "/provisions/?status=pending"


# --- Reads ----------------------------------------------------------------------------------


def provision_import_get(*, user, import_id: int) -> ProvisionImport:
    """A staged import: its uploader's only (anyone else gets NotFound)."""
    return get_visible(ProvisionImport.objects.select_related("uploaded_by"), user, pk=import_id)


# --- Writing --------------------------------------------------------------------------------


def provision_import_stage(*, by, file_name: str, data: bytes) -> ProvisionImport:
    """Read and check a catalogue file, and keep it for its uploader to preview. Raises
    InvalidInput (field "file") for a file that is not a catalogue at all; errors of
    rows are kept with it, and nothing but this record is written."""
    require_perm(by, provisions.ENTER)
    fmt = catalogue_io.format_of(file_name)
    rows = catalogue_io.read(data, fmt)
    checked = check_rows(rows)
    return ProvisionImport.objects.create(
        uploaded_by=by,
        file_name=(file_name or "")[-255:],
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
        errors=checked.errors,
        plan=checked.plan,
    )


def _lock_own_previewed(by, staged: ProvisionImport, to: str) -> ProvisionImport:
    staged = ProvisionImport.objects.select_for_update().get(pk=staged.pk)
    if staged.uploaded_by_id != by.pk:
        raise PermissionDenied(
            _("Chỉ người tải tệp lên mới nhập hoặc hủy được lần nhập này."),
            code="provision_import_not_yours",
        )
    if staged.status != ProvisionImport.Status.PREVIEWED:
        raise InvalidTransition.between(staged.status, to, ProvisionImport.Status)
    return staged


def provision_import_apply(*, by, staged: ProvisionImport) -> ProvisionImport:
    """Apply a staged import, all or nothing, after checking it again against the
    catalogue as it is now. If the catalogue changed so that some row no longer fits,
    the new errors are kept with the import (for its preview) and Conflict is raised;
    nothing else is written."""
    require_perm(by, provisions.ENTER)
    with transaction.atomic():
        staged = _lock_own_previewed(by, staged, ProvisionImport.Status.APPLIED)
        checked = check_rows(staged.rows)
        staged.errors, staged.plan = checked.errors, checked.plan
        if not checked.errors:
            _apply(by, staged, checked)
            staged.status = ProvisionImport.Status.APPLIED
            staged.applied_at = timezone.now()
        staged.save(update_fields=["errors", "plan", "status", "applied_at"])
    if checked.errors:
        raise Conflict(
            _(
                "Danh mục đã thay đổi từ lúc xem trước: %(rows)d dòng nay có lỗi. "
                "Không có gì được nhập."
            ),
            code="provision_import_invalid",
            params={"rows": checked.plan["counts"]["rows_with_errors"]},
        )
    return staged


@contextmanager
def _refused_row(staged: ProvisionImport, sheet: str, row: int):
    """A service refusing a row the checks let through (a race, or a rule of the services
    not mirrored in registry.catalogue_checks): the whole import rolls back."""
    try:
        yield
    except DomainError as error:
        raise Conflict(
            _("Không nhập được %(where)s của trang %(sheet)s: %(message)s Không có gì được nhập."),
            code=error.code,
            params={
                "where": where_text(staged.format, row),
                "sheet": sheet,
                "message": error.render(),
            },
        ) from error


def _apply(by, staged: ProvisionImport, checked: Checked) -> None:
    created = {}
    for row in checked.plan[DOCUMENTS]:
        if row["action"] == CREATE:
            d = checked.new_documents[row["number"]]
            with _refused_row(staged, DOCUMENTS, row["row"]):
                created[d.number] = provisions.document_create(
                    by=by,
                    kind=d.kind,
                    number=d.number,
                    issued_on=d.issued_on,
                    title=d.title,
                    issuer=d.issuer,
                    url=d.url,
                )
    for row in checked.plan[PROVISIONS]:
        n, action = row["row"], row["action"]
        if action not in (CREATE, AMEND, UPDATE):
            continue
        fields = dict(checked.fields[n])
        for key in ("document", "amending_document"):
            if fields[key] is not None and fields[key].pk is None:
                fields[key] = created[fields[key].number]
        with _refused_row(staged, PROVISIONS, n):
            if action == UPDATE:
                # One notification for the whole import (below), not one per version.
                provisions.provision_update(
                    by=by, provision=checked.targets[n], fields=fields, notify=False
                )
            else:
                provisions.provision_create(
                    by=by, fields=fields, replaces=checked.targets.get(n), notify=False
                )
    counts = checked.plan["counts"]
    audit_record(
        actor=by,
        action="provision.import",
        target=staged,
        changes={
            "file": staged.file_name,
            "sha256": staged.sha256,
            "format": staged.format,
            "documents": counts["documents"],
            **{action: counts[action] for action in ACTIONS},
        },
    )
    if counts["versions"]:
        provisions.notify_verifiers(by=by, count=counts["versions"], link=PENDING_LINK)


def provision_import_discard(*, by, staged: ProvisionImport) -> ProvisionImport:
    """The uploader drops a staged import; nothing of it is applied."""
    require_perm(by, provisions.ENTER)
    with transaction.atomic():
        staged = _lock_own_previewed(by, staged, ProvisionImport.Status.DISCARDED)
        staged.status = ProvisionImport.Status.DISCARDED
        staged.save(update_fields=["status"])
    return staged
