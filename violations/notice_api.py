"""Notices between units about an alerted product (violations/notices.py): the unit's
notices and its answer, the national overview, and a national supervisor's decision to
send them. Mounted on the violations router (violations/api.py).

A notice of another unit is a 404 to a provincial unit; the national overview is a 403
to anyone outside the national unit."""

from datetime import date, datetime

from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from registry.api_base import ERRORS, PagePagination
from registry.errors import NotFound
from registry.media import file_response
from violations import notices, selectors
from violations.schemas import AlertOut, ReasonIn

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    alert: AlertOut
    unit_id: int
    unit_name: str
    origin: str
    reason: str
    sent_at: datetime
    due_on: date
    answered: bool
    late: bool
    reaction: str
    reaction_text: str
    reacted_by_id: int | None
    reacted_at: datetime | None
    evidence_sha256: str
    # Set when the alert was withdrawn before the unit answered: the notice is closed.
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name


class ReactionIn(Schema):
    reaction: str
    text: str = ""


class NoticeFilter(Schema):
    answered: bool = False


class CampaignOut(Schema):
    alert_id: int
    product_name: str
    risk_level: str
    published_on: date
    sent: int
    answered: int
    overdue: int

    @staticmethod
    def resolve_alert_id(obj):
        return obj.pk


class CampaignDetailOut(Schema):
    alert: AlertOut
    notices: list[NoticeOut]


@router.get(
    "/notices",
    response={200: list[NoticeOut], **ERRORS},
    operation_id="list_my_unit_notices",
)
@paginate(PagePagination)
def list_notices(request, filters: Query[NoticeFilter]):
    """The notices the caller's unit received: waiting for its answer (oldest deadline
    first), or `answered=true`."""
    return selectors.notices_for_my_unit(user=request.auth, waiting=not filters.answered)


@router.get("/notices/{notice_id}", response={200: NoticeOut, **ERRORS}, operation_id="get_notice")
def get_notice(request, notice_id: int):
    return selectors.notice_get(user=request.auth, notice_id=notice_id)


@router.post(
    "/notices/{notice_id}/reaction",
    response={200: NoticeOut, **ERRORS},
    operation_id="react_to_notice",
)
def react_to_notice(
    request, notice_id: int, data: Form[ReactionIn], evidence: File[UploadedFile] = None
):
    """The unit's answer (multipart): `found`, `not_found` or `measures`, the text, and
    the evidence (a PDF, JPEG or PNG; required for `measures`). Stops the clock."""
    user = request.auth
    notice = selectors.notice_get(user=user, notice_id=notice_id)
    notices.notice_react(
        by=user,
        notice=notice,
        reaction=data.reaction,
        text=data.text,
        evidence=notices.read_evidence(evidence),
    )
    return selectors.notice_get(user=user, notice_id=notice_id)


@router.get(
    "/notices/{notice_id}/evidence",
    response={200: None, **ERRORS},
    operation_id="get_notice_evidence",
)
def notice_evidence(request, notice_id: int):
    notice = selectors.notice_get(user=request.auth, notice_id=notice_id)
    if not notice.evidence:
        raise NotFound()
    extension = notice.evidence.name.rsplit(".", 1)[-1]
    return file_response(
        notice.evidence,
        filename=f"thong-bao-{notice.pk}.{extension}",
        content_type=notice.evidence_type or None,
        attachment=True,
    )


@router.get(
    "/notice-campaigns",
    response={200: list[CampaignOut], **ERRORS},
    operation_id="list_notice_campaigns",
)
@paginate(PagePagination)
def list_campaigns(request):
    """National overview: each published alert with the units told, answered, late."""
    return selectors.notice_campaigns(user=request.auth)


@router.get(
    "/notice-campaigns/{alert_id}",
    response={200: CampaignDetailOut, **ERRORS},
    operation_id="get_notice_campaign",
)
def get_campaign(request, alert_id: int):
    """National overview of one alert: each unit's notice, its answer or its delay."""
    alert, rows = selectors.notice_campaign(user=request.auth, alert_id=alert_id)
    return {"alert": alert, "notices": list(rows)}


@router.post(
    "/alerts/{alert_id}/notices",
    response={201: list[NoticeOut], **ERRORS},
    operation_id="send_alert_notices",
)
def send_notices(request, alert_id: int, data: ReasonIn):
    """A national supervisor's decision to tell the other units about a published alert."""
    user = request.auth
    alert, _rows = selectors.notice_campaign(user=user, alert_id=alert_id)
    return Status(201, notices.notices_send(by=user, alert=alert, reason=data.reason))
