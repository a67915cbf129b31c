"""The forms of a protection request's page (whistleblower/protection_views.py): each
action posts one; what they mean is checked by whistleblower/protection.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

TEXT = {"max_length": 5000, "widget": forms.Textarea(attrs={"rows": 3})}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("grant", _("Áp dụng biện pháp bảo vệ")), ("refuse", _("Từ chối"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn áp dụng biện pháp bảo vệ hoặc từ chối.")},
    )
    measures = forms.CharField(
        label=_("Biện pháp bảo vệ"),
        required=False,
        help_text=_("Khi áp dụng: biện pháp nào, trong bao lâu. Người phản ánh đọc được."),
        **TEXT,
    )
    authority = forms.CharField(
        label=_("Cơ quan, đơn vị thực hiện"), required=False, max_length=300
    )
    reason = forms.CharField(
        label=_("Lý do từ chối"),
        required=False,
        help_text=_("Khi từ chối. Người phản ánh đọc được."),
        **TEXT,
    )


class FollowUpForm(forms.Form):
    on = forms.DateField(
        label=_("Ngày theo dõi"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    text = forms.CharField(label=_("Nội dung theo dõi"), **TEXT)
    tell_reporter = forms.BooleanField(
        label=_("Báo nội dung này cho người phản ánh (đọc bằng mã tra cứu)"), required=False
    )


class InformForm(forms.Form):
    handler_informed = forms.BooleanField(
        label=_("Cho cán bộ xử lý phản ánh biết có vấn đề bảo vệ người phản ánh"),
        help_text=_(
            "Cán bộ xử lý chỉ thấy dòng “Có vấn đề bảo vệ người phản ánh”, không thấy nội dung."
        ),
        required=False,
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Lý do kết thúc bảo vệ"),
        help_text=_("Người phản ánh đọc được."),
        **TEXT,
    )
