"""Forms of the notices between units (violations/notices.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.images import MAX_UPLOAD_BYTES
from violations.models import Notice

EVIDENCE_ACCEPT = "application/pdf,image/jpeg,image/png"


class ReactionForm(forms.Form):
    reaction = forms.ChoiceField(
        label=_("Kết quả kiểm tra trên địa bàn"),
        choices=Notice.Reaction.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Nơi phát hiện, số lượng, biện pháp đã áp dụng"),
        help_text=_("Bắt buộc khi có phát hiện sản phẩm hoặc đã áp dụng biện pháp."),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = forms.FileField(
        label=_("Tài liệu chứng minh (PDF, ảnh JPEG hoặc PNG)"),
        help_text=_("Tối đa 15 MB. Bắt buộc khi đã áp dụng biện pháp."),
        required=False,
    )

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp tài liệu quá lớn: tối đa %(max)s MB."),
                params={"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload


class NoticeSendForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do gửi thông báo"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
