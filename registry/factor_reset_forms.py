"""The forms of the factor-reset pages (registry/factor_reset_views.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.factor_reset import REASON_MAX_LENGTH


class FactorResetRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập của cán bộ"),
        max_length=150,
        help_text=_("Cán bộ đã mất ứng dụng xác thực, khóa truy cập và mã khôi phục."),
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=_("Ví dụ: mất điện thoại ngày…, đã gặp trực tiếp để xác minh."),
    )


class FactorResetApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Tôi đã xác minh với chính người này, qua một kênh khác (gặp trực tiếp hoặc gọi "
            "số điện thoại đã biết), rằng họ đã mất yếu tố xác thực."
        ),
        error_messages={"required": _("Hãy xác minh với chính người này rồi đánh dấu.")},
    )


class FactorResetRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
    )
