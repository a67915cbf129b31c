"""The forms of the passkey pages (registry/passkey_views.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.passkeys import NAME_MAX_LENGTH
from registry.security_forms import ConfirmRemovalForm


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khóa"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Để nhận ra khóa sau này, ví dụ “Điện thoại”, “Khóa USB màu xanh”."),
    )


class PasskeyRemoveForm(ConfirmRemovalForm):
    """The authenticator app's removal form (the password or a current code), and a
    check box that says what removing means."""

    field_order = ["confirm", "secret"]
    confirm = forms.BooleanField(
        label=_("Tôi hiểu rằng khóa này sẽ không dùng để đăng nhập được nữa."),
        error_messages={"required": _("Hãy đánh dấu xác nhận để gỡ khóa.")},
    )
