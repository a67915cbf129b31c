"""The legal catalogue kept by the authority's legal staff: entering a version of a
sanctionable act, amending it with a new version, and the four-eyes verification that
makes a version citable.

The rules (DESIGN.md, "Legal provisions are law in force for a period"):

* a version is in force from `valid_from` to `valid_to`, both days included;
* one person enters a version (by hand or by importing a file), another verifies it
  against the source; only verified versions are cited, and the person who entered a
  version never verifies it (a database constraint says so too);
* a verified version is never edited: an amendment is a new version that `replaces` it,
  and verifying the amendment ends the old version the day before the new one starts;
* the verified versions of one provision (one `code`) never overlap in time, so on any
  day at most one of them is in force.
"""

import re
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from registry.models import AuditEntry, LegalDocument, LegalProvision, User
from registry.permissions import require_perm
from registry.services import notification_send
from registry.text import fold_words

# Codes used in the catalogue and, later, in penalty decisions.
ADDITIONAL_PENALTIES = {
    "confiscation": _("Tịch thu tang vật vi phạm"),
    "license_suspension": _("Tước quyền sử dụng giấy phép, chứng chỉ có thời hạn"),
    "activity_suspension": _("Đình chỉ hoạt động có thời hạn"),
    "certificate_revocation": _("Thu hồi giấy chứng nhận"),
}
REMEDIAL_MEASURES = {
    "recall": _("Buộc thu hồi sản phẩm, hàng hóa"),
    "destruction": _("Buộc tiêu hủy"),
    "relabel": _("Buộc ghi nhãn lại, sửa đổi nhãn"),
    "re_export": _("Buộc tái xuất"),
    "change_use": _("Buộc chuyển đổi mục đích sử dụng"),
    "remove_mark": _("Buộc loại bỏ dấu hợp chuẩn, hợp quy"),
    "remove_label": _("Buộc loại bỏ nhãn vi phạm"),
    "recover_unlawful_profit": _("Buộc nộp lại số lợi bất hợp pháp"),
    "correct_information": _("Buộc cải chính thông tin sai sự thật"),
    "recalibrate_instrument": _("Buộc kiểm định, hiệu chuẩn lại phương tiện đo"),
}

ENTER = "registry.add_legalprovision"
VERIFY = "registry.verify_legalprovision"

# What a version says: the fields entered, imported, exported and compared.
CONTENT_FIELDS = (
    "code",
    "document",
    "amending_document",
    "article",
    "clause",
    "point",
    "field",
    "title",
    "title_en",
    "act",
    "act_en",
    "fine_min_vnd",
    "fine_max_vnd",
    "organisation_fine_min_vnd",
    "organisation_fine_max_vnd",
    "organisation_fine_basis",
    "fine_note",
    "additional_penalties",
    "remedial_measures",
    "valid_from",
    "valid_to",
    "source",
    "source_url",
)
_TEXT_LIMITS = {
    "code": 40,
    "point": 2,
    "title": 400,
    "title_en": 400,
    "act": 5000,
    "act_en": 5000,
    "organisation_fine_basis": 2000,
    "fine_note": 5000,
    "source": 2000,
    "source_url": 500,
}
# What the columns hold (article and clause are small integers), with room to spare: no
# fine in a sanction decree comes near a million billion đồng.
MAX_NUMBER = 32767
MAX_AMOUNT_VND = 10**15
# Points are lettered a, b, c, d, đ, e, g, h, i, k, l, m, n, o, p, q, r, s, t, u, v, x, y.
POINT_RE = re.compile(r"^[a-zđ]{1,2}$")
CODE_RE = re.compile(r"^[\w./-]+$")


# --- Checking a version's content ----------------------------------------------------------


def content_errors(fields: dict) -> dict[str, list[tuple[str, object, dict | None]]]:
    """Every problem with a version's content, by field: {field: [(code, message, params)]}.

    The one set of rules for the entry page, the import and the services."""
    errors: dict[str, list] = {}

    def add(field, code, message, params=None):
        errors.setdefault(field, []).append((code, message, params))

    for key in ("code", "title", "act", "source"):
        if not str(fields.get(key) or "").strip():
            add(key, "required", _("Trường này là bắt buộc."))
    for key, limit in _TEXT_LIMITS.items():
        if len(str(fields.get(key) or "")) > limit:
            add(key, "too_long", _("Dài quá %(limit)d ký tự."), {"limit": limit})
    if not web_address(fields.get("source_url")):
        add("source_url", "invalid_url", _("Địa chỉ phải bắt đầu bằng https:// hoặc http://."))
    code = str(fields.get("code") or "").strip()
    if code and not CODE_RE.match(code):
        add(
            "code",
            "invalid_code",
            _("Mã chỉ gồm chữ, số và các dấu . / - _ (không có khoảng trắng)."),
        )
    if not isinstance(fields.get("document"), LegalDocument):
        add("document", "required", _("Hãy chọn văn bản quy định hành vi này."))
    amending = fields.get("amending_document")
    if amending is not None and not isinstance(amending, LegalDocument):
        add("amending_document", "invalid", _("Văn bản sửa đổi không hợp lệ."))
    for key in ("article", "clause"):
        value = fields.get(key)
        if not _whole(value) or not 1 <= value <= MAX_NUMBER:
            add(
                key,
                "invalid_number",
                _("Phải là số nguyên dương, không quá %(max)d."),
                {"max": MAX_NUMBER},
            )
    point = str(fields.get("point") or "")
    if point and not POINT_RE.match(point):
        add("point", "invalid_point", _("Điểm là một chữ cái thường: a, b, c, d, đ, e…"))
    if fields.get("field") not in LegalProvision.Field.values:
        add(
            "field",
            "invalid_choice",
            _("Lĩnh vực phải là một trong: %(choices)s."),
            {"choices": ", ".join(LegalProvision.Field.values)},
        )
    _fine_errors(fields, add)
    for key, allowed in (
        ("additional_penalties", ADDITIONAL_PENALTIES),
        ("remedial_measures", REMEDIAL_MEASURES),
    ):
        value = fields.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            add(key, "invalid", _("Phải là danh sách mã."))
            continue
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            add(
                key,
                "unknown_code",
                _("Mã không có trong danh mục: %(codes)s (dùng: %(allowed)s)."),
                {"codes": ", ".join(unknown), "allowed": ", ".join(allowed)},
            )
    _date_errors(fields, add)
    return errors


def web_address(value) -> bool:
    """Empty, or an address on the web: shown as a link, never another scheme."""
    url = str(value or "").strip().lower()
    return not url or url.startswith(("https://", "http://"))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fine_errors(fields: dict, add) -> None:
    low, high = fields.get("fine_min_vnd"), fields.get("fine_max_vnd")
    for key, value in (("fine_min_vnd", low), ("fine_max_vnd", high)):
        if not _whole(value) or not 0 <= value <= MAX_AMOUNT_VND:
            add(key, "invalid_amount", _("Số tiền phải là số nguyên đồng, không âm."))
    if _whole(low) and _whole(high):
        if high < 1:
            add("fine_max_vnd", "invalid_amount", _("Mức phạt tối đa phải lớn hơn 0."))
        elif low > high:
            add("fine_min_vnd", "fine_min_above_max", _("Mức tối thiểu lớn hơn mức tối đa."))
    org_low, org_high = (
        fields.get("organisation_fine_min_vnd"),
        fields.get("organisation_fine_max_vnd"),
    )
    if org_low is None and org_high is None:
        return
    if org_low is None or org_high is None:
        add(
            "organisation_fine_min_vnd",
            "organisation_fine_incomplete",
            _("Ngoại lệ mức phạt với tổ chức cần cả mức tối thiểu và tối đa."),
        )
        return
    if (
        not (_whole(org_low) and _whole(org_high))
        or org_low < 0
        or not 1 <= org_high <= MAX_AMOUNT_VND
    ):
        add("organisation_fine_min_vnd", "invalid_amount", _("Số tiền không hợp lệ."))
    elif org_low > org_high:
        add(
            "organisation_fine_min_vnd",
            "fine_min_above_max",
            _("Mức tối thiểu lớn hơn mức tối đa."),
        )
    if not str(fields.get("organisation_fine_basis") or "").strip():
        add(
            "organisation_fine_basis",
            "required",
            _("Ghi căn cứ của ngoại lệ (điều, khoản quy định mức phạt với tổ chức)."),
        )


def _date_errors(fields: dict, add) -> None:
    start, end = fields.get("valid_from"), fields.get("valid_to")
    if not isinstance(start, date):
        add("valid_from", "required", _("Hãy ghi ngày có hiệu lực."))
        return
    if end is not None and (not isinstance(end, date) or end < start):
        add("valid_to", "valid_to_before_from", _("Ngày hết hiệu lực trước ngày có hiệu lực."))
    for key in ("document", "amending_document"):
        doc = fields.get(key)
        if isinstance(doc, LegalDocument) and start < doc.issued_on:
            add(
                "valid_from",
                "valid_before_document",
                _("Ngày có hiệu lực trước ngày ban hành %(document)s (%(issued)s)."),
                {"document": doc.name, "issued": doc.issued_on.strftime("%d/%m/%Y")},
            )


def _check(fields: dict) -> dict:
    errors = content_errors(fields)
    if errors:
        code, message, params = next(iter(errors.values()))[0]
        raise InvalidInput(message, code=code, params=params, errors=errors)
    cleaned = {key: fields.get(key) for key in CONTENT_FIELDS}
    for key in _TEXT_LIMITS:
        cleaned[key] = str(cleaned[key] or "").strip()
    cleaned["additional_penalties"] = list(cleaned["additional_penalties"] or [])
    cleaned["remedial_measures"] = list(cleaned["remedial_measures"] or [])
    if cleaned["organisation_fine_max_vnd"] is None:
        cleaned["organisation_fine_basis"] = ""
    return cleaned


def content_of(provision: LegalProvision) -> dict:
    return {key: getattr(provision, key) for key in CONTENT_FIELDS}


def _audit_content(fields: dict) -> dict:
    """The content as plain values for the audit log."""
    out = {}
    for key, value in fields.items():
        if isinstance(value, LegalDocument):
            value = value.number
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


def search_text(provision: LegalProvision) -> str:
    parts = [
        provision.code,
        provision.citation,
        provision.document.number,
        provision.document.title,
        provision.title,
        provision.title_en,
        provision.act,
        provision.act_en,
    ]
    if provision.amending_document_id:
        parts.append(provision.amending_document.number)
    return fold_words(" ".join(parts))


# --- Entering, amending, verifying ---------------------------------------------------------


def _overlapping(queryset: QuerySet, start: date, end: date | None) -> QuerySet:
    """Versions of `queryset` in force on some day of [start, end]."""
    overlap = Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    if end is not None:
        overlap &= Q(valid_from__lte=end)
    return queryset.filter(overlap)


@transaction.atomic
def provision_create(
    *,
    by,
    fields: dict,
    replaces: LegalProvision | None = None,
    is_demo: bool = False,
    notify: bool = True,
) -> LegalProvision:
    """Enter a version, pending verification. With `replaces`, it is an amendment of that
    (verified) version: same code, starting after it."""
    require_perm(by, ENTER)
    cleaned = _check(fields)
    # Lock every version of the code (and the replaced one, read again) so that two
    # amendments or two verifications of one provision run one after the other.
    versions = LegalProvision.objects.filter(code=cleaned["code"])
    locked = list(versions.select_for_update().order_by("pk"))
    if replaces is not None:
        replaces = LegalProvision.objects.select_for_update().get(pk=replaces.pk)
        if replaces.status != LegalProvision.Status.VERIFIED:
            raise Conflict(
                _("Chỉ sửa đổi phiên bản đã xác minh; phiên bản chưa xác minh thì sửa trực tiếp."),
                code="provision_replaces_unverified",
            )
        if cleaned["code"] != replaces.code:
            raise InvalidInput.field(
                "code",
                "provision_code_changed",
                _("Phiên bản sửa đổi giữ mã %(code)s của phiên bản được thay thế."),
                {"code": replaces.code},
            )
        if cleaned["valid_from"] <= replaces.valid_from:
            raise InvalidInput.field(
                "valid_from",
                "amendment_not_later",
                _("Phiên bản sửa đổi phải có hiệu lực sau ngày %(day)s."),
                {"day": replaces.valid_from.strftime("%d/%m/%Y")},
            )
        if replaces.replaced_by.exclude(status=LegalProvision.Status.RETURNED).exists():
            raise Conflict(
                _("Phiên bản này đã có một phiên bản sửa đổi."), code="provision_already_amended"
            )
    elif locked:
        raise Conflict(
            _(
                "Đã có điều khoản mã %(code)s: hãy lập phiên bản sửa đổi từ trang của điều "
                "khoản đó."
            ),
            code="provision_code_exists",
            params={"code": cleaned["code"]},
        )
    if versions.filter(valid_from=cleaned["valid_from"]).exists():
        raise Conflict(
            _("Điều khoản %(code)s đã có phiên bản có hiệu lực từ ngày %(day)s."),
            code="provision_version_exists",
            params={"code": cleaned["code"], "day": cleaned["valid_from"].strftime("%d/%m/%Y")},
        )
    provision = LegalProvision(
        **cleaned,
        replaces=replaces,
        status=LegalProvision.Status.PENDING,
        entered_by=by,
        entered_at=timezone.now(),
        is_demo=is_demo,
    )
    provision.search_text = search_text(provision)
    try:
        with transaction.atomic():
            provision.save()
    except IntegrityError as exc:
        # Another entry of the same code and start day committed in between.
        raise Conflict(
            _("Điều khoản %(code)s đã có phiên bản có hiệu lực từ ngày %(day)s."),
            code="provision_version_exists",
            params={"code": cleaned["code"], "day": cleaned["valid_from"].strftime("%d/%m/%Y")},
        ) from exc
    audit_record(
        actor=by,
        action="provision.amend" if replaces else "provision.create",
        target=provision,
        changes={
            **_audit_content(cleaned),
            "replaces": replaces.pk if replaces else None,
            "demo": is_demo,
        },
    )
    if notify:
        notify_verifiers(by=by, count=1, link=f"/provisions/{provision.pk}/")
    return provision


@transaction.atomic
def provision_update(
    *, by, provision: LegalProvision, fields: dict, notify: bool = True
) -> LegalProvision:
    """Correct a version not yet verified (pending, or returned by the verifier). It goes
    back to pending, entered by the one who corrected it."""
    require_perm(by, ENTER)
    provision = LegalProvision.objects.select_for_update().get(pk=provision.pk)
    if provision.status == LegalProvision.Status.VERIFIED:
        raise Conflict(
            _(
                "Phiên bản đã xác minh không được sửa: hãy lập phiên bản sửa đổi, "
                "có hiệu lực từ ngày văn bản sửa đổi có hiệu lực."
            ),
            code="provision_locked",
        )
    cleaned = _check(fields)
    if provision.replaces_id and cleaned["code"] != provision.code:
        raise InvalidInput.field(
            "code", "provision_code_changed", _("Phiên bản sửa đổi giữ mã của phiên bản cũ.")
        )
    if provision.replaces_id and cleaned["valid_from"] <= provision.replaces.valid_from:
        raise InvalidInput.field(
            "valid_from",
            "amendment_not_later",
            _("Phiên bản sửa đổi phải có hiệu lực sau ngày %(day)s."),
            {"day": provision.replaces.valid_from.strftime("%d/%m/%Y")},
        )
    if _audit_content(cleaned) == _audit_content(content_of(provision)):
        # Saving unchanged content would make the saver its enterer, and so let the
        # original enterer verify their own text.
        raise Conflict(
            _("Nội dung không thay đổi: không có gì để lưu."), code="provision_unchanged"
        )
    clash = LegalProvision.objects.filter(
        code=cleaned["code"], valid_from=cleaned["valid_from"]
    ).exclude(pk=provision.pk)
    if clash.exists():
        raise Conflict(
            _("Điều khoản %(code)s đã có phiên bản có hiệu lực từ ngày %(day)s."),
            code="provision_version_exists",
            params={"code": cleaned["code"], "day": cleaned["valid_from"].strftime("%d/%m/%Y")},
        )
    before = _audit_content(content_of(provision))
    for key, value in cleaned.items():
        setattr(provision, key, value)
    provision.status = LegalProvision.Status.PENDING
    provision.return_reason = ""
    provision.entered_by = by
    provision.entered_at = timezone.now()
    provision.search_text = search_text(provision)
    provision.save()
    after = _audit_content(cleaned)
    audit_record(
        actor=by,
        action="provision.change",
        target=provision,
        changes={key: [before[key], after[key]] for key in after if before[key] != after[key]},
    )
    if notify:
        notify_verifiers(by=by, count=1, link=f"/provisions/{provision.pk}/")
    return provision


@transaction.atomic
def provision_verify(
    *,
    by,
    provision: LegalProvision,
    note: str = "",
    seen: str | None = None,
    notify: bool = True,
) -> LegalProvision:
    """The second pair of eyes: the version matches its source. It becomes citable; an
    amendment ends the version it replaces the day before it starts.

    `seen` is the `entered_at` of the content the verifier read (the page sends it): if
    the version was corrected since, the verifier must read it again."""
    require_perm(by, VERIFY)
    # Every version of the code, locked: verifications of one provision are serialised.
    list(LegalProvision.objects.select_for_update().filter(code=provision.code).order_by("pk"))
    provision = LegalProvision.objects.select_for_update().get(pk=provision.pk)
    if provision.status != LegalProvision.Status.PENDING:
        raise InvalidTransition.between(
            provision.status, LegalProvision.Status.VERIFIED, LegalProvision.Status
        )
    if by.pk in authors(provision):
        raise PermissionDenied(
            _("Người nhập điều khoản không được tự xác minh: cần một người thứ hai."),
            code="provision_own_entry",
        )
    if seen is not None and seen != seen_token(provision):
        raise Conflict(
            _("Phiên bản vừa được sửa sau khi bạn mở trang: hãy đọc lại trước khi xác minh."),
            code="provision_changed",
        )
    siblings = LegalProvision.objects.filter(
        code=provision.code, status=LegalProvision.Status.VERIFIED
    )
    ended = None
    if provision.replaces_id:
        old = siblings.filter(pk=provision.replaces_id).first()
        day_before = provision.valid_from - timedelta(days=1)
        if old is not None and (old.valid_to is None or old.valid_to > day_before):
            ended = (old, old.valid_to)
            old.valid_to = day_before
            old.save(update_fields=["valid_to"])
    clash = _overlapping(
        siblings.exclude(pk=provision.pk), provision.valid_from, provision.valid_to
    )
    if clash.exists():
        other = clash.first()
        raise Conflict(
            _(
                "Thời gian hiệu lực trùng với phiên bản đã xác minh %(citation)s "
                "(từ %(start)s): hãy lập phiên bản này như một sửa đổi."
            ),
            code="provision_overlap",
            params={"citation": other.citation, "start": other.valid_from.strftime("%d/%m/%Y")},
        )
    provision.status = LegalProvision.Status.VERIFIED
    provision.verified_by = by
    provision.verified_at = timezone.now()
    provision.verification_note = (note or "").strip()[:2000]
    provision.save(update_fields=["status", "verified_by", "verified_at", "verification_note"])
    audit_record(
        actor=by,
        action="provision.verify",
        target=provision,
        changes={"note": provision.verification_note, "entered_by": provision.entered_by_id},
    )
    if ended is not None:
        old, previous_end = ended
        audit_record(
            actor=by,
            action="provision.end",
            target=old,
            changes={
                "valid_to": [
                    previous_end.isoformat() if previous_end else None,
                    old.valid_to.isoformat(),
                ],
                "replaced_by": provision.pk,
            },
        )
    if notify and provision.entered_by_id:
        notification_send(
            recipient=provision.entered_by,
            subject=str(
                _("Điều khoản đã được xác minh: %(citation)s") % {"citation": provision.citation}
            ),
            body=str(_("Phiên bản này nay được dùng khi lập biên bản vi phạm.")),
            link=f"/provisions/{provision.pk}/",
        )
    return provision


@transaction.atomic
def provision_return(*, by, provision: LegalProvision, reason: str) -> LegalProvision:
    """The verifier sends a version back to be corrected, saying what does not match."""
    require_perm(by, VERIFY)
    provision = LegalProvision.objects.select_for_update().get(pk=provision.pk)
    if provision.status != LegalProvision.Status.PENDING:
        raise InvalidTransition.between(
            provision.status, LegalProvision.Status.RETURNED, LegalProvision.Status
        )
    if by.pk in authors(provision):
        raise PermissionDenied(
            _("Người nhập điều khoản không tự trả lại: hãy sửa trực tiếp."),
            code="provision_own_entry",
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "required", _("Hãy ghi điểm chưa khớp với văn bản gốc."))
    provision.status = LegalProvision.Status.RETURNED
    provision.return_reason = reason[:2000]
    provision.save(update_fields=["status", "return_reason"])
    audit_record(actor=by, action="provision.return", target=provision, changes={"reason": reason})
    if provision.entered_by_id:
        notification_send(
            recipient=provision.entered_by,
            subject=str(
                _("Điều khoản bị trả lại: %(citation)s") % {"citation": provision.citation}
            ),
            body=reason,
            link=f"/provisions/{provision.pk}/",
        )
    return provision


def authors(provision: LegalProvision) -> set[int]:
    """Everyone who wrote this version's content: its enterer and whoever entered,
    amended or corrected it before (the audit log keeps them)."""
    wrote = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(LegalProvision),
        target_id=str(provision.pk),
        action__in=("provision.create", "provision.amend", "provision.change"),
        actor__isnull=False,
    ).values_list("actor_id", flat=True)
    return {*wrote, provision.entered_by_id} - {None}


def seen_token(provision: LegalProvision) -> str:
    """What the verification page sends back to say which content the verifier read."""
    return provision.entered_at.isoformat() if provision.entered_at else ""


def notify_verifiers(*, by, count: int, link: str) -> None:
    """Tell the other legal staff that versions wait for their verification."""
    verifiers = User.objects.filter(is_active=True).exclude(pk=by.pk)
    verifiers = [
        u
        for u in verifiers.filter(groups__permissions__codename="verify_legalprovision").distinct()
    ]
    for user in verifiers:
        notification_send(
            recipient=user,
            subject=str(_("%(count)d điều khoản xử phạt chờ xác minh") % {"count": count}),
            body=str(
                _("%(name)s đã nhập; cần người thứ hai đối chiếu với văn bản gốc.")
                % {"name": by.full_name or by.username}
            ),
            link=link,
        )


# --- Legal documents -----------------------------------------------------------------------


@transaction.atomic
def document_create(
    *, by, kind: str, number: str, issued_on: date, title: str, issuer: str, url: str = ""
) -> LegalDocument:
    require_perm(by, ENTER)
    number = (number or "").strip()
    errors = {}
    if kind not in LegalDocument.Kind.values:
        errors["kind"] = [("invalid_choice", _("Loại văn bản không hợp lệ."), None)]
    if not number:
        errors["number"] = [("required", _("Trường này là bắt buộc."), None)]
    elif LegalDocument.objects.filter(number=number).exists():
        errors["number"] = [
            ("document_exists", _("Đã có văn bản số %(number)s."), {"number": number})
        ]
    if not isinstance(issued_on, date):
        errors["issued_on"] = [("required", _("Hãy ghi ngày ban hành."), None)]
    for key, value in (("title", title), ("issuer", issuer)):
        if not (value or "").strip():
            errors[key] = [("required", _("Trường này là bắt buộc."), None)]
    if not web_address(url):
        errors["url"] = [
            ("invalid_url", _("Địa chỉ phải bắt đầu bằng https:// hoặc http://."), None)
        ]
    if errors:
        code, message, params = next(iter(errors.values()))[0]
        raise InvalidInput(message, code=code, params=params, errors=errors)
    document = LegalDocument.objects.create(
        kind=kind,
        number=number[:40],
        issued_on=issued_on,
        title=title.strip()[:500],
        issuer=issuer.strip()[:150],
        url=(url or "").strip()[:500],
    )
    audit_record(
        actor=by,
        action="legal_document.create",
        target=document,
        changes={"number": document.number, "issued_on": issued_on.isoformat()},
    )
    return document


# --- Citing ---------------------------------------------------------------------------------


def citable_on(day: date) -> QuerySet[LegalProvision]:
    """The versions a violation committed on `day` may cite: verified and in force."""
    return (
        LegalProvision.objects.in_force(day)
        .filter(status=LegalProvision.Status.VERIFIED)
        .select_related("document", "amending_document")
    )


def check_citable(provision, day: date, *, lock: bool = False) -> LegalProvision:
    """The version, as stored now, if it may be cited for an act committed on `day`;
    InvalidInput (field `provision_id`) otherwise, naming the version in force that day."""
    if isinstance(provision, LegalProvision):
        # Read again: verifying an amendment may have ended it since it was fetched.
        # With `lock` (inside the transaction that cites it), an amendment's verification
        # waits until the citing record is saved, and this reads the version as it is then.
        rows = LegalProvision.objects.select_related("document", "amending_document")
        if lock:
            rows = rows.select_for_update(of=("self",))
        provision = rows.filter(pk=provision.pk).first()
    if not isinstance(provision, LegalProvision):
        raise InvalidInput.field(
            "provision_id", "unknown_provision", _("Không có điều khoản xử phạt này.")
        )
    if provision.status != LegalProvision.Status.VERIFIED:
        raise InvalidInput.field(
            "provision_id",
            "provision_unverified",
            _(
                "Điều khoản %(citation)s chưa được xác minh với văn bản gốc: cán bộ pháp chế "
                "cần xác minh trước khi dùng để xử phạt."
            ),
            {"citation": provision.citation},
        )
    if not provision.in_force_on(day):
        current = citable_on(day).filter(code=provision.code).first()
        if current is not None:
            raise InvalidInput.field(
                "provision_id",
                "provision_not_in_force",
                _(
                    "Ngày %(day)s, hành vi này được xử phạt theo phiên bản khác: "
                    "%(citation)s, hiệu lực từ %(start)s."
                ),
                {
                    "day": day.strftime("%d/%m/%Y"),
                    "citation": current.citation,
                    "start": current.valid_from.strftime("%d/%m/%Y"),
                },
            )
        raise InvalidInput.field(
            "provision_id",
            "provision_not_in_force",
            _("Điều khoản %(citation)s không có hiệu lực vào ngày %(day)s."),
            {"citation": provision.citation, "day": day.strftime("%d/%m/%Y")},
        )
    return provision
