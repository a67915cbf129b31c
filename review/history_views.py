"""The history pages of a product and of an economic operator (review/history.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from registry import selectors as registry_selectors
from registry.errors import NotFound
from registry.routers import replica_reads
from review import history

SUBJECTS = {
    "product": (registry_selectors.product_get, "product_id"),
    "operator": (registry_selectors.operator_get, "operator_id"),
}


def _subject(request, kind: str, subject_id: int):
    fetch, name = SUBJECTS[kind]
    try:
        return fetch(user=request.user, **{name: subject_id})
    except NotFound as exc:
        raise Http404 from exc


def _history_page(request, kind: str, subject_id: int):
    subject = _subject(request, kind, subject_id)
    found = history.history_get(user=request.user, subject=subject, kind=kind)
    return render(request, f"review/{kind}_history.html", {"history": found, kind: subject})


def _section_page(request, kind: str, subject_id: int, section: str):
    subject = _subject(request, kind, subject_id)
    if section not in history.SECTIONS:
        raise Http404
    title, page = history.section_page(
        user=request.user,
        subject=subject,
        kind=kind,
        key=section,
        page_number=request.GET.get("page"),
    )
    back = reverse(f"review-{kind}-history", kwargs={f"{kind}_id": subject.pk})
    context = {"subject": subject, "kind": kind, "title": title, "page": page, "back": back}
    return render(request, "review/history_section.html", context)


@login_required
@replica_reads
def product_history(request, product_id: int):
    return _history_page(request, "product", product_id)


@login_required
@replica_reads
def product_history_section(request, product_id: int, section: str):
    return _section_page(request, "product", product_id, section)


@login_required
@replica_reads
def operator_history(request, operator_id: int):
    return _history_page(request, "operator", operator_id)


@login_required
@replica_reads
def operator_history_section(request, operator_id: int, section: str):
    return _section_page(request, "operator", operator_id, section)


@login_required
def product_by_gtin(request, gtin: str):
    """The history of the product recorded under this barcode (from an alert's or a
    report's page, which know the barcode, not the product); the barcode search when no
    product has it."""
    product = history.product_for_gtin(user=request.user, gtin=gtin[:14])
    if product is None:
        return redirect(f"{reverse('review-search')}?q={gtin[:14]}")
    return redirect("review-product-history", product_id=product.pk)
