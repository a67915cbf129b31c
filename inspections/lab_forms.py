"""Forms of the lab pages: sending a sample to the lab, and the lab's result, one row per
criterion against its QCVN limit. Every rule that matters is in `inspections.samples`;
these forms shape the input and say, field by field, what to fix."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.images import MAX_UPLOAD_BYTES

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# What a lab result's columns hold (14 digits, 4 of them decimals), as the API's schema.
LAB_VALUE_LIMIT = Decimal(10**10)

# Blank criterion rows on a new form, added by "Thêm dòng", and at most.
FIRST_ROWS = 5
ADD_ROWS = 3
MAX_ROWS = 60


def _date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        ),
        error_messages={
            "required": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 24/11/2026."),
            "invalid": _("Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 24/11/2026."),
        },
    )


def _not_future(day, message):
    if day and day > timezone.localdate():
        raise forms.ValidationError(message, code="in_future")
    return day


class SendForm(forms.Form):
    lab_name = forms.CharField(
        label=_("Tổ chức thử nghiệm"),
        max_length=300,
        help_text=_("Tên phòng thử nghiệm nhận mẫu, ví dụ Trung tâm Kỹ thuật TCĐLCL 1."),
        error_messages={"required": _("Nhập tên tổ chức thử nghiệm.")},
    )
    sent_on = _date_field(_("Ngày gửi mẫu"))

    def __init__(self, *args, sample, **kwargs):
        super().__init__(*args, **kwargs)
        self.sample = sample

    def clean_sent_on(self):
        day = _not_future(self.cleaned_data["sent_on"], _("Ngày gửi mẫu không thể sau hôm nay."))
        if day < timezone.localdate(self.sample.sampled_at):
            raise forms.ValidationError(
                _("Ngày gửi mẫu không thể trước ngày lấy mẫu (%(day)s)."),
                code="before_sampling",
                params={"day": f"{timezone.localdate(self.sample.sampled_at):%d/%m/%Y}"},
            )
        return day


class ResultForm(forms.Form):
    test_report_number = forms.CharField(
        label=_("Số phiếu kết quả thử nghiệm"),
        max_length=50,
        error_messages={"required": _("Nhập số phiếu kết quả thử nghiệm.")},
    )
    result_on = _date_field(_("Ngày trả kết quả (ngày ghi trên phiếu)"))
    received_on = _date_field(
        _("Ngày phòng thử nghiệm nhận mẫu"),
        required=False,
        help_text=_("Theo phiếu kết quả, nếu có."),
    )
    test_report_pdf = forms.FileField(
        label=_("Phiếu kết quả thử nghiệm (tệp PDF)"),
        error_messages={
            "required": _("Chọn tệp PDF của phiếu kết quả thử nghiệm."),
            "empty": _("Tệp phiếu kết quả thử nghiệm trống."),
        },
    )

    def __init__(self, *args, sample, **kwargs):
        super().__init__(*args, **kwargs)
        self.sample = sample
        self.fields["test_report_pdf"].help_text = _(
            "Bản PDF phòng thử nghiệm gửi, tối đa %(max)s MB. Tệp được lưu nguyên vẹn."
        ) % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}

    def clean_result_on(self):
        return _not_future(
            self.cleaned_data["result_on"], _("Ngày trả kết quả không thể sau hôm nay.")
        )

    def clean_received_on(self):
        day = _not_future(
            self.cleaned_data["received_on"],
            _("Ngày phòng thử nghiệm nhận mẫu không thể sau hôm nay."),
        )
        if day and self.sample.sent_on and day < self.sample.sent_on:
            raise forms.ValidationError(
                _("Ngày nhận mẫu không thể trước ngày gửi mẫu (%(day)s)."),
                code="before_sending",
                params={"day": f"{self.sample.sent_on:%d/%m/%Y}"},
            )
        return day

    def clean_test_report_pdf(self):
        upload = self.cleaned_data["test_report_pdf"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp phiếu kết quả quá lớn: tối đa %(max)s MB."),
                code="report_too_large",
                params={"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload

    def clean(self):
        data = super().clean()
        received, result = data.get("received_on"), data.get("result_on")
        if received and result and result < received:
            self.add_error(
                "result_on",
                forms.ValidationError(
                    _("Ngày trả kết quả không thể trước ngày phòng thử nghiệm nhận mẫu."),
                    code="result_before_receipt",
                ),
            )
        return data


def _value_field(label, *, required=False):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=4,
        min_value=-LAB_VALUE_LIMIT + 1,
        max_value=LAB_VALUE_LIMIT - 1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Ghi một số, ví dụ 0,05 hoặc 200."),
            "max_decimal_places": _("Ghi tối đa 4 chữ số thập phân."),
            "max_digits": _("Ghi tối đa 14 chữ số."),
            "max_whole_digits": _("Ghi tối đa 10 chữ số phần nguyên."),
        },
    )


class CriterionForm(forms.Form):
    """One criterion of the report. `passed` is never typed: the service computes it."""

    criterion = forms.CharField(
        label=_("Chỉ tiêu"),
        max_length=200,
        error_messages={"required": _("Nhập tên chỉ tiêu.")},
    )
    unit = forms.CharField(label=_("Đơn vị đo"), max_length=30, required=False)
    limit_min = _value_field(_("Giới hạn dưới"))
    limit_max = _value_field(_("Giới hạn trên"))
    reference = forms.CharField(label=_("Quy chuẩn (QCVN)"), max_length=100, required=False)
    method = forms.CharField(label=_("Phương pháp thử"), max_length=200, required=False)
    measured = _value_field(_("Kết quả đo"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measured"].error_messages["required"] = _("Nhập kết quả đo.")

    def clean(self):
        data = super().clean()
        low, high = data.get("limit_min"), data.get("limit_max")
        if "limit_min" in data and "limit_max" in data:
            if low is None and high is None:
                self.add_error(
                    "limit_max",
                    forms.ValidationError(
                        _("Ghi giới hạn theo quy chuẩn: giới hạn dưới, giới hạn trên hoặc cả hai."),
                        code="limit_required",
                    ),
                )
            elif low is not None and high is not None and low > high:
                self.add_error(
                    "limit_min",
                    forms.ValidationError(
                        _("Giới hạn dưới lớn hơn giới hạn trên."), code="limits_reversed"
                    ),
                )
        return data


class BaseCriteriaFormSet(forms.BaseFormSet):
    """Rows left blank are ignored, wherever they are; at least one row is filled."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "empty_permitted": True}

    def clean(self):
        if any(self.errors):
            return
        if not self.rows():
            raise forms.ValidationError(
                _("Nhập ít nhất một chỉ tiêu với giới hạn và kết quả đo."),
                code="criteria_required",
            )
        names = [row["criterion"].strip().casefold() for row in self.rows()]
        if len(set(names)) != len(names):
            raise forms.ValidationError(
                _("Mỗi chỉ tiêu ghi một dòng: có chỉ tiêu ghi hai lần."), code="criteria_twice"
            )

    def rows(self) -> list[dict]:
        """The filled rows, as `samples.lab_result_record` takes them."""
        return [
            {
                "criterion": form.cleaned_data["criterion"].strip(),
                "unit": form.cleaned_data["unit"].strip(),
                "limit_min": form.cleaned_data["limit_min"],
                "limit_max": form.cleaned_data["limit_max"],
                "reference": form.cleaned_data["reference"].strip(),
                "method": form.cleaned_data["method"].strip(),
                "measured": form.cleaned_data["measured"],
            }
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


def criteria_formset(rows: int):
    """The formset class with `rows` rows in all (bounded)."""
    rows = max(1, min(rows, MAX_ROWS))
    return forms.formset_factory(
        CriterionForm,
        formset=BaseCriteriaFormSet,
        extra=rows,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )
