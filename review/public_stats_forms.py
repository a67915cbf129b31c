"""The year and province of the public statistics (/thong-ke/), chosen by a GET form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from review.public_stats import province_choices, published_years


class PublicStatsForm(forms.Form):
    nam = forms.TypedChoiceField(
        label=_("Năm"),
        coerce=int,
        error_messages={"invalid_choice": _("Chưa có số liệu công bố cho năm này.")},
    )
    tinh = forms.ChoiceField(
        label=_("Tỉnh, thành phố"),
        required=False,
        error_messages={"invalid_choice": _("Chọn một tỉnh, thành phố trong danh sách.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [(y, str(y)) for y in published_years(every=True)]
        self.fields["tinh"].choices = [("", _("Cả nước")), *province_choices()]
