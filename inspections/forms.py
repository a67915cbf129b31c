"""The tablet's finding form: one checklist item, its result, note, photos and, for the
items that carry them, the measured data. Every rule that matters is in
`inspections.findings` and `inspections.measurements`; this form only shapes the input."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inspections import quantity
from inspections.models import ChecklistItem, Finding, Inspection, Scope
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
        keys = ("product_name", "nominal", "unit", "lot_size")
        data = {k: c[k] for k in keys if c.get(k)}
        return {**data, "actual": values}

    def product_gtin(self) -> str:
        """The barcode typed or scanned on a lot item: the finding's `product_gtin`, not
        part of its measured data (checked and normalised by `findings.finding_create`)."""
        return self.cleaned_data.get("product_gtin", "")

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
    form.fields["product_gtin"] = _text(
        _("Mã vạch (GTIN)"), max_length=20, inputmode="numeric", autocomplete="off"
    )
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


# --- Samples, minutes and signatures on the tablet ------------------------------------------


class SampleForm(forms.Form):
    """A sample taken on site: two sealed units, the sampling record, photos of the
    seals. The rules are `inspections.samples.sample_create`'s."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    product_name = forms.CharField(
        label=_("Tên mẫu (sản phẩm, hàng hóa)"),
        max_length=300,
        error_messages={"required": _("Nhập tên sản phẩm, hàng hóa được lấy mẫu.")},
    )
    batch = forms.CharField(label=_("Số lô"), max_length=100, required=False)
    quantity_per_unit = forms.CharField(
        label=_("Lượng mỗi đơn vị mẫu"),
        max_length=100,
        required=False,
        help_text=_("Ví dụ: 2 chai, mỗi chai 500 ml."),
    )
    test_unit_seal = forms.CharField(
        label=_("Số niêm phong mẫu gửi thử nghiệm"),
        max_length=50,
        error_messages={"required": _("Nhập số niêm phong của mẫu gửi thử nghiệm.")},
    )
    retained_unit_seal = forms.CharField(
        label=_("Số niêm phong mẫu lưu"),
        max_length=50,
        error_messages={"required": _("Nhập số niêm phong của mẫu lưu.")},
        help_text=_("Khác số niêm phong của mẫu gửi thử nghiệm."),
    )
    sampling_record_number = forms.CharField(
        label=_("Số biên bản lấy mẫu"),
        max_length=50,
        error_messages={"required": _("Nhập số biên bản lấy mẫu.")},
    )
    photos = MultipleFileField(
        label=_("Ảnh niêm phong"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES}),
    )
    # Filled by the page's script from the device (optional).
    captured_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_uuid"].initial = uuid.uuid4()

    def clean(self):
        data = super().clean()
        test, kept = data.get("test_unit_seal"), data.get("retained_unit_seal")
        if test and kept and test.strip() == kept.strip():
            self.add_error(
                "retained_unit_seal",
                ValidationError(
                    _("Hai đơn vị mẫu cần hai số niêm phong khác nhau."),
                    code="two_seals_required",
                ),
            )
        return data

    def field_for(self, error_field: str) -> str | None:
        if error_field == "photo":
            return "photos"
        if error_field == "sampled_at":
            return None
        return error_field if error_field in self.fields else None


class SignatureForm(forms.Form):
    """One signer signs the draft on screen: the drawn signature arrives as a PNG data
    URL in `image` (static/js/signature.js draws it)."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.CharField(widget=forms.HiddenInput)
    # The draft the signer was shown (the service refuses another one).
    pdf_sha256 = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    image = forms.CharField(required=False, max_length=2_000_000, widget=forms.HiddenInput)
    signed_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    member = forms.TypedChoiceField(
        label=_("Thành viên đoàn ký"), coerce=int, required=False, choices=()
    )
    name = forms.CharField(label=_("Họ và tên người ký"), max_length=150, required=False)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    reason = forms.CharField(
        label=_("Lý do người đại diện không ký"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    address = forms.CharField(label=_("Địa chỉ người làm chứng"), max_length=300, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_uuid"].initial = uuid.uuid4()
        self.fields["member"].choices = [("", "")] + [
            (m.user_id, f"{m.user.full_name or m.user.username} — {m.get_role_display()}")
            for m in members
        ]

    def field_for(self, error_field: str) -> str | None:
        if error_field == "user":
            return "member"
        return error_field if error_field in self.fields else None


class PaperSignForm(forms.Form):
    """Who signed the printed draft by hand, recorded by the lead with the scans."""

    team_signers = forms.TypedMultipleChoiceField(
        label=_("Thành viên đoàn đã ký trên giấy"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn các thành viên đoàn đã ký trên giấy.")},
    )
    representative_name = forms.CharField(
        label=_("Người đại diện cơ sở đã ký"), max_length=150, required=False
    )
    representative_position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    representative_refused = forms.BooleanField(
        label=_("Người đại diện từ chối ký; người làm chứng ký thay"), required=False
    )
    witness_name = forms.CharField(label=_("Người làm chứng"), max_length=150, required=False)
    witness_address = forms.CharField(
        label=_("Địa chỉ người làm chứng"), max_length=300, required=False
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_signers"].choices = [
            (m.user_id, f"{m.user.full_name or m.user.username} — {m.get_role_display()}")
            for m in members
        ]

    def field_for(self, error_field: str) -> str | None:
        if error_field == "team_signer_ids":
            return "team_signers"
        return error_field if error_field in self.fields else None


class ScanForm(forms.Form):
    scans = MultipleFileField(
        label=_("Ảnh chụp hoặc bản quét các trang đã ký"),
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES + ",application/pdf"}),
        error_messages={"required": _("Chọn ảnh chụp hoặc bản quét các trang đã ký.")},
    )


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do sửa đổi, bổ sung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Nhập lý do sửa đổi, bổ sung biên bản.")},
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Inspection.Status.choices)
