"""The forms of the second step and of the account's security pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SecondStepForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực hoặc mã khôi phục"),
        max_length=20,
        help_text=_(
            "Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực, hoặc một mã khôi phục "
            "chưa dùng (mỗi mã khôi phục chỉ dùng được một lần)."
        ),
    )


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Mã 6 chữ số từ ứng dụng"),
        max_length=10,
        help_text=_("Sau khi thêm tài khoản vào ứng dụng, nhập mã ứng dụng đang hiện."),
    )


class ConfirmRemovalForm(forms.Form):
    secret = forms.CharField(
        label=_("Mật khẩu hoặc mã xác thực hiện tại"),
        max_length=200,
        help_text=_("Để chắc chắn là chính bạn gỡ yếu tố này."),
    )


class ConfirmChangeForm(ConfirmRemovalForm):
    """The same confirmation, asked before changing a factor when the session's last
    second step is not recent (registry/security_views.py, recent_step_page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secret"].help_text = _(
            "Để chắc chắn là chính bạn thay đổi yếu tố xác thực của tài khoản."
        )
