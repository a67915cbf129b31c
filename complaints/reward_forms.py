"""Forms of the reward pages (complaints/reward_views.py)."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.forms import ReceiptForm
from complaints.models import Reward

Choice = Reward.Choice

PROOF_MAX_BYTES = 64 * 1024


class RewardChoiceForm(forms.Form):
    """The reporter's choice, on the receipt's status page. The payee fields are for the
    custodian only and needed only with "disclose" (the service says which are missing)."""

    receipt = forms.CharField(widget=forms.HiddenInput, max_length=60)
    choice = forms.ChoiceField(
        label=_("Cách nhận khen thưởng"),
        choices=[
            (
                Choice.COUNTER,
                _(
                    "Nhận ẩn danh tại quầy của đơn vị (mang mã tra cứu và tệp bằng chứng "
                    "gửi phản ánh)"
                ),
            ),
            (
                Choice.DISCLOSE,
                _("Cung cấp thông tin người nhận cho người quản lý thông tin nhân thân"),
            ),
            (Choice.DECLINE, _("Không nhận khen thưởng")),
        ],
        error_messages={"required": _("Chọn cách nhận khen thưởng")},
    )
    payee_full_name = forms.CharField(
        label=_("Họ và tên người nhận"), max_length=150, required=False
    )
    payee_id_number = forms.CharField(label=_("Số CCCD hoặc CMND"), max_length=20, required=False)
    payee_phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    payee_bank_name = forms.CharField(label=_("Ngân hàng"), max_length=150, required=False)
    payee_bank_account = forms.CharField(label=_("Số tài khoản"), max_length=40, required=False)
    payee_address = forms.CharField(
        label=_("Hoặc địa chỉ nhận (khi không có tài khoản)"), max_length=300, required=False
    )


class RewardDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Quyết định"),
        choices=[("1", _("Duyệt khen thưởng")), ("0", _("Trả lại để sửa"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn duyệt hoặc trả lại")},
    )
    reason = forms.CharField(
        label=_("Lý do (bắt buộc khi trả lại)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VoucherForm(forms.Form):
    voucher_number = forms.CharField(
        label=_("Số chứng từ chi"),
        max_length=50,
        help_text=_("Số phiếu chi hoặc ủy nhiệm chi; với thư cảm ơn, số văn bản."),
        error_messages={"required": _("Nhập số chứng từ chi")},
    )


class CounterForm(ReceiptForm):
    """At the counter: the receipt the person reads out or shows, and their proof of
    filing (the signed file saved at filing). Neither is kept: the form is checked, then
    shown again with them in hidden fields for the payment to be recorded."""

    proof_file = forms.FileField(label=_("Tệp bằng chứng gửi phản ánh (.json)"), required=False)
    proof_text = forms.CharField(
        label=_("Hoặc dán nội dung tệp"), required=False, widget=forms.Textarea
    )
    voucher_number = forms.CharField(label=_("Số chứng từ chi"), max_length=50, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("proof_file")
        text = upload.read(PROOF_MAX_BYTES).decode("utf-8", "replace") if upload else None
        text = text or data.get("proof_text") or ""
        if not text.strip():
            self.add_error(
                "proof_file", _("Chọn tệp bằng chứng người nhận đưa, hoặc dán nội dung tệp")
            )
            return data
        try:
            data["proof"] = json.loads(text[:PROOF_MAX_BYTES])
        except (ValueError, RecursionError):
            self.add_error(
                "proof_file",
                _("Tệp bằng chứng không đọc được: không phải tệp đã tải về khi gửi phản ánh"),
            )
        return data
