"""Forms of the case page (each action of violation handling posts one of these) and of
the page that drafts a violation record."""

from django import forms
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from inspections.forms import PHOTO_TYPES
from inspections.models import EvidencePhoto, Finding, Sample
from registry.errors import InvalidInput
from registry.forms import MultipleFileField, MultipleFileInput
from registry.models import EconomicOperator
from registry.provisions import check_citable
from registry.risk_forms import OptionalRiskFields
from violations.documents import vnd
from violations.models import AdditionalPenalty, RemedialMeasure


class TextForm(forms.Form):
    """The team's report of a failed test to the agency."""

    text = forms.CharField(label=_("Nội dung báo cáo"), max_length=5000, widget=forms.Textarea)


class GoodsForm(forms.Form):
    goods = forms.CharField(
        label=_("Hàng hóa phải tạm dừng lưu thông (tên, lô, số lượng)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do, căn cứ"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Quyết định"),
        choices=[("1", _("Duyệt và ban hành")), ("0", _("Trả lại để sửa"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ý kiến (bắt buộc khi trả lại)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FinePaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Ngày nộp phạt"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    receipt_number = forms.CharField(label=_("Số biên lai, chứng từ"), max_length=50)


class AlertForm(OptionalRiskFields):
    """The alert and, optionally, its risk assessment (prefilled with the gravest of the
    case's failed samples and records)."""

    product_name = forms.CharField(label=_("Sản phẩm"), max_length=300)
    brand = forms.CharField(label=_("Nhãn hiệu"), max_length=200, required=False)
    barcode = forms.CharField(label=_("Mã vạch"), max_length=20, required=False)
    batch = forms.CharField(label=_("Số lô"), max_length=100, required=False)
    operator_name = forms.CharField(label=_("Tổ chức, cá nhân"), max_length=300)
    operator_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    defect = forms.CharField(
        label=_("Nội dung không đạt"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    measures = forms.CharField(
        label=_("Biện pháp xử lý"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- A violation record drafted in the browser (two steps: the day of the act, then the
# record; the day decides which versions of the provisions may be cited) -----------------


class ActDayForm(forms.Form):
    committed_on = forms.DateField(
        label=_("Ngày thực hiện hành vi vi phạm"),
        help_text=_(
            "Ngày/tháng/năm, ví dụ 24/11/2026. Với hành vi đang diễn ra: ngày phát hiện. "
            "Ngày này quyết định văn bản, điều khoản được áp dụng."
        ),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        ),
        error_messages={"invalid": _("Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 24/11/2026.")},
    )

    def clean_committed_on(self):
        day = self.cleaned_data["committed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("Ngày thực hiện hành vi không thể sau hôm nay."), code="committed_in_future"
            )
        return day


class RecordForm(forms.Form):
    place = forms.CharField(label=_("Địa điểm lập biên bản"), max_length=300)
    violator = forms.ModelChoiceField(
        label=_("Đối tượng vi phạm"),
        queryset=EconomicOperator.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    representative_name = forms.CharField(
        label=_("Người đại diện của đối tượng vi phạm"), max_length=150, required=False
    )
    representative_position = forms.CharField(
        label=_("Chức vụ người đại diện"), max_length=150, required=False
    )

    def __init__(self, *args, violators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violator"].queryset = violators
        self.fields["violator"].label_from_instance = _violator_label


def _violator_label(operator) -> str:
    label = f"{operator.name} — {operator.get_kind_display()}"
    if not operator.tax_code:
        return label
    return str(_("%(operator)s, MST %(tax_code)s")) % {
        "operator": label,
        "tax_code": operator.tax_code,
    }


def provision_label(provision) -> str:
    """What the act's list shows of a version: citation, act, and the fine ranges of an
    individual and of an organisation (which the violator's kind decides)."""
    english = translation.get_language() == "en" and provision.act_en
    act = Truncator(provision.act_en if english else provision.act).chars(160)
    low, high = provision.fine_range(organisation=False)
    org_low, org_high = provision.fine_range(organisation=True)
    return _(
        "%(citation)s — %(act)s — cá nhân %(low)s đ – %(high)s đ; "  # noqa: RUF001
        "tổ chức %(org_low)s đ – %(org_high)s đ"  # noqa: RUF001
    ) % {
        "citation": provision.citation,
        "act": act,
        "low": vnd(low),
        "high": vnd(high),
        "org_low": vnd(org_low),
        "org_high": vnd(org_high),
    }


class ActForm(forms.Form):
    """One act of the record. The provision is any id: whether it may be cited on the day
    (verified, in force) is the service's rule (`registry.provisions.check_citable`), and a
    refused id gets the service's message, not a generic "not one of the choices"."""

    provision = forms.IntegerField(
        label=_("Điều khoản xử phạt"),
        widget=forms.Select,
        error_messages={
            "required": _("Hãy chọn điều khoản xử phạt."),
            "invalid": _("Không có điều khoản xử phạt này."),
        },
    )
    description = forms.CharField(
        label=_("Mô tả hành vi vi phạm"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Hãy mô tả hành vi vi phạm.")},
    )
    findings = forms.ModelMultipleChoiceField(
        label=_("Kết quả kiểm tra không đạt"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    samples = forms.ModelMultipleChoiceField(
        label=_("Mẫu không đạt"),
        queryset=Sample.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = forms.ModelMultipleChoiceField(
        label=_("Ảnh chứng cứ"),
        queryset=EvidencePhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, day, provisions, find_provision, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day
        self._find_provision = find_provision
        self.fields["provision"].widget.choices = [
            ("", "—"),
            *((p.pk, provision_label(p)) for p in provisions),
        ]
        for name in ("findings", "samples", "photos"):
            self.fields[name].queryset = evidence[name]
        self.fields["findings"].label_from_instance = _finding_label
        self.fields["samples"].label_from_instance = _sample_label
        self.fields["photos"].label_from_instance = _photo_label

    def clean_provision(self):
        provision = self._find_provision(self.cleaned_data["provision"])
        try:
            check_citable(provision, self.day)
        except InvalidInput as error:
            raise forms.ValidationError(error.render(), code=error.code) from error
        return provision

    def clean(self):
        data = super().clean()
        unread = self.has_error("findings") or self.has_error("samples")
        if not unread and not (data.get("findings") or data.get("samples")):
            self.add_error(
                "findings",
                forms.ValidationError(
                    _("Mỗi hành vi cần chứng cứ: kết quả kiểm tra không đạt hoặc mẫu không đạt."),
                    code="evidence_required",
                ),
            )
        return data


def _finding_label(finding) -> str:
    return f"{finding.item.text}: {finding.note}" if finding.note else finding.item.text


def _sample_label(sample) -> str:
    parts = [sample.sampling_record_number, sample.product_name]
    if sample.batch:
        parts.append(str(_("lô %(batch)s")) % {"batch": sample.batch})
    if sample.test_report_number:
        parts.append(
            str(_("phiếu kết quả thử nghiệm %(number)s")) % {"number": sample.test_report_number}
        )
    return " — ".join(parts)


def _photo_label(photo) -> str:
    taken = f"{timezone.localtime(photo.uploaded_at):%d/%m/%Y %H:%M}"
    return f"{photo.finding.item.text} ({taken})" if photo.finding_id else taken


class BaseActFormSet(forms.BaseFormSet):
    """One to three acts; rows left empty are ignored."""

    def clean(self):
        if any(self.errors):
            return
        if not self.acts():
            raise forms.ValidationError(
                _("Biên bản cần ít nhất một hành vi vi phạm."), code="violations_required"
            )

    def acts(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.has_changed()]


MAX_ACTS = 3
ActFormSet = forms.formset_factory(
    ActForm,
    formset=BaseActFormSet,
    extra=MAX_ACTS,
    max_num=MAX_ACTS,
    absolute_max=MAX_ACTS,
    validate_max=True,
)


# --- The acts on a violation record and a penalty decision after the draft ---------------


class RecordSignForm(forms.Form):
    """The record is made: signed by the violator's representative, or refused before a
    witness (`violations.records.record_sign`)."""

    representative_name = forms.CharField(
        label=_("Người đại diện của đối tượng vi phạm"),
        max_length=150,
        error_messages={"required": _("Hãy ghi người đại diện của đối tượng vi phạm.")},
    )
    representative_position = forms.CharField(
        label=_("Chức vụ người đại diện"), max_length=150, required=False
    )
    statement = forms.CharField(
        label=_("Ý kiến của người vi phạm"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    refused = forms.BooleanField(
        label=_("Người vi phạm từ chối ký (lập trước người chứng kiến)"), required=False
    )
    witness_name = forms.CharField(
        label=_("Người chứng kiến"),
        max_length=150,
        required=False,
        help_text=_("Bắt buộc khi người vi phạm từ chối ký."),
    )
    witness_address = forms.CharField(
        label=_("Địa chỉ người chứng kiến"), max_length=300, required=False
    )
    refusal_reason = forms.CharField(
        label=_("Lý do từ chối ký"),
        max_length=300,
        required=False,
        help_text=_("Bắt buộc khi người vi phạm từ chối ký."),
    )

    def clean(self):
        data = super().clean()
        if data.get("refused"):
            if not (data.get("witness_name") or "").strip():
                self.add_error(
                    "witness_name",
                    _("Khi người vi phạm từ chối ký, hãy ghi người chứng kiến."),
                )
            if not (data.get("refusal_reason") or "").strip():
                self.add_error(
                    "refusal_reason", _("Khi người vi phạm từ chối ký, hãy ghi lý do từ chối.")
                )
        return data


def _parse_vnd(value) -> int | None:
    """ "12.500.000", "12 500 000 đ" or "12500000" → 12500000; None when not a number."""
    text = str(value or "").strip().lower().removesuffix("đồng").removesuffix("đ")
    digits = text.replace(".", "").replace(",", "").replace(" ", "").replace("\u00a0", "")
    return int(digits) if digits.isdecimal() and len(digits) <= 15 else None


class VndField(forms.CharField):
    """An amount in đồng, typed with or without thousands separators."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", "30")

    def prepare_value(self, value):
        return vnd(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        amount = _parse_vnd(text)
        if amount is None:
            raise forms.ValidationError(
                _("Hãy ghi số tiền bằng chữ số, ví dụ 15.000.000."), code="invalid"
            )
        return amount


ADDITIONAL_PENALTY_CHOICES = AdditionalPenalty.choices


class DecisionForm(forms.Form):
    """The penalty decision's fines: one per act of the record, inside the range of the
    version cited for this violator's kind (an organisation: twice an individual's,
    unless the version records its own range), and the additional penalties."""

    def __init__(self, *args, record, violations, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.acts = []
        organisation = record.violator_is_organisation
        for order, violation in enumerate(violations, start=1):
            low, high = violation.provision.fine_range(organisation=organisation)
            fine = f"fine_{violation.pk}"
            extra = f"extra_{violation.pk}"
            self.fields[fine] = VndField(
                label=_("Mức phạt hành vi %(n)s (đồng)") % {"n": order},
                help_text=_("Từ %(low)s đ đến %(high)s đ.") % {"low": vnd(low), "high": vnd(high)},
                error_messages={"required": _("Hãy ghi mức phạt cho hành vi này.")},
            )
            self.fields[extra] = forms.MultipleChoiceField(
                label=_("Hình thức xử phạt bổ sung"),
                choices=ADDITIONAL_PENALTY_CHOICES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.acts.append(
                {
                    "order": order,
                    "violation": violation,
                    "low": low,
                    "high": high,
                    "exception": organisation and violation.provision.has_organisation_exception,
                    "fine": fine,
                    "extra": extra,
                }
            )

    def bound_acts(self):
        """The acts with their bound fields, for the template."""
        return [
            {**act, "fine_field": self[act["fine"]], "extra_field": self[act["extra"]]}
            for act in self.acts
        ]

    def clean(self):
        data = super().clean()
        who = _("tổ chức") if self.record.violator_is_organisation else _("cá nhân")
        for act in self.acts:
            fine = data.get(act["fine"])
            if fine is not None and not act["low"] <= fine <= act["high"]:
                self.add_error(
                    act["fine"],
                    forms.ValidationError(
                        _(
                            "Mức phạt cho hành vi theo %(citation)s phải từ %(low)s đến "
                            "%(high)s đồng (%(who)s)."
                        ),
                        code="fine_out_of_range",
                        params={
                            "citation": act["violation"].provision.citation,
                            "low": vnd(act["low"]),
                            "high": vnd(act["high"]),
                            "who": who,
                        },
                    ),
                )
        return data

    def lines(self) -> list[dict]:
        return [
            {
                "violation_id": act["violation"].pk,
                "fine_vnd": self.cleaned_data[act["fine"]],
                "additional_penalties": self.cleaned_data[act["extra"]],
            }
            for act in self.acts
        ]


class MeasureForm(forms.Form):
    """One remedial measure, with its deadline. Every field is optional: a row left
    empty is no measure; a row begun needs its kind and deadline."""

    kind = forms.ChoiceField(
        label=_("Biện pháp khắc phục hậu quả"),
        choices=[("", "—"), *RemedialMeasure.Kind.choices],
        required=False,
    )
    violation = forms.TypedChoiceField(
        label=_("Cho hành vi"), coerce=int, empty_value=None, required=False
    )
    description = forms.CharField(
        label=_("Nội dung, số lượng, cách thực hiện"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = forms.DateField(
        label=_("Thời hạn thực hiện"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 24/11/2026.")},
    )

    def __init__(self, *args, violations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation"].choices = [
            ("", _("Cả quyết định")),
            *((v.pk, f"{n}. {v.provision.citation}") for n, v in enumerate(violations, start=1)),
        ]

    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("kind") or data.get("deadline") or data.get("description"))

    def clean(self):
        data = super().clean()
        if not self.is_filled() or self.errors:
            return data
        if not data.get("kind"):
            self.add_error("kind", _("Hãy chọn biện pháp khắc phục hậu quả."))
        if data.get("deadline") is None:
            self.add_error("deadline", _("Hãy ghi thời hạn thực hiện biện pháp."))
        elif data["deadline"] <= timezone.localdate():
            self.add_error("deadline", _("Thời hạn thực hiện phải sau ngày hôm nay."))
        if data.get("kind") == RemedialMeasure.Kind.OTHER and not data.get("description"):
            self.add_error("description", _("Hãy ghi nội dung biện pháp."))
        return data


class BaseMeasureFormSet(forms.BaseFormSet):
    def measures(self) -> list[dict]:
        return [
            {
                "kind": form.cleaned_data["kind"],
                "violation_id": form.cleaned_data.get("violation"),
                "description": form.cleaned_data.get("description", ""),
                "deadline": form.cleaned_data["deadline"],
            }
            for form in self.forms
            if form.is_filled()
        ]


MAX_MEASURES = 4
MeasureFormSet = forms.formset_factory(
    MeasureForm,
    formset=BaseMeasureFormSet,
    extra=MAX_MEASURES,
    max_num=MAX_MEASURES,
    absolute_max=MAX_MEASURES,
    validate_max=True,
)


class MeasureDoneForm(forms.Form):
    """A remedial measure done, with photos of it as evidence
    (`violations.decisions.measure_done`)."""

    done_on = forms.DateField(
        label=_("Ngày thực hiện xong"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Hãy ghi ngày thực hiện xong."),
            "invalid": _("Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 24/11/2026."),
        },
    )
    note = forms.CharField(
        label=_("Kết quả thực hiện"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi kết quả thực hiện.")},
    )
    photos = MultipleFileField(
        label=_("Ảnh chứng minh đã thực hiện"),
        required=False,
        help_text=_("Ảnh JPEG, PNG, WebP hoặc HEIC; chọn được nhiều ảnh."),
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES}),
    )
