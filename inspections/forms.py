"""The tablet's finding form: one checklist item, its result, note, photos and, for the
items that carry them, the measured data. Every rule that matters is in
`inspections.findings` and `inspections.measurements`; this form only shapes the input."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inspections import quantity
from inspections.models import ChecklistItem, Finding, Scope
from registry.forms import MultipleFileField, MultipleFileInput
from registry.models import EconomicOperator
from registry.validators import normalize_tax_code

Kind = ChecklistItem.Kind
READING_ROWS = 5

PHOTO_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif"


class FindingForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("Kết quả"), choices=Finding.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=5000, widget=forms.Textarea
    )
    photos = MultipleFileField(
        label=_("Ảnh chụp"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES}),
    )
    # Filled by the page's script from the device (each optional).
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    gps_accuracy_m = forms.DecimalField(required=False, widget=forms.HiddenInput)
    captured_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, item: ChecklistItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["client_uuid"].initial = uuid.uuid4()
        add = _KIND_FIELDS.get(item.kind)
        if add:
            add(self)
        if item.kind in (Kind.INSTRUMENT, Kind.LOT_QUANTITY):
            # The system computes the result from the measurements.
            self.fields["result"].required = False
            self.fields["result"].help_text = _(
                "Để trống: hệ thống tự tính từ số đo. Chọn “Không áp dụng” nếu không đo."
            )

    def measured_fields(self):
        """The bound fields of the item's kind, in order, for the template."""
        return [self[name] for name in self.fields if name not in FindingForm.base_fields]

    def readings(self):
        return [
            (i, self[f"reference_{i}"], self[f"indication_{i}"])
            for i in range(1, READING_ROWS + 1)
            if f"reference_{i}" in self.fields
        ]

    def data_payload(self) -> dict:
        """The measured data for `measurements.clean`, from the cleaned fields."""
        c = self.cleaned_data
        if self.item.kind == Kind.CHECK or c.get("result") == Finding.Result.NOT_APPLICABLE:
            return {}
        if self.item.kind == Kind.LISTING:
            keys = ("url", "platform", "seller", "listing_title", "listed_price_vnd")
            return {k: c[k] for k in keys if c.get(k) not in (None, "")}
        if self.item.kind == Kind.INSTRUMENT:
            keys = (
                "instrument_name",
                "serial_number",
                "pattern_approval_number",
                "verification_certificate",
                "unit",
                "mpe",
            )
            data = {k: c[k] for k in keys if c.get(k) not in (None, "")}
            if c.get("verification_valid_until"):
                data["verification_valid_until"] = c["verification_valid_until"].isoformat()
            data["readings"] = [
                {"reference": c[f"reference_{i}"], "indication": c[f"indication_{i}"]}
                for i in range(1, READING_ROWS + 1)
                if c.get(f"reference_{i}") or c.get(f"indication_{i}")
            ]
            return data
        values = [v for v in re.split(r"[\s;]+", c.get("actual", "")) if v]
        data = {k: c[k] for k in ("product_name", "nominal", "unit", "lot_size") if c.get(k)}
        return {**data, "actual": values}

    def field_for(self, error_field: str) -> str | None:
        """The form field a service error names ("data.readings.2.reference" ->
        "reference_2"), or None for an error on the whole form."""
        if error_field == "photo":
            return "photos"
        parts = error_field.split(".")
        if parts[0] != "data":
            return error_field if error_field in self.fields else None
        if len(parts) >= 4 and parts[1] == "readings":
            name = f"{parts[3]}_{parts[2]}"
        elif parts[1] == "readings":
            name = "reference_1"
        else:
            name = parts[1]
        return name if name in self.fields else None


def _text(label, *, max_length=300, **attrs):
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.TextInput(attrs=attrs)
    )


def _number(label, *, required=False, **attrs):
    # Text, not a number input: "1,5" is how a Vietnamese inspector writes 1.5.
    return forms.CharField(
        label=label,
        required=required,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", **attrs}),
    )


def _listing_fields(form):
    form.fields["url"] = forms.CharField(
        label=_("Đường dẫn tin đăng"),
        max_length=2000,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("Chụp ảnh màn hình tin đăng và thêm vào ô ảnh: hệ thống lưu mã SHA-256."),
    )
    form.fields["platform"] = _text(_("Sàn thương mại điện tử"))
    form.fields["seller"] = _text(_("Người bán (tên gian hàng)"))
    form.fields["listing_title"] = _text(_("Tiêu đề tin đăng"))
    form.fields["listed_price_vnd"] = _number(_("Giá đăng bán (đồng)"), inputmode="numeric")


def _instrument_fields(form):
    form.fields["instrument_name"] = _text(_("Phương tiện đo"))
    form.fields["serial_number"] = _text(_("Số sản xuất"))
    form.fields["pattern_approval_number"] = _text(_("Số quyết định phê duyệt mẫu"))
    form.fields["verification_certificate"] = _text(_("Tem, giấy chứng nhận kiểm định"))
    form.fields["verification_valid_until"] = forms.DateField(
        label=_("Kiểm định có hiệu lực đến"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    form.fields["unit"] = _text(_("Đơn vị đo"), max_length=20, placeholder="kg")
    form.fields["mpe"] = _number(_("Sai số lớn nhất cho phép (±)"))
    for i in range(1, READING_ROWS + 1):
        form.fields[f"reference_{i}"] = _number(_("Giá trị chuẩn"))
        form.fields[f"indication_{i}"] = _number(_("Số chỉ"))


def _lot_fields(form):
    form.fields["product_name"] = _text(_("Hàng đóng gói sẵn"))
    form.fields["nominal"] = _number(_("Lượng danh định (ghi trên nhãn)"))
    form.fields["unit"] = forms.ChoiceField(
        label=_("Đơn vị"), required=False, choices=[("", "")] + [(u, u) for u in quantity.UNITS]
    )
    form.fields["lot_size"] = _number(_("Cỡ lô (số đơn vị hàng)"), inputmode="numeric")
    form.fields["actual"] = forms.CharField(
        label=_("Lượng thực của từng đơn vị đo"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "inputmode": "decimal"}),
        help_text=_("Mỗi số một dòng hoặc cách nhau bởi dấu cách; dấu phẩy là dấu thập phân."),
    )


_KIND_FIELDS = {
    Kind.LISTING: _listing_fields,
    Kind.INSTRUMENT: _instrument_fields,
    Kind.LOT_QUANTITY: _lot_fields,
}


class InspectFromReportsForm(forms.Form):
    """An ad-hoc inspection of the seller the ticked reports are about."""

    tax_code = forms.CharField(
        label=_("Mã số thuế của đối tượng kiểm tra"),
        max_length=20,
        help_text=_("Tổ chức, cá nhân phải có trong danh mục đối tượng."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Phạm vi kiểm tra"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(label=_("Địa điểm kiểm tra"), max_length=400, required=False)
    scheduled_date = forms.DateField(
        label=_("Ngày kiểm tra dự kiến"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = Scope.choices

    def clean_tax_code(self):
        tax_code = normalize_tax_code(self.cleaned_data["tax_code"])
        operator = EconomicOperator.objects.filter(tax_code=tax_code).first()
        if operator is None:
            raise ValidationError(
                _("Chưa có tổ chức, cá nhân mang mã số thuế %(value)s trong danh mục."),
                code="operator_not_found",
                params={"value": tax_code},
            )
        self.cleaned_data["operator"] = operator
        return tax_code
