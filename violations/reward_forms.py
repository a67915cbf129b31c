"""The case page's form proposing a reward for a report (violations/rewards.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Reward


class RewardProposalForm(forms.Form):
    # Selects whose values the service checks (violations.rewards.case_reward_propose):
    # a report this case led to, a decision issued or an alert published on it.
    complaint = forms.IntegerField(
        label=_("Phản ánh được khen thưởng"),
        widget=forms.Select,
        error_messages={"required": _("Chọn phản ánh"), "invalid": _("Chọn phản ánh")},
    )
    ground = forms.CharField(
        label=_("Phản ánh đã dẫn đến"),
        max_length=40,
        widget=forms.Select,
        error_messages={"required": _("Chọn quyết định xử phạt hoặc cảnh báo")},
    )
    kind = forms.ChoiceField(
        label=_("Hình thức khen thưởng"),
        choices=Reward.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn hình thức khen thưởng")},
    )
    amount_vnd = forms.IntegerField(
        label=_("Số tiền thưởng (đồng)"),
        required=False,
        min_value=1,
        help_text=_("Chỉ ghi khi khen thưởng bằng tiền."),
        error_messages={"invalid": _("Nhập số tiền bằng chữ số, ví dụ 2000000")},
    )
    basis = forms.CharField(
        label=_("Căn cứ pháp lý và lý do khen thưởng"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Người phản ánh đọc được nội dung này qua mã tra cứu: không ghi tên ai."),
        error_messages={"required": _("Ghi căn cứ pháp lý và lý do khen thưởng")},
    )

    def __init__(self, *args, reports=(), grounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaint"].widget.choices = [("", "")] + [
            (report.pk, f"{report.tracking_number} — {report.product_name}") for report in reports
        ]
        self.fields["ground"].widget.choices = [("", "")] + [
            (ground.key, ground.label) for ground in grounds
        ]
