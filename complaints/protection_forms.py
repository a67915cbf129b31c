"""The reporter's protection request on the case page (complaints/protection_views.py):
what they need protected, what they fear, and whether they give their identity (sealed,
as on the filing form). Every check that matters is in whistleblower/protection.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.forms import _email_field, _id_number_field, _name_field, _phone_field, _say
from whistleblower.models import ProtectionRequest

# The ids of this form's inputs: the reply form on the same page has its own "id_…".
AUTO_ID = "protect_%s"


class ProtectionForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Bạn cần được bảo vệ về"),
        choices=ProtectionRequest.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_say(
            required=_("Chọn ít nhất một điều bạn cần được bảo vệ"),
            invalid_choice=_("Chọn trong các điều được liệt kê"),
        ),
    )
    fear = forms.CharField(
        label=_("Điều bạn lo ngại"),
        help_text=_(
            "Kể bạn lo bị đe dọa, trù dập hay thiệt hại gì, từ ai, từ khi nào. Không cần ghi "
            "họ tên của bạn ở đây."
        ),
        min_length=10,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            **_say(
                required=_("Kể điều bạn lo ngại, ít nhất 10 ký tự"),
                max_length=_("Rút gọn nội dung, tối đa 5000 ký tự"),
            ),
            "min_length": _("Kể điều bạn lo ngại, ít nhất 10 ký tự"),
        },
    )
    identity = forms.ChoiceField(
        label=_("Danh tính của bạn"),
        choices=ProtectionRequest.Identity.choices,
        initial=ProtectionRequest.Identity.ANONYMOUS,
        required=False,
        widget=forms.RadioSelect,
        error_messages=_say(invalid_choice=_("Chọn có cung cấp danh tính hay không")),
    )
    identity_full_name = _name_field()
    identity_phone = _phone_field()
    identity_email = _email_field()
    identity_id_number = _id_number_field()
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", AUTO_ID)
        super().__init__(*args, **kwargs)

    def clean_identity(self):
        # Nothing chosen (a client that does not send the checked default): anonymous.
        return self.cleaned_data["identity"] or ProtectionRequest.Identity.ANONYMOUS
