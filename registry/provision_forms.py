"""Forms of the legal catalogue's pages: a version's content, a legal document, and the
verifier's two answers. The rules themselves are in registry.provisions (one set for the
pages, the import and the services); these forms only parse what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import LegalDocument, LegalProvision
from registry.provisions import ADDITIONAL_PENALTIES, REMEDIAL_MEASURES

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.issued_on:%d/%m/%Y})"


class ProvisionForm(forms.Form):
    code = forms.CharField(
        label=_("Mã điều khoản"),
        max_length=40,
        help_text=_("Giữ nguyên qua các phiên bản, ví dụ 119/2017-Đ18-K1-a."),
    )
    document = DocumentChoiceField(
        label=_("Văn bản quy định hành vi"), queryset=LegalDocument.objects.all()
    )
    amending_document = DocumentChoiceField(
        label=_("Văn bản sửa đổi, bổ sung"),
        queryset=LegalDocument.objects.all(),
        required=False,
        help_text=_("Văn bản đã sửa đổi điều khoản này thành nội dung đang nhập, nếu có."),
    )
    article = forms.IntegerField(label=_("Điều"), min_value=1, max_value=999)
    clause = forms.IntegerField(label=_("Khoản"), min_value=1, max_value=99)
    point = forms.CharField(
        label=_("Điểm"), max_length=2, required=False, help_text=_("Một chữ cái: a, b, c, d, đ…")
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), choices=LegalProvision.Field.choices)
    title = forms.CharField(label=_("Tên điều"), max_length=400)
    title_en = forms.CharField(label=_("Tên điều (tiếng Anh)"), max_length=400, required=False)
    act = forms.CharField(label=_("Hành vi vi phạm"), max_length=5000, widget=forms.Textarea)
    act_en = forms.CharField(
        label=_("Hành vi vi phạm (tiếng Anh)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea,
    )
    fine_min_vnd = forms.IntegerField(label=_("Mức phạt tối thiểu với cá nhân (đồng)"), min_value=0)
    fine_max_vnd = forms.IntegerField(label=_("Mức phạt tối đa với cá nhân (đồng)"), min_value=1)
    organisation_fine_min_vnd = forms.IntegerField(
        label=_("Ngoại lệ: mức tối thiểu với tổ chức (đồng)"),
        min_value=0,
        required=False,
        help_text=_("Để trống khi tổ chức bị phạt gấp đôi cá nhân (quy tắc chung)."),
    )
    organisation_fine_max_vnd = forms.IntegerField(
        label=_("Ngoại lệ: mức tối đa với tổ chức (đồng)"), min_value=1, required=False
    )
    organisation_fine_basis = forms.CharField(
        label=_("Căn cứ của ngoại lệ"), max_length=2000, required=False, widget=forms.Textarea
    )
    fine_note = forms.CharField(
        label=_("Ghi chú về mức phạt"), max_length=5000, required=False, widget=forms.Textarea
    )
    additional_penalties = forms.MultipleChoiceField(
        label=_("Hình thức xử phạt bổ sung"),
        choices=list(ADDITIONAL_PENALTIES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    remedial_measures = forms.MultipleChoiceField(
        label=_("Biện pháp khắc phục hậu quả"),
        choices=list(REMEDIAL_MEASURES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = _date_field(_("Có hiệu lực từ ngày"))
    valid_to = _date_field(
        _("Hết hiệu lực sau ngày"),
        required=False,
        help_text=_(
            "Để trống khi đang có hiệu lực; khi xác minh một phiên bản sửa đổi, "
            "phiên bản cũ tự kết thúc vào ngày trước đó."
        ),
    )
    source = forms.CharField(
        label=_("Nguồn đối chiếu"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Văn bản và trang đã dùng để nhập, ví dụ: Công báo số …, trang …"),
    )
    source_url = forms.URLField(
        label=_("Địa chỉ văn bản gốc"), max_length=500, required=False, assume_scheme="https"
    )

    def content(self) -> dict:
        """The cleaned data in the shape registry.provisions takes."""
        data = dict(self.cleaned_data)
        data["point"] = (data.get("point") or "").strip().lower()
        return data


class LegalDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=LegalDocument.Kind.choices)
    number = forms.CharField(
        label=_("Số, ký hiệu"), max_length=40, help_text=_("Ví dụ: 126/2021/NĐ-CP")
    )
    issued_on = _date_field(_("Ngày ban hành"))
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=150, initial="Chính phủ")
    url = forms.URLField(
        label=_("Địa chỉ văn bản"), max_length=500, required=False, assume_scheme="https"
    )


class VerifyForm(forms.Form):
    # Which content the verifier read (registry.provisions.seen_token).
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    checked = forms.BooleanField(
        label=_("Tôi đã đối chiếu từng trường với văn bản gốc ghi ở nguồn đối chiếu."),
    )
    note = forms.CharField(
        label=_("Ghi chú xác minh"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: đối chiếu với Công báo số …, trang …"),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Điểm chưa khớp với văn bản gốc"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo hành vi, điều, khoản hoặc văn bản"), max_length=100, required=False
    )
    on = _date_field(_("Có hiệu lực vào ngày"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Mọi trạng thái")), *LegalProvision.Status.choices],
        required=False,
    )
    field = forms.ChoiceField(
        label=_("Lĩnh vực"),
        choices=[("", _("Mọi lĩnh vực")), *LegalProvision.Field.choices],
        required=False,
    )
    mine = forms.ChoiceField(
        label=_("Việc của tôi"),
        choices=[
            ("", _("Tất cả")),
            ("verify", _("Chờ tôi xác minh")),
            ("returned", _("Tôi nhập, bị trả lại")),
        ],
        required=False,
    )
