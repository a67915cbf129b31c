"""The lab at the desk: samples waiting to be sent or for their result, the sample's page,
sending it to the lab, and entering the lab's result per criterion with the report's PDF.

Server-rendered forms that work without JavaScript; each form posts to its own address
and comes back to the sample's page with a message (post/redirect/get), or shows the
form again with its errors. The rules are those of `inspections.samples`, the same
services the API calls: who may act (the team on its inspection and the unit's
supervisors: `change` on the inspection), pass/fail computed per criterion, and the
follow-up a failed sample opens (`signals.sample_failed`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inspections import risk_assessment, samples, selectors
from inspections.lab_forms import (
    ADD_ROWS,
    FIRST_ROWS,
    MAX_ROWS,
    CriterionForm,
    ResultForm,
    SendForm,
    criteria_formset,
)
from inspections.models import Inspection, InspectionMember, Sample
from registry.errors import DomainError, NotFound
from registry.forms import add_domain_errors
from registry.media import file_response
from registry.risk_assessment import assessment_of
from registry.risk_forms import RiskForm

PAGE_SIZE = 20
PREFIX = "criteria"
Status = Sample.Status


def _sample(user, sample_id: int) -> Sample:
    try:
        return selectors.sample_get(user=user, sample_id=sample_id)
    except NotFound as exc:
        raise Http404 from exc


def _may_act(user, sample: Sample) -> bool:
    """The services' rule (`require_object_perm(by, "change", inspection)`)."""
    return Inspection.objects.visible_to(user, "change").filter(pk=sample.inspection_id).exists()


@login_required
def sample_list(request):
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = selectors.WAITING
    counts = dict(
        selectors.visible_samples(request.user)
        .values_list("status")
        .order_by()
        .annotate(n=Count("pk"))
    )
    tabs = [
        (
            selectors.WAITING,
            _("Đang chờ"),
            sum(counts.get(s, 0) for s in selectors.WAITING_STATUSES),
        ),
        (Status.TAKEN, _("Chờ gửi thử nghiệm"), counts.get(Status.TAKEN, 0)),
        (Status.SENT, _("Chờ kết quả"), counts.get(Status.SENT, 0)),
        (Status.TESTED, _("Đã có kết quả"), counts.get(Status.TESTED, 0)),
    ]
    page = Paginator(selectors.sample_queue(request.user, status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inspections/lab/list.html",
        {
            "page": page,
            "status": status,
            "tabs": tabs,
            "count": dict((key, n) for key, _label, n in tabs)[status],
            "query": "" if status == selectors.WAITING else f"status={status}",
        },
    )


@login_required
def sample_detail(request, sample_id: int):
    return _detail_page(request, _sample(request.user, sample_id))


def _detail_page(request, sample: Sample, *, risk_form=None, status: int = 200):
    """The sample's page; `risk_form` is a risk assessment that failed, shown again."""
    may_act = _may_act(request.user, sample)
    if risk_form is None and may_act and sample.conforming is False:
        risk_form = RiskForm(initial=assessment_of(sample), auto_id="id_risk_%s")
    return render(
        request,
        "inspections/lab/detail.html",
        {
            "sample": sample,
            "inspection": sample.inspection,
            "results": list(sample.results.all()),
            "failed": samples.failed_criteria(sample) if sample.conforming is False else [],
            "seal_photos": list(sample.seal_photos.all()),
            "follow_up": getattr(sample, "follow_up", None),
            "retests": list(sample.retests.all()),
            "can_send": may_act and sample.status == Status.TAKEN,
            "can_record": may_act and sample.status != Status.TESTED,
            "risk_form": risk_form if sample.conforming is False else None,
        },
        status=status,
    )


@login_required
@require_POST
def sample_risk(request, sample_id: int):
    """The risk assessment of a failed sample (inspections/risk_assessment.py)."""
    sample = _acting_on(request, sample_id)
    form = RiskForm(request.POST, auto_id="id_risk_%s")
    status = 400
    if form.is_valid():
        try:
            assessed = risk_assessment.sample_risk_assess(
                by=request.user, sample=sample, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_errors(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("Đã ghi đánh giá rủi ro: mức rủi ro %(level)s.")
                % {"level": assessed.risk_level_label.lower()},
            )
            return redirect(reverse("lab-sample", kwargs={"sample_id": sample.pk}) + "#risk-h")
    return _detail_page(request, sample, risk_form=form, status=status)


@login_required
def sample_report_pdf(request, sample_id: int):
    """The lab's report as it was received, byte for byte (an attachment: the content
    came from outside)."""
    sample = _sample(request.user, sample_id)
    if not sample.test_report_pdf:
        raise Http404
    number = "".join(c if c.isalnum() or c in "-_" else "-" for c in sample.test_report_number)
    return file_response(
        sample.test_report_pdf,
        filename=f"phieu-ket-qua-{number or sample.pk}.pdf",
        content_type="application/pdf",
        attachment=True,
    )


def _acting_on(request, sample_id: int) -> Sample:
    """The sample, 404 when the user may not see it, 403 when they may not act on it."""
    sample = _sample(request.user, sample_id)
    if not _may_act(request.user, sample):
        raise HttpForbidden
    return sample


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sample_send(request, sample_id: int):
    sample = _acting_on(request, sample_id)
    if sample.status != Status.TAKEN:
        messages.info(request, _("Mẫu đã được gửi thử nghiệm."))
        return redirect("lab-sample", sample_id=sample.pk)
    form = SendForm(
        request.POST if request.method == "POST" else None,
        sample=sample,
        initial={"sent_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                samples.sample_send(
                    by=request.user,
                    sample=sample,
                    lab_name=form.cleaned_data["lab_name"],
                    sent_on=form.cleaned_data["sent_on"],
                )
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận gửi mẫu đến %(lab)s ngày %(day)s.")
                    % {
                        "lab": form.cleaned_data["lab_name"],
                        "day": f"{form.cleaned_data['sent_on']:%d/%m/%Y}",
                    },
                )
                return redirect("lab-sample", sample_id=sample.pk)
    return render(
        request,
        "inspections/lab/send.html",
        {"sample": sample, "form": form, "page_errors": form.non_field_errors()},
        status=status,
    )


def _retest_rows(sample: Sample) -> list[dict]:
    """A re-test tests exactly the criteria the original failed: those rows, filled in
    but for the measured value."""
    if sample.retest_of_id is None:
        return []
    return [
        {
            "criterion": r.criterion,
            "unit": r.unit,
            "limit_min": r.limit_min.normalize() if r.limit_min is not None else None,
            "limit_max": r.limit_max.normalize() if r.limit_max is not None else None,
            "reference": r.reference,
            "method": r.method,
        }
        for r in sample.retest_of.results.filter(passed=False)
    ]


def _posted_rows(data) -> list[dict]:
    """The criterion rows as typed (raw text), to show them again with more rows."""
    try:
        total = int(data.get(f"{PREFIX}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    names = list(CriterionForm.base_fields)
    return [
        {name: data.get(f"{PREFIX}-{i}-{name}", "")[:300] for name in names}
        for i in range(min(max(total, 0), MAX_ROWS))
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sample_result(request, sample_id: int):
    sample = _acting_on(request, sample_id)
    if sample.status == Status.TESTED:
        messages.info(request, _("Mẫu đã có kết quả thử nghiệm."))
        return redirect("lab-sample", sample_id=sample.pk)
    status, file_again = 200, False
    if request.method != "POST":
        initial = _retest_rows(sample)
        form = ResultForm(sample=sample)
        criteria = criteria_formset(FIRST_ROWS if not initial else 1)(
            prefix=PREFIX, initial=initial or None
        )
    elif "add_rows" in request.POST:
        # "Thêm dòng" without JavaScript: the same page with more blank rows and what was
        # typed kept (not checked yet; a chosen file cannot be kept by the browser).
        fields = ("test_report_number", "result_on", "received_on")
        form = ResultForm(sample=sample, initial={f: request.POST.get(f, "") for f in fields})
        rows = _posted_rows(request.POST)
        criteria = criteria_formset(ADD_ROWS)(prefix=PREFIX, initial=rows or None)
        file_again = bool(request.FILES.get("test_report_pdf"))
    else:
        form = ResultForm(request.POST, request.FILES, sample=sample)
        criteria = criteria_formset(1)(request.POST, prefix=PREFIX)
        status = 400
        valid = [form.is_valid(), criteria.is_valid()]  # both, so that every error shows
        if all(valid):
            upload = form.cleaned_data["test_report_pdf"]
            try:
                recorded = samples.lab_result_record(
                    by=request.user,
                    sample=sample,
                    test_report_number=form.cleaned_data["test_report_number"],
                    result_on=form.cleaned_data["result_on"],
                    received_on=form.cleaned_data["received_on"],
                    criteria=criteria.rows(),
                    report_pdf=upload.read(),
                )
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                messages.success(request, _confirmation(recorded, request.user))
                return redirect("lab-sample", sample_id=sample.pk)
        file_again = bool(request.FILES.get("test_report_pdf"))
    return render(
        request,
        "inspections/lab/result.html",
        {
            "sample": sample,
            "form": form,
            "criteria": criteria,
            "can_add_rows": criteria.total_form_count() + ADD_ROWS <= MAX_ROWS,
            "add_rows": ADD_ROWS,
            "file_again": file_again,
            "page_errors": form.non_field_errors() + criteria.non_form_errors()
            if form.is_bound
            else [],
        },
        status=status,
    )


def _confirmation(sample: Sample, user) -> str:
    if sample.conforming:
        return _("Đã ghi kết quả thử nghiệm (phiếu %(report)s): mẫu đạt mọi chỉ tiêu.") % {
            "report": sample.test_report_number
        }
    failed = ", ".join(samples.failed_criteria(sample))
    if sample.retest_of_id is not None:
        return _(
            "Đã ghi kết quả thử nghiệm lại (phiếu %(report)s): mẫu không đạt, chỉ tiêu "
            "không đạt: %(failed)s."
        ) % {"report": sample.test_report_number, "failed": failed}
    is_lead = sample.inspection.team.filter(user=user, role=InspectionMember.Role.LEAD).exists()
    next_step = (
        _("Bạn là trưởng đoàn: hãy báo cáo cơ quan trong 24 giờ.")
        if is_lead
        else _("Trưởng đoàn đã được thông báo để báo cáo cơ quan trong 24 giờ.")
    )
    return _(
        "Đã ghi kết quả thử nghiệm (phiếu %(report)s): mẫu không đạt, chỉ tiêu không đạt: "
        "%(failed)s. Đã mở hồ sơ xử lý mẫu không đạt. %(next)s"
    ) % {"report": sample.test_report_number, "failed": failed, "next": next_step}
