"""Forms of the case page: each action of violation handling posts one of these."""

from django import forms
from django.utils.translation import gettext_lazy as _


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


class AlertForm(forms.Form):
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
