"""Staff pages of the shared registers: thin views over the selectors."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from registry import audit_filters, selectors, services
from registry.errors import NotFound
from registry.home import queues_for
from registry.models import Role

# The order in which a user with several roles lands on a home page.
HOME_ORDER = [
    Role.SUPERVISOR,
    Role.TEAM_LEAD,
    Role.INSPECTOR,
    Role.COMPLAINT_OFFICER,
    Role.IDENTITY_CUSTODIAN,
    Role.AUDITOR,
    Role.LEGAL_OFFICER,
    Role.ADMIN,
]
PAGE_SIZE = 25


def home_url_for(user) -> str:
    for role in HOME_ORDER:
        if user.has_role(role):
            return reverse("role-home", kwargs={"role": role.value})
    return reverse("no-role")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _visible(fetch, **kwargs):
    try:
        return fetch(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def home(request):
    """The citizens' home (file a report, follow one, product alerts; staff sign in from
    a link); a signed-in staff member goes on to their role's home."""
    if request.user.is_authenticated:
        return redirect(home_url_for(request.user))
    return render(request, "public/home.html")


@login_required
def no_role(request):
    return render(request, "registry/no_role.html")


@login_required
def role_home(request, role: str):
    if role not in Role.values or not request.user.has_role(role):
        raise Http404
    context = {
        "role": Role(role),
        "other_roles": [Role(r) for r in request.user.role_names if r != role],
        "unread": selectors.notification_list(user=request.user, unread=True)[:5],
    }
    # The work waiting, counted by the apps that keep it (registry/home.py).
    context["queues"] = queues_for(role, request.user)
    return render(request, f"registry/home/{role}.html", context)


@login_required
def unit_detail(request, unit_id: int):
    unit = _visible(selectors.unit_get, user=request.user, unit_id=unit_id)
    staff = selectors.unit_staff(user=request.user, unit_id=unit.pk)
    return render(
        request, "registry/unit_detail.html", {"unit": unit, "page": _page(request, staff)}
    )


@login_required
def unit_list(request):
    units = selectors.unit_list(user=request.user)
    return render(request, "registry/unit_list.html", {"page": _page(request, units)})


@login_required
def operator_list(request):
    q = request.GET.get("q", "").strip()[:100]
    operators = selectors.operator_list(user=request.user, q=q or None)
    return render(
        request, "registry/operator_list.html", {"page": _page(request, operators), "q": q}
    )


@login_required
def operator_detail(request, operator_id: int):
    operator = _visible(selectors.operator_get, user=request.user, operator_id=operator_id)
    return render(request, "registry/operator_detail.html", {"operator": operator})


@login_required
def product_list(request):
    q = request.GET.get("q", "").strip()[:100]
    products = selectors.product_list(user=request.user, q=q or None)
    return render(request, "registry/product_list.html", {"page": _page(request, products), "q": q})


@login_required
def product_detail(request, product_id: int):
    product = _visible(selectors.product_get, user=request.user, product_id=product_id)
    return render(request, "registry/product_detail.html", {"product": product})


@login_required
def audit_list(request):
    # ?action=identity.view (or a prefix "identity."), ?day= and ?since= (YYYY-MM-DD):
    # the lists the auditor's home page counts (registry/home.py).
    filters = audit_filters.filters_from_query(request.GET)
    entries = audit_filters.audit_entries(user=request.user, filters=filters)
    return render(
        request,
        "registry/audit_list.html",
        {"page": _page(request, entries), "filters": filters, "query": filters.query()},
    )


@login_required
def audit_detail(request, entry_id: int):
    entry = _visible(selectors.audit_entry_get, user=request.user, entry_id=entry_id)
    changes = sorted(entry.changes.items())
    return render(request, "registry/audit_detail.html", {"entry": entry, "changes": changes})


@login_required
@require_POST
def notification_read(request, notification_id: int):
    try:
        notification = services.notification_mark_read(
            user=request.user, notification_id=notification_id
        )
    except NotFound as exc:
        raise Http404 from exc
    return redirect(notification.link or "notification-list")


@login_required
def notification_list(request):
    notifications = selectors.notification_list(user=request.user)
    return render(
        request, "registry/notification_list.html", {"page": _page(request, notifications)}
    )
