"""The risk assessment form every page that records one shows (a failed sample, a
violation record, a product alert): the level is computed by the service, not chosen."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.risk_levels import Hazard, Probability, Severity


def _blank(choices):
    return [("", _("— Chọn —")), *choices]


class RiskFields(forms.Form):
    hazard = forms.ChoiceField(label=_("Loại nguy cơ"), choices=_blank(Hazard.choices))
    severity = forms.TypedChoiceField(
        label=_("Mức độ nghiêm trọng của tổn hại"),
        choices=_blank(Severity.choices),
        coerce=int,
    )
    probability = forms.ChoiceField(
        label=_("Xác suất gây tổn hại trong thời gian sử dụng"),
        choices=_blank(Probability.choices),
    )
    reasoning = forms.CharField(
        label=_("Kịch bản tổn hại và lập luận"),
        help_text=_(
            "Ai dùng sản phẩm, tổn hại xảy ra thế nào, vì sao chọn mức độ và xác suất này."
        ),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RiskForm(RiskFields):
    """The assessment alone (a sample's or a record's)."""


class OptionalRiskFields(forms.Form):
    """The same fields, all optional together: an alert may be published before its
    risk is assessed; once one is given, all are needed (the service says which)."""

    risk_hazard = forms.ChoiceField(
        label=_("Loại nguy cơ"), choices=_blank(Hazard.choices), required=False
    )
    risk_severity = forms.TypedChoiceField(
        label=_("Mức độ nghiêm trọng của tổn hại"),
        choices=_blank(Severity.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    risk_probability = forms.ChoiceField(
        label=_("Xác suất gây tổn hại trong thời gian sử dụng"),
        choices=_blank(Probability.choices),
        required=False,
    )
    risk_reasoning = forms.CharField(
        label=_("Kịch bản tổn hại và lập luận"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if any(data.get(name) not in ("", None) for name in RISK_NAMES):
            for name in RISK_NAMES:
                if data.get(name) in ("", None) and name not in self.errors:
                    self.add_error(name, _("Hãy điền đủ các mục đánh giá rủi ro."))
        return data


RISK_NAMES = ("risk_hazard", "risk_severity", "risk_probability", "risk_reasoning")


def split_risk(data: dict) -> tuple[dict, dict | None]:
    """A form's cleaned data without the risk fields, and the assessment they give as
    the services take it (None when left blank)."""
    rest = {name: value for name, value in data.items() if name not in RISK_NAMES}
    risk = {name.removeprefix("risk_"): data.get(name) for name in RISK_NAMES}
    if all(value in ("", None) for value in risk.values()):
        return rest, None
    return rest, risk
