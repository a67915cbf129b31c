"""One product, one history; the same for an economic operator (docs/product-history.md).

Every report, inspection, finding, sample with its lab result, violation record and alert
about a product or an operator, across every unit. What the viewer may see (each model's own rule:
`Complaint.objects.visible_to`, and for the rest of a case, its inspection's
`Inspection.objects.visible_to`) is listed with its detail; of the rest the viewer learns
only which unit holds how many of what. Published alerts are public: always listed.

Each section costs two queries whatever its size (the counts per unit, visible and hidden
in one aggregate; the first rows), so a page is a bounded number of queries; a section
lists at most `CAP` rows and links to its full list (`section_page`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.models import Complaint
from inspections.checklists import item_text
from inspections.models import Finding, Inspection, Sample, SampleResult
from registry.models import EconomicOperator, Product
from registry.search import gtin_forms
from violations.models import ProductAlert, ViolationRecord

CAP = 10  # rows per section on the history page
PAGE_SIZE = 25  # rows per page of a section's full list

SECTIONS = {
    "reports": _("Phản ánh"),
    "inspections": _("Cuộc kiểm tra"),
    "findings": _("Kết quả kiểm tra"),
    "samples": _("Mẫu thử nghiệm"),
    "violations": _("Biên bản vi phạm"),
    "alerts": _("Cảnh báo sản phẩm"),
}

KIND_LABELS = {
    "report": _("Phản ánh"),
    "inspection": _("Cuộc kiểm tra"),
    "finding": _("Kết quả kiểm tra"),
    "sample": _("Mẫu"),
    "violation": _("Biên bản vi phạm"),
    "alert": _("Cảnh báo"),
}


@dataclass
class Item:
    """One row of a section and of the timeline, the same for every kind (and in the API)."""

    kind: str
    id: int
    number: str
    day: date
    status: str
    status_label: str
    unit_id: int
    unit: str
    title: str
    note: str
    url: str
    failed: bool = False  # a finding or a sample that failed, a published alert

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    count: int  # the rows the viewer may see
    more: bool  # more than the items shown


@dataclass
class UnitTally:
    """What one unit holds about the subject: every row, and those the viewer may not see."""

    unit_id: int
    unit: str
    total: dict[str, int] = field(default_factory=dict)
    hidden: dict[str, int] = field(default_factory=dict)
    failed_samples: int = 0
    hidden_failed_samples: int = 0

    @property
    def hidden_summary(self) -> str:
        """ "2 phản ánh, 1 mẫu không đạt": counts only, never what the rows say."""
        parts = []
        for key, n in self.hidden.items():
            if not n:
                continue
            if key == "samples":
                parts.append(_sample_phrase(n, self.hidden_failed_samples))
            else:
                parts.append(PHRASES[key](n) % {"n": n})
        return ", ".join(parts)


PHRASES = {
    "reports": lambda n: ngettext("%(n)d phản ánh", "%(n)d phản ánh", n),
    "inspections": lambda n: ngettext("%(n)d cuộc kiểm tra", "%(n)d cuộc kiểm tra", n),
    "findings": lambda n: ngettext("%(n)d kết quả kiểm tra", "%(n)d kết quả kiểm tra", n),
    "violations": lambda n: ngettext("%(n)d biên bản vi phạm", "%(n)d biên bản vi phạm", n),
    # Published alerts are shown to everyone: what is hidden was withdrawn.
    "alerts": lambda n: ngettext("%(n)d cảnh báo đã gỡ", "%(n)d cảnh báo đã gỡ", n),
}


def _sample_phrase(n: int, failed: int) -> str:
    if failed == n:
        return ngettext("%(n)d mẫu không đạt", "%(n)d mẫu không đạt", n) % {"n": n}
    text = ngettext("%(n)d mẫu", "%(n)d mẫu", n) % {"n": n}
    if failed:
        text += " " + _("(%(failed)d không đạt)") % {"failed": failed}
    return text


@dataclass
class History:
    subject: object  # a Product or an EconomicOperator
    kind: str  # "product" or "operator"
    sections: list[Section]
    units: list[UnitTally]

    @property
    def timeline(self) -> list[Item]:
        """The rows shown, of every section, newest first."""
        items = [item for section in self.sections for item in section.items]
        return sorted(items, key=lambda i: (i.day, i.kind, i.id), reverse=True)

    @property
    def hidden_units(self) -> list[UnitTally]:
        return [u for u in self.units if any(u.hidden.values())]


# --- What belongs to a subject ---------------------------------------------------------------


@dataclass
class Sources:
    """The rows about one subject, each section a filter on its model (not yet restricted
    to what a viewer may see)."""

    reports: Q
    inspections: Q
    findings: Q
    samples: Q
    violations: Q
    alerts: Q


def product_sources(product: Product) -> Sources:
    """A product's rows: reports and findings naming it or its barcode (in any of its
    written forms), the samples taken of it, the inspections where one was (or that
    reports about it opened, or that recorded a finding about it), their violation
    records, and the alerts with its barcode (without a barcode, an alert of an
    inspection that sampled it naming the product)."""
    forms = gtin_forms(product.gtin) if product.gtin else []
    reports = Q(product=product)
    findings = Q(product=product)
    if forms:
        reports |= Q(product_gtin__in=forms)
        findings |= Q(product_gtin__in=forms)
    sampled = Sample.objects.filter(product=product).values("inspection_id")
    opened_on = Inspection.complaints.through.objects.filter(
        complaint__in=Complaint.objects.filter(reports)
    ).values("inspection_id")
    found_in = Finding.objects.filter(findings).values("inspection_id")
    inspections = Q(pk__in=sampled) | Q(pk__in=opened_on) | Q(pk__in=found_in)
    alerts = Q(barcode="", product_name__iexact=product.name, inspection__in=sampled)
    if forms:
        alerts |= Q(barcode__in=forms)
    return Sources(
        reports=reports,
        inspections=inspections,
        findings=findings,
        samples=Q(product=product),
        violations=Q(inspection__in=Inspection.objects.filter(inspections).values("pk")),
        alerts=alerts,
    )


def operator_sources(operator: EconomicOperator) -> Sources:
    """An operator's rows: reports naming it (or its tax code as the seller's), its
    inspections with their findings and samples, the violation records against it or of
    its inspections, and the alerts of its inspections."""
    reports = Q(operator=operator)
    if operator.tax_code:
        reports |= Q(seller_tax_code=operator.tax_code)
    return Sources(
        reports=reports,
        inspections=Q(operator=operator),
        findings=Q(inspection__operator=operator),
        samples=Q(inspection__operator=operator),
        violations=Q(violator=operator) | Q(inspection__operator=operator),
        alerts=Q(inspection__operator=operator),
    )


# --- Each section: its rows, who may see them, how one reads -------------------------------


def _day(value) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def _report(c: Complaint) -> Item:
    return Item(
        kind="report",
        id=c.pk,
        number=c.tracking_number,
        day=_day(c.received_at),
        status=c.status,
        status_label=str(c.get_status_display()),
        unit_id=c.unit_id,
        unit=c.unit.name,
        title=c.product_name,
        note=c.seller_name,
        url=reverse("complaint-detail", kwargs={"complaint_id": c.pk}),
    )


def _inspection(i: Inspection) -> Item:
    note = str(i.get_legal_ground_display())
    if i.nonconforming:
        note += " · " + ngettext(
            "%(n)d nội dung kiểm tra không đạt",
            "%(n)d nội dung kiểm tra không đạt",
            i.nonconforming,
        ) % {"n": i.nonconforming}
    return Item(
        kind="inspection",
        id=i.pk,
        number=str(i),
        day=i.decision_date or i.scheduled_date or _day(i.created_at),
        status=i.status,
        status_label=str(i.get_status_display()),
        unit_id=i.unit_id,
        unit=i.unit.name,
        title=i.operator.name,
        note=note,
        url=reverse("desk-inspection", kwargs={"inspection_id": i.pk}),
    )


def _finding(f: Finding) -> Item:
    """A finding reads as its checklist item (worded as on the finding's day), under its
    inspection's number; the goods it names, if any, in the note."""
    day = _day(f.captured_at or f.created_at)
    goods = f.product.name if f.product_id else ""
    parts = [f.inspection.operator.name, goods, f.product_gtin]
    if f.product_batch:
        parts.append(_("lô %(batch)s") % {"batch": f.product_batch})
    url = reverse("desk-inspection", kwargs={"inspection_id": f.inspection_id})
    return Item(
        kind="finding",
        id=f.pk,
        number=str(f.inspection),
        day=day,
        status=f.result,
        status_label=str(f.get_result_display()),
        unit_id=f.inspection.unit_id,
        unit=f.inspection.unit.name,
        title=item_text(f.item, day),
        note=" · ".join(str(p) for p in parts if p),
        url=f"{url}#finding-{f.pk}",
        failed=f.result == Finding.Result.NON_CONFORMING,
    )


def _sample(s: Sample) -> Item:
    if s.conforming is None:
        result = str(s.get_status_display())
    else:
        result = str(_("Đạt")) if s.conforming else str(_("Không đạt"))
    failed = [r.criterion for r in s.results.all()]  # prefetched: the failed criteria
    parts = [s.inspection.operator.name]
    if s.test_report_number:
        parts.append(_("phiếu kết quả %(number)s") % {"number": s.test_report_number})
    if failed:
        parts.append(", ".join(failed))
    return Item(
        kind="sample",
        id=s.pk,
        number=s.sampling_record_number,
        day=s.result_on or _day(s.sampled_at),
        status=s.status if s.conforming is None else ("passed" if s.conforming else "failed"),
        status_label=result,
        unit_id=s.inspection.unit_id,
        unit=s.inspection.unit.name,
        title=s.product_name + (f" · {s.batch}" if s.batch else ""),
        note=" · ".join(parts),
        url=reverse("lab-sample", kwargs={"sample_id": s.pk}),
        failed=s.conforming is False,
    )


def _violation(r: ViolationRecord) -> Item:
    url = reverse("case-detail", kwargs={"inspection_id": r.inspection_id})
    return Item(
        kind="violation",
        id=r.pk,
        number=str(r),
        day=_day(r.signed_at or r.created_at),
        status=r.status,
        status_label=str(r.get_status_display()),
        unit_id=r.inspection.unit_id,
        unit=r.inspection.unit.name,
        title=r.violator.name,
        note=str(r.inspection),
        url=f"{url}#record-{r.pk}",
    )


def _alert(a: ProductAlert) -> Item:
    published = a.status == ProductAlert.Status.PUBLISHED
    url = (
        reverse("alert-detail", kwargs={"alert_id": a.pk})
        if published
        else reverse("case-detail", kwargs={"inspection_id": a.inspection_id})
    )
    return Item(
        kind="alert",
        id=a.pk,
        number="",  # an alert has no number: its product names it
        day=a.published_on,
        status=a.status,
        status_label=str(a.get_status_display()),
        unit_id=a.inspection.unit_id,
        unit=a.inspection.unit.name,
        title=a.product_name,
        note=" · ".join(filter(None, [a.operator_name, a.barcode])),
        url=url,
        failed=published,
    )


@dataclass
class Kind:
    model: type
    unit_field: str
    order: tuple
    row: object  # the function making an Item
    related: tuple = ()
    prefetch: tuple = ()


def _unit(kind: Kind, suffix: str = "_id") -> F:
    """The unit holding a row of `kind` (its id, or with suffix "__name" its name)."""
    return F(f"{kind.unit_field}{suffix}")


def _failed_results():
    return Prefetch("results", queryset=SampleResult.objects.filter(passed=False))


KINDS = {
    "reports": Kind(Complaint, "unit", ("-received_at", "-pk"), _report, ("unit",)),
    "inspections": Kind(
        Inspection, "unit", ("-created_at", "-pk"), _inspection, ("unit", "operator")
    ),
    "findings": Kind(
        Finding,
        "inspection__unit",
        ("-created_at", "-pk"),
        _finding,
        ("inspection__unit", "inspection__operator", "item", "product"),
    ),
    "samples": Kind(
        Sample,
        "inspection__unit",
        ("-sampled_at", "-pk"),
        _sample,
        ("inspection__unit", "inspection__operator"),
        (_failed_results,),
    ),
    "violations": Kind(
        ViolationRecord,
        "inspection__unit",
        ("-created_at", "-pk"),
        _violation,
        ("inspection__unit", "violator"),
    ),
    "alerts": Kind(
        ProductAlert, "inspection__unit", ("-published_on", "-pk"), _alert, ("inspection__unit",)
    ),
}


def _all(key: str, condition: Q) -> QuerySet:
    qs = KINDS[key].model.objects.filter(condition)
    if key == "violations":
        # A draft is not yet a record (it is signed, or refused before a witness, first).
        qs = qs.exclude(status=ViolationRecord.Status.DRAFT)
    return qs


def _visible(key: str, condition: Q, user) -> QuerySet:
    """The rows of the section `user` may see: reports by their own rule, the rest of a
    case through its inspection; a published alert is public."""
    if key == "reports":
        return Complaint.objects.visible_to(user).filter(condition)
    if key == "inspections":
        return Inspection.objects.visible_to(user).filter(condition)
    qs = _all(key, condition)
    seen = Q(inspection__in=Inspection.objects.visible_to(user))
    if key == "alerts":
        seen |= Q(status=ProductAlert.Status.PUBLISHED)
    return qs.filter(seen)


def _rows(key: str, qs: QuerySet) -> QuerySet:
    kind = KINDS[key]
    qs = qs.select_related(*kind.related).order_by(*kind.order)
    if key == "inspections":
        qs = qs.annotate(
            nonconforming=Count(
                "findings", filter=Q(findings__result=Finding.Result.NON_CONFORMING)
            )
        )
    for prefetch in kind.prefetch:
        qs = qs.prefetch_related(prefetch())
    return qs


def _tallies(key: str, condition: Q, user) -> list[dict]:
    """Per unit: how many rows, how many the viewer may not see (one query)."""
    kind = KINDS[key]
    visible = _visible(key, condition, user).values("pk")
    counts = {
        "total": Count("pk"),
        "hidden": Count("pk", filter=~Q(pk__in=visible)),
    }
    if key == "samples":
        counts["failed"] = Count("pk", filter=Q(conforming=False))
        counts["hidden_failed"] = Count("pk", filter=Q(conforming=False) & ~Q(pk__in=visible))
    return list(
        _all(key, condition)
        .order_by()
        .values(held_by=_unit(kind), held_by_name=_unit(kind, "__name"))
        .annotate(**counts)
    )


def history_get(*, user, subject, kind: str) -> History:
    """The history of `subject` (a Product when kind is "product", else an
    EconomicOperator) as `user` may see it. The caller fetched the subject through its
    selector (registry.selectors.product_get / operator_get), which checks it is visible."""
    sources = product_sources(subject) if kind == "product" else operator_sources(subject)
    sections, units = [], {}
    for key, title in SECTIONS.items():
        condition = getattr(sources, key)
        count = 0
        for row in _tallies(key, condition, user):
            tally = units.setdefault(row["held_by"], UnitTally(row["held_by"], row["held_by_name"]))
            tally.total[key] = row["total"]
            tally.hidden[key] = row["hidden"]
            if key == "samples":
                tally.failed_samples = row["failed"]
                tally.hidden_failed_samples = row["hidden_failed"]
            count += row["total"] - row["hidden"]
        rows = list(_rows(key, _visible(key, condition, user))[: CAP + 1]) if count else []
        make = KINDS[key].row
        sections.append(
            Section(key, str(title), [make(r) for r in rows[:CAP]], count, len(rows) > CAP)
        )
    for tally in units.values():
        for key in SECTIONS:
            tally.total.setdefault(key, 0)
            tally.hidden.setdefault(key, 0)
    ordered = sorted(units.values(), key=lambda u: u.unit)
    return History(subject=subject, kind=kind, sections=sections, units=ordered)


def section_page(*, user, subject, kind: str, key: str, page_number) -> tuple[str, object]:
    """Every row of one section `user` may see, a page of PAGE_SIZE (the "xem tất cả" list);
    the section's title and the page, whose object_list holds Items. KeyError for an
    unknown section."""
    title = SECTIONS[key]
    sources = product_sources(subject) if kind == "product" else operator_sources(subject)
    qs = _rows(key, _visible(key, getattr(sources, key), user))
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    page.object_list = [KINDS[key].row(r) for r in page.object_list]
    return str(title), page


def product_for_gtin(*, user, gtin: str) -> Product | None:
    """The product recorded under any written form of `gtin`, if there is one."""
    forms = gtin_forms(gtin)
    if not forms:
        return None
    return Product.objects.visible_to(user).filter(gtin__in=forms).order_by("pk").first()
