"""Forms of the desk pages (plans, inspection decisions, teams). They only shape the
input: every rule that matters is in `inspections.services`, whose errors the pages put
back on these fields (`FIELD_FOR`)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inspections.models import Inspection, InspectionPlan, RepeatReason, Scope
from registry.models import EconomicOperator, ProductCategory
from registry.validators import normalize_tax_code

# The service's field names (the API's) -> this module's form fields.
FIELD_FOR = {
    "plan_id": "plan",
    "complaint_ids": "complaints",
    "ids": "complaints",
    "lead_id": "lead",
    "member_ids": "members",
    "operator_id": "tax_code",
    "repeat_complaint_id": "repeat_complaint",
    "to": "to",
}


def field_for(name: str) -> str:
    return FIELD_FOR.get(name, name)


def _date(label, *, required=True, help_text="", required_message=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": required_message or _("Nhập ngày"),
            "invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 24/11/2026"),
        },
    )


def _scopes():
    return forms.MultipleChoiceField(
        label=_("Phạm vi kiểm tra"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một phạm vi kiểm tra")},
    )


def _operator_by_tax_code(raw: str) -> EconomicOperator:
    tax_code = normalize_tax_code(raw)
    operator = EconomicOperator.objects.filter(tax_code=tax_code).first()
    if operator is None:
        raise ValidationError(
            _(
                "Chưa có tổ chức, cá nhân mang mã số thuế %(value)s trong danh mục: thêm ở "
                "trang Tổ chức, cá nhân SXKD trước"
            ),
            code="operator_not_found",
            params={"value": tax_code},
        )
    return operator


def _repeat_reason(**kwargs):
    return forms.ChoiceField(
        label=_("Lý do kiểm tra lại trong 12 tháng"),
        choices=[("", "—"), *RepeatReason.choices],
        required=False,
        help_text=_(
            "Chỉ thị 20/CT-TTg: không kiểm tra một đối tượng quá một lần trong năm nếu không "
            "có căn cứ. Bắt buộc khi đối tượng đã được kiểm tra trong vòng 12 tháng."
        ),
        **kwargs,
    )


def _repeat_note():
    return forms.CharField(
        label=_("Giải trình lý do kiểm tra lại"),
        required=False,
        max_length=500,
        help_text=_("Số, ngày văn bản yêu cầu, cảnh báo hoặc nội dung phản ánh."),
    )


# The plan form's reason fields of one target, named by the operator's id.
REPEAT_REASON_FIELD = "repeat_reason_%d"
REPEAT_NOTE_FIELD = "repeat_note_%d"


# --- Plans ------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    title = forms.CharField(
        label=_("Tên kế hoạch"),
        max_length=300,
        error_messages={"required": _("Nhập tên kế hoạch")},
    )
    period_start = _date(_("Từ ngày"), required_message=_("Nhập ngày bắt đầu của kế hoạch"))
    period_end = _date(_("Đến ngày"), required_message=_("Nhập ngày kết thúc của kế hoạch"))
    scopes = _scopes()
    operators = forms.CharField(
        label=_("Đối tượng kiểm tra (mã số thuế)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "numeric"}),
        help_text=_(
            "Mỗi dòng một mã số thuế của tổ chức, cá nhân đã có trong danh mục. Để trống "
            "nếu kế hoạch chưa nêu đối tượng cụ thể."
        ),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Nhóm sản phẩm, hàng hóa"),
        queryset=ProductCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Nội dung kế hoạch"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Mục đích, yêu cầu, địa bàn, thời gian và lực lượng thực hiện."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = ProductCategory.objects.order_by("name")

    def clean_operators(self):
        raw = [v for v in re.split(r"[\s,;]+", self.cleaned_data["operators"]) if v]
        operators, errors = [], []
        for value in dict.fromkeys(raw):
            try:
                operators.append(_operator_by_tax_code(value))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return operators

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("Nhập ngày kết thúc không trước ngày bắt đầu"))
        # Kept apart from cleaned_data, which loses the field when the service's error
        # is put on it: the page still lists the targets' earlier inspections.
        self.operators_found = list(data.get("operators") or [])
        # The reasons to inspect again, one pair of inputs per target already inspected
        # within 12 months (the page shows them; the service decides which are needed).
        data["target_reasons"] = {
            operator.pk: (
                self.data.get(REPEAT_REASON_FIELD % operator.pk, ""),
                self.data.get(REPEAT_NOTE_FIELD % operator.pk, "")[:500],
            )
            for operator in data.get("operators") or []
            if REPEAT_REASON_FIELD % operator.pk in self.data
        }
        return data

    @classmethod
    def initial_of(cls, plan: InspectionPlan) -> dict:
        return {
            "title": plan.title,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "scopes": plan.scopes,
            "operators": "\n".join(
                o.tax_code for o in plan.target_operators.order_by("name") if o.tax_code
            ),
            "categories": list(plan.target_categories.all()),
            "note": plan.note,
        }


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Ý kiến"),
        choices=[("approve", _("Phê duyệt")), ("return", _("Trả lại để sửa"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn phê duyệt hoặc trả lại")},
    )
    note = forms.CharField(
        label=_("Ý kiến phê duyệt hoặc lý do trả lại"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi trả lại: người lập đọc được để sửa kế hoạch."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("Nhập lý do trả lại kế hoạch"))
        return data


# --- Inspections ------------------------------------------------------------------------------


class InspectionForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Kế hoạch"),
        queryset=InspectionPlan.objects.none(),
        required=False,
        help_text=_("Chỉ kế hoạch đã phê duyệt của đơn vị. Bắt buộc khi căn cứ là kế hoạch."),
    )
    legal_ground = forms.ChoiceField(
        label=_("Căn cứ kiểm tra"),
        choices=[("", ""), *Inspection.LegalGround.choices],
        error_messages={"required": _("Chọn căn cứ kiểm tra")},
        help_text=_(
            "Căn cứ kế hoạch hằng năm: cuộc kiểm tra theo kế hoạch; căn cứ khác: kiểm tra đột xuất."
        ),
    )
    legal_ground_note = forms.CharField(
        label=_("Ghi chú căn cứ"),
        required=False,
        max_length=500,
        help_text=_("Số, ngày văn bản cảnh báo, yêu cầu hoặc kết quả khảo sát."),
    )
    scopes = _scopes()
    tax_code = forms.CharField(
        label=_("Mã số thuế của đối tượng kiểm tra"),
        max_length=20,
        error_messages={"required": _("Nhập mã số thuế của tổ chức, cá nhân được kiểm tra")},
        help_text=_("Tổ chức, cá nhân phải có trong danh mục đối tượng."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Nhóm sản phẩm, hàng hóa kiểm tra"),
        queryset=ProductCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    goods = forms.CharField(
        label=_("Hàng hóa thuộc phạm vi kiểm tra"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Như quyết định kiểm tra ghi: tên hàng hóa, nhãn hiệu, số lô hoặc gian hàng trực "
            "tuyến. Mẫu lấy tại chỗ ghi rõ sản phẩm, số lô."
        ),
    )
    place = forms.CharField(label=_("Địa điểm kiểm tra"), max_length=400, required=False)
    scheduled_date = _date(_("Ngày kiểm tra dự kiến"), required=False)
    complaints = forms.ModelMultipleChoiceField(
        label=_("Phản ánh liên quan"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Phản ánh đã thụ lý mà bạn được xem. Bắt buộc khi căn cứ là phản ánh: người "
            "phản ánh được báo rằng cơ quan sẽ kiểm tra."
        ),
    )

    repeat_reason = _repeat_reason()
    repeat_note = _repeat_note()
    repeat_complaint = forms.ModelChoiceField(
        label=_("Phản ánh làm căn cứ kiểm tra lại (nếu có)"),
        queryset=None,
        required=False,
    )

    def __init__(self, *args, plans, complaints, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["complaints"].queryset = complaints
        self.fields["repeat_complaint"].queryset = complaints
        self.fields["categories"].queryset = ProductCategory.objects.order_by("name")
        for name in ("complaints", "repeat_complaint"):
            self.fields[name].label_from_instance = lambda c: (
                f"{c.tracking_number} — {c.product_name}, {c.seller_name}"
            )

    def clean_tax_code(self):
        operator = _operator_by_tax_code(self.cleaned_data["tax_code"])
        self.cleaned_data["operator"] = operator
        return operator.tax_code


class DecisionForm(forms.Form):
    decision_number = forms.CharField(
        label=_("Số quyết định kiểm tra"),
        max_length=50,
        error_messages={"required": _("Nhập số quyết định kiểm tra")},
        help_text=_("Như trên văn bản, ví dụ 15/QĐ-CCTĐC."),
    )
    decision_date = _date(
        _("Ngày quyết định"), required_message=_("Nhập ngày ký quyết định kiểm tra")
    )
    repeat_reason = _repeat_reason()
    repeat_note = _repeat_note()


class TeamForm(forms.Form):
    lead = forms.ModelChoiceField(
        label=_("Trưởng đoàn"),
        queryset=None,
        error_messages={"required": _("Chọn trưởng đoàn")},
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Thành viên đoàn"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Thành viên được xem và ghi kết quả của cuộc kiểm tra này; người bị bỏ khỏi "
            "đoàn không còn xem được."
        ),
    )

    def __init__(self, *args, leads, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads
        self.fields["members"].queryset = members
        for name in ("lead", "members"):
            self.fields[name].label_from_instance = lambda u: u.full_name or u.username


class TransitionForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Trạng thái mới"),
        choices=Inspection.Status.choices,
        error_messages={"required": _("Chọn trạng thái mới")},
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
