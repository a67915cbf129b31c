import functools

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from ninja.responses import Status

from complaints import products, proofs, selectors, services
from complaints.duplicates import group_of
from complaints.models import Complaint
from complaints.product_schemas import ComplaintProductOut
from complaints.protection_schemas import ProtectionIn
from complaints.schemas import (
    AssignIn,
    BulkAssignIn,
    BulkAssignOut,
    ClockOut,
    ComplaintFilterIn,
    ComplaintListOut,
    ComplaintOut,
    DisclosureDecisionIn,
    DisclosureIn,
    DisclosureOut,
    DuplicateOut,
    ExtensionIn,
    FiledOut,
    IdentityOut,
    MergeIn,
    MessageOut,
    NatureIn,
    ProofKeyOut,
    ProofOut,
    ReceiptIn,
    ReplyIn,
    ReportIn,
    StaffMessageIn,
    StatusOut,
    TransitionIn,
    VerifyOut,
)
from registry.api_base import ERRORS, CappedPagePagination, ErrorOut, PagePagination
from registry.barcode_schemas import (
    BarcodePhotoIn,
    ProductCandidateOut,
    ProductLinkIn,
    origin_out,
    proposal_out,
)
from registry.errors import DomainError, InvalidInput, NotFound
from registry.media import file_response
from registry.models import Product, ProductCategory, Province, User
from registry.product_links import product_candidates
from whistleblower import protection
from whistleblower import services as vault_services
from whistleblower.models import DisclosureRequest
from whistleblower.vault import session_private_key

public = Router(tags=["public"])
staff = Router(tags=["complaints"])
PUBLIC_ERRORS = {
    400: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}


class TooLarge(DomainError):
    status = 413
    code = "request_too_large"
    message = _("Dữ liệu gửi lên quá lớn: tối đa 6 ảnh, mỗi ảnh 15 MB.")


def check_request_size(request) -> None:
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.COMPLAINT_MAX_REQUEST_BYTES:
        raise TooLarge()


class _PhotosInMemory(MemoryFileUploadHandler):
    """Keeps every uploaded file in memory, whatever FILE_UPLOAD_MAX_MEMORY_SIZE says."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


def photos_in_memory(run):
    """Decorates a filing endpoint (ninja's decorate_view: it runs before the form is
    parsed): a body within COMPLAINT_MAX_REQUEST_BYTES has its photos read into memory
    rather than spooled to temporary files and read back, since the service reads them
    whole anyway. A larger body keeps Django's handlers and is refused by
    check_request_size."""

    @functools.wraps(run)
    def parse_in_memory(request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if 0 < length <= settings.COMPLAINT_MAX_REQUEST_BYTES:
            request.upload_handlers = [_PhotosInMemory(request)]
        return run(request, *args, **kwargs)

    return parse_in_memory


def read_photos(files) -> list[services.PhotoUpload]:
    return [
        services.PhotoUpload(data=f.read(), filename=f.name or "", content_type=f.content_type)
        for f in files or []
    ]


def identity_from(data) -> dict:
    return {
        "full_name": data.identity_full_name,
        "phone": data.identity_phone,
        "email": data.identity_email,
        "id_number": data.identity_id_number,
    }


def submit(request, data, photos, *, channel) -> services.Filed:
    """Shared by the API and the public page."""
    if data.website:
        raise InvalidInput(_("Không gửi được phản ánh."), code="rejected")
    return services.complaint_submit(
        kind=data.kind,
        product_name=data.product_name,
        product_brand=data.product_brand,
        product_gtin=data.product_gtin,
        product_batch=data.product_batch,
        product_category=ProductCategory.objects.filter(pk=data.product_category_id).first()
        if data.product_category_id
        else None,
        seller_name=data.seller_name,
        seller_address=data.seller_address,
        seller_url=data.seller_url,
        seller_tax_code=data.seller_tax_code,
        seller_province=get_object_or_404(Province, pk=data.seller_province_id)
        if data.seller_province_id
        else None,
        purchase_date=data.purchase_date,
        description=data.description,
        photos=photos,
        identity=identity_from(data),
        channel=channel,
        network_key=request.network_key,
    )


# --- Public: no login ------------------------------------------------------------------------


@public.post(
    "/public/reports",
    auth=None,
    operation_id="submit_report",
    response={201: FiledOut, **PUBLIC_ERRORS},
)
@decorate_view(photos_in_memory)
def submit_report(request, data: Form[ReportIn], photos: File[list[UploadedFile]] = None):
    """File a report. The receipt code in the answer is shown once and never stored."""
    check_request_size(request)
    filed = submit(request, data, read_photos(photos), channel=Complaint.Channel.API)
    return Status(
        201,
        {
            "tracking_number": filed.complaint.tracking_number,
            "receipt": filed.receipt,
            "proof": proofs.make_proof(filed.complaint),
        },
    )


@public.post(
    "/public/reports/status",
    auth=None,
    operation_id="get_report_status",
    response={200: StatusOut, **PUBLIC_ERRORS},
)
def get_report_status(request, data: ReceiptIn):
    """Status, history and public messages of a receipt (POST: the receipt stays out of URLs)."""
    complaint = services.complaint_by_receipt(receipt=data.receipt, network_key=request.network_key)
    return selectors.public_view(complaint)


@public.post(
    "/public/reports/messages",
    auth=None,
    operation_id="post_reporter_message",
    response={201: StatusOut, **PUBLIC_ERRORS},
)
def post_reporter_message(request, data: Form[ReplyIn], photos: File[list[UploadedFile]] = None):
    """The reporter answers, adds photos, or gives their identity in confidence."""
    check_request_size(request)
    complaint = services.complaint_by_receipt(receipt=data.receipt, network_key=request.network_key)
    services.reporter_reply(
        complaint=complaint,
        body=data.body,
        photos=read_photos(photos),
        identity=identity_from(data),
        network_key=request.network_key,
    )
    return Status(201, selectors.public_view(complaint))


@public.post(
    "/public/reports/protection",
    auth=None,
    operation_id="request_protection",
    response={201: StatusOut, **PUBLIC_ERRORS},
)
def request_protection(request, data: ProtectionIn):
    """The reporter asks to be protected (confidentiality, job, life, health, property,
    honour) and says what they fear; only the unit's identity custodians and supervisors
    see it, never the report's handler. The decision is read in `protection` of the
    report's status (docs/protection.md)."""
    complaint = services.complaint_by_receipt(receipt=data.receipt, network_key=request.network_key)
    protection.protection_request_file(
        complaint=complaint,
        kinds=[str(kind) for kind in data.kinds],
        fear=data.fear,
        identity_choice=data.identity,
        identity=identity_from(data),
        network_key=request.network_key,
    )
    return Status(201, selectors.public_view(complaint))


@public.get("/public/proof-key", auth=None, operation_id="get_proof_key", response=ProofKeyOut)
def proof_key(request):
    return {
        "algorithm": "Ed25519",
        "key_id": proofs.key_id(),
        "public_key_pem": proofs.public_key_pem(),
    }


@public.post(
    "/public/proofs/verify",
    auth=None,
    operation_id="verify_proof",
    response={200: VerifyOut, 400: ErrorOut},
)
def verify_proof(request, proof: ProofOut):
    return {"valid": proofs.verify_proof(proof.dict())}


# --- Staff -------------------------------------------------------------------------------------


@staff.get(
    "/complaints", response={200: list[ComplaintListOut], **ERRORS}, operation_id="list_complaints"
)
@paginate(CappedPagePagination)
def complaint_list(request, filters: Query[ComplaintFilterIn]):
    """The triage queues, permission-scoped: a page costs the same few queries whatever
    its size and number. `count` is exact up to 1000; beyond, it is 1001 and
    `count_capped` is true (docs/case-list.md); `has_next` tells if a next page exists."""
    return selectors.complaint_rows(
        user=request.auth, filters=selectors.ComplaintFilters(**filters.dict())
    )


def _visible_complaints(user, ids: list[int]) -> list[Complaint]:
    return selectors.complaints_by_ids(user=user, ids=ids)


@staff.post(
    "/complaints/bulk-assign",
    response={200: BulkAssignOut, **ERRORS},
    operation_id="assign_complaints",
)
def complaints_bulk_assign(request, data: BulkAssignIn):
    """Give several reports to one officer: all of them, or none."""
    complaints = _visible_complaints(request.auth, data.ids)
    officer = get_object_or_404(services.handlers_of(user=request.auth), pk=data.officer_id)
    count = services.complaints_assign_bulk(by=request.auth, complaints=complaints, officer=officer)
    return {"assigned": count}


@staff.post(
    "/complaints/{complaint_id}/nature",
    response={200: ComplaintOut, **ERRORS},
    operation_id="set_complaint_nature",
)
def complaint_nature(request, complaint_id: int, data: NatureIn):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    services.complaint_set_nature(by=request.auth, complaint=complaint, nature=data.nature)
    return selectors.complaint_get(user=request.auth, complaint_id=complaint_id)


@staff.get(
    "/complaints/{complaint_id}/duplicates",
    response={200: list[DuplicateOut], **ERRORS},
    operation_id="list_complaint_duplicates",
)
def complaint_duplicates(request, complaint_id: int):
    """The other reports of its group the caller may see, with why they were linked."""
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return [
        {
            **{f: getattr(row["complaint"], f) for f in ("id", "tracking_number", "status")},
            "product_name": row["complaint"].product_name,
            "seller_name": row["complaint"].seller_name,
            "reasons": row["codes"],
        }
        for row in group_of(user=request.auth, complaint=complaint)
    ]


@staff.post(
    "/complaints/{complaint_id}/merge",
    response={200: ComplaintOut, **ERRORS},
    operation_id="merge_complaint",
)
def complaint_merge(request, complaint_id: int, data: MergeIn):
    """Settle the listed reports together with this one; their receipts keep working."""
    into = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    services.complaint_merge(
        by=request.auth, complaints=_visible_complaints(request.auth, data.ids), into=into
    )
    return selectors.complaint_get(user=request.auth, complaint_id=complaint_id)


@staff.get(
    "/complaints/{complaint_id}/clocks",
    response={200: list[ClockOut], **ERRORS},
    operation_id="list_complaint_clocks",
)
def complaint_clocks(request, complaint_id: int):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return list(complaint.clocks.prefetch_related("extension_log").order_by("started_at", "pk"))


@staff.post(
    "/complaints/{complaint_id}/extensions",
    response={201: ClockOut, **ERRORS},
    operation_id="extend_complaint_clock",
)
def complaint_extension(request, complaint_id: int, data: ExtensionIn):
    """Extend the settlement by 30 days (twice at most); the reporter is told why."""
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return Status(
        201,
        services.complaint_extend_settlement(
            by=request.auth, complaint=complaint, reason=data.reason
        ),
    )


@staff.get(
    "/complaints/{complaint_id}",
    response={200: ComplaintOut, **ERRORS},
    operation_id="get_complaint",
)
def complaint_detail(request, complaint_id: int):
    return selectors.complaint_get(user=request.auth, complaint_id=complaint_id)


@staff.post(
    "/complaints/{complaint_id}/transition",
    response={200: ComplaintOut, **ERRORS},
    operation_id="transition_complaint",
)
def complaint_transition(request, complaint_id: int, data: TransitionIn):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    services.complaint_transition(
        by=request.auth, complaint=complaint, to=data.to, public_note=data.public_note
    )
    return selectors.complaint_get(user=request.auth, complaint_id=complaint_id)


@staff.post(
    "/complaints/{complaint_id}/assign",
    response={200: ComplaintOut, **ERRORS},
    operation_id="assign_complaint",
)
def complaint_assign(request, complaint_id: int, data: AssignIn):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    officer = get_object_or_404(User.objects.visible_to(request.auth), pk=data.officer_id)
    services.complaint_assign(by=request.auth, complaint=complaint, officer=officer)
    return selectors.complaint_get(user=request.auth, complaint_id=complaint_id)


@staff.post(
    "/complaints/{complaint_id}/messages",
    response={201: MessageOut, **ERRORS},
    operation_id="post_complaint_message",
)
def complaint_message(request, complaint_id: int, data: StaffMessageIn):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    message = services.complaint_message_send(
        by=request.auth, complaint=complaint, body=data.body, internal=data.internal
    )
    return Status(201, message)


@staff.get(
    "/complaints/{complaint_id}/photos/{photo_id}/{variant}",
    response={200: None, **ERRORS},
    operation_id="get_complaint_photo",
)
def complaint_photo(request, complaint_id: int, photo_id: int, variant: str):
    """A clean copy (display or thumb) of a citizen's photo; the original does not exist."""
    return photo_response(
        selectors.photo_get(user=request.auth, complaint_id=complaint_id, photo_id=photo_id),
        variant,
    )


def photo_response(photo, variant: str):
    if variant not in ("display", "thumb"):
        raise NotFound()
    field = photo.display if variant == "display" else photo.thumb
    return file_response(
        field,
        filename=f"{photo.complaint.tracking_number}-{photo.pk}-{variant}.jpg",
        content_type="image/jpeg",
    )


@staff.post(
    "/complaints/{complaint_id}/disclosure-requests",
    response={201: DisclosureOut, **ERRORS},
    operation_id="request_disclosure",
)
def disclosure_request(request, complaint_id: int, data: DisclosureIn):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return Status(
        201,
        vault_services.disclosure_request(by=request.auth, complaint=complaint, reason=data.reason),
    )


@staff.get(
    "/disclosure-requests",
    response={200: list[DisclosureOut], **ERRORS},
    operation_id="list_disclosure_requests",
)
@paginate(PagePagination)
def disclosure_list(request):
    return DisclosureRequest.objects.visible_to(request.auth).order_by("-created_at")


@staff.post(
    "/disclosure-requests/{request_id}/decision",
    response={200: DisclosureOut, **ERRORS},
    operation_id="decide_disclosure",
)
def disclosure_decide(request, request_id: int, data: DisclosureDecisionIn):
    return vault_services.disclosure_decide(
        by=request.auth,
        request_id=request_id,
        approve=data.approve,
        reason=data.reason,
        custodian_private=session_private_key(request),
        hours=data.hours,
    )


@staff.get(
    "/complaints/{complaint_id}/identity",
    response={200: IdentityOut, **ERRORS},
    operation_id="get_complaint_identity",
)
def complaint_identity(request, complaint_id: int, response: HttpResponse):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    fields = vault_services.identity_reveal(
        by=request.auth, complaint=complaint, handler_private=session_private_key(request)
    )
    response["Cache-Control"] = "no-store"
    return {"given": fields is not None, **(fields or {})}


# --- the product of a report: barcode read from its photos, product record -------------------


def _product_out(complaint: Complaint) -> ComplaintProductOut:
    return ComplaintProductOut(
        complaint_id=complaint.pk,
        product_name=complaint.product_name,
        product_brand=complaint.product_brand,
        product_gtin=complaint.product_gtin,
        product_batch=complaint.product_batch,
        product_id=complaint.product_id,
        origin=origin_out(complaint.product_gtin),
        proposal=proposal_out(products.barcode_proposal(complaint=complaint)),
    )


@staff.get(
    "/complaints/{complaint_id}/product",
    response={200: ComplaintProductOut, **ERRORS},
    operation_id="get_complaint_product",
)
def complaint_product(request, complaint_id: int):
    """The report's product, and the barcode read from its photos that waits for staff."""
    return _product_out(selectors.complaint_get(user=request.auth, complaint_id=complaint_id))


@staff.post(
    "/complaints/{complaint_id}/barcode/confirm",
    response={200: ComplaintProductOut, **ERRORS},
    operation_id="confirm_complaint_barcode",
)
def complaint_barcode_confirm(request, complaint_id: int, data: BarcodePhotoIn):
    """Take the barcode read from the photo as the report's (GTIN, batch, product record)."""
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return _product_out(
        products.complaint_barcode_confirm(
            by=request.auth, complaint=complaint, photo_id=data.photo_id
        )
    )


@staff.post(
    "/complaints/{complaint_id}/barcode/skip",
    response={200: ComplaintProductOut, **ERRORS},
    operation_id="skip_complaint_barcode",
)
def complaint_barcode_skip(request, complaint_id: int, data: BarcodePhotoIn):
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return _product_out(
        products.complaint_barcode_skip(
            by=request.auth, complaint=complaint, photo_id=data.photo_id
        )
    )


@staff.get(
    "/complaints/{complaint_id}/product/candidates",
    response={200: list[ProductCandidateOut], **ERRORS},
    operation_id="list_complaint_product_candidates",
)
def complaint_product_candidates(
    request, complaint_id: int, name: str | None = None, brand: str | None = None
):
    """Product records whose name and brand match (the report's own by default), at most
    20, the exact match first."""
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    return product_candidates(
        user=request.auth,
        name=(complaint.product_name if name is None else name)[:300],
        brand=(complaint.product_brand if brand is None else brand)[:200],
    )


@staff.post(
    "/complaints/{complaint_id}/product",
    response={200: ComplaintProductOut, **ERRORS},
    operation_id="link_complaint_product",
)
def complaint_product_link(request, complaint_id: int, data: ProductLinkIn):
    """Link the report to a product record by a confirmed match of name and brand."""
    complaint = selectors.complaint_get(user=request.auth, complaint_id=complaint_id)
    product = get_object_or_404(Product.objects.visible_to(request.auth), pk=data.product_id)
    return _product_out(
        products.complaint_product_link(by=request.auth, complaint=complaint, product=product)
    )
