"""The reporter asks to be protected, from the case page they opened with the receipt
(docs/protection.md). No account, no JavaScript; the receipt travels as on the reply:
in the posted form, then to the confirmation page in a short-lived signed cookie."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from complaints import services
from complaints.forms import ReceiptForm, add_filing_errors
from complaints.protection_forms import ProtectionForm
from complaints.views import (
    _error_page,
    _filed_complaint,
    _identity,
    _receipt_error,
    _receipt_once,
    _receipt_redirect,
    _receipt_shown,
    _status_page,
)
from registry.errors import DomainError
from whistleblower import protection
from whistleblower.selectors import protection_public

# The confirmation page reads the receipt from this cookie once (see _receipt_redirect).
PROTECTION_COOKIE = "tra-cuu-bao-ve"


@require_POST
def protection_request(request):
    lookup = ReceiptForm(request.POST)
    if not lookup.is_valid():
        return redirect("report-lookup")
    receipt = lookup.cleaned_data["receipt"]
    try:
        complaint = services.complaint_by_receipt(receipt=receipt, network_key=request.network_key)
    except DomainError as exc:
        _receipt_error(lookup, exc)
        return _error_page(request, "complaints/public/lookup.html", {"form": lookup}, exc)
    form = ProtectionForm(request.POST)
    status, retry_after = 400, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            protection.protection_request_file(
                complaint=complaint,
                kinds=data["kinds"],
                fear=data["fear"],
                identity_choice=data["identity"],
                identity=_identity(data),
                network_key=request.network_key,
            )
        except DomainError as exc:
            add_filing_errors(form, exc)
            status, retry_after = exc.status, getattr(exc, "retry_after", None)
        else:
            # Post/redirect/get: a reload of the next page never asks twice.
            return _receipt_redirect(
                request,
                "report-protection-sent",
                PROTECTION_COOKIE,
                {"complaint": complaint.pk, "receipt": receipt},
            )
    response = _status_page(request, complaint, receipt, status=status, protection_form=form)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def protection_sent(request):
    """Once, from the cookie the request set: what was sent and what happens next; a
    reload says it was sent and asks for the receipt to follow it."""
    value = _receipt_once(request, PROTECTION_COOKIE)
    complaint = _filed_complaint(value)
    if complaint is None:
        response = render(request, "complaints/public/protection_shown.html")
    else:
        requests = protection_public(complaint)
        response = render(
            request,
            "complaints/public/protection_sent.html",
            {
                "tracking_number": complaint.tracking_number,
                "sent": requests[0] if requests else None,
                "receipt": value["receipt"],
            },
        )
    return _receipt_shown(response, PROTECTION_COOKIE, reverse("report-protection-sent"))
