from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from registry.forms import MultipleFileField, MultipleFileInput
from registry.models import ProductCategory, Province


class ReportForm(forms.Form):
    """The public filing page. Photos are read from request.FILES.getlist("photos");
    every check that matters is in complaints.services.complaint_submit."""

    kind = forms.ChoiceField(label=_("Loại phản ánh"), choices=Complaint.Kind.choices)
    product_name = forms.CharField(label=_("Tên sản phẩm"), max_length=300)
    product_brand = forms.CharField(label=_("Nhãn hiệu"), max_length=200, required=False)
    product_gtin = forms.CharField(
        label=_("Mã vạch"),
        max_length=20,
        required=False,
        help_text=_("Dãy số dưới vạch đen trên bao bì."),
    )
    product_batch = forms.CharField(label=_("Số lô"), max_length=100, required=False)
    product_category = forms.ModelChoiceField(
        label=_("Nhóm sản phẩm"), queryset=ProductCategory.objects.all(), required=False
    )
    seller_name = forms.CharField(label=_("Tên cửa hàng, người bán"), max_length=300)
    seller_address = forms.CharField(label=_("Địa chỉ cửa hàng"), max_length=400, required=False)
    seller_url = forms.URLField(
        label=_("Đường dẫn gian hàng trực tuyến"),
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    seller_tax_code = forms.CharField(
        label=_("Mã số thuế người bán (nếu biết)"), max_length=20, required=False
    )
    seller_province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"), queryset=Province.objects.all(), required=False
    )
    purchase_date = forms.DateField(
        label=_("Ngày mua"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label=_("Nội dung phản ánh"), max_length=5000, widget=forms.Textarea
    )
    photos = MultipleFileField(
        label=_("Ảnh chụp (tối đa 6 ảnh, mỗi ảnh 15 MB)"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}
        ),
    )
    identity_full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    identity_phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    identity_email = forms.EmailField(label=_("Thư điện tử"), max_length=200, required=False)
    identity_id_number = forms.CharField(label=_("Số CCCD/CMND"), max_length=20, required=False)
    # A honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(required=False, label=_("Để trống ô này"))

    def clean_purchase_date(self):
        value = self.cleaned_data.get("purchase_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Ngày mua không thể ở tương lai."))
        return value


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReplyForm(ReceiptForm):
    body = forms.CharField(
        label=_("Nội dung trả lời"), max_length=5000, required=False, widget=forms.Textarea
    )
    photos = MultipleFileField(
        label=_("Thêm ảnh"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}
        ),
    )
    identity_full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    identity_phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    identity_email = forms.EmailField(label=_("Thư điện tử"), max_length=200, required=False)
    identity_id_number = forms.CharField(label=_("Số CCCD/CMND"), max_length=20, required=False)
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=60)


class ProofForm(forms.Form):
    proof_file = forms.FileField(label=_("Tệp bằng chứng (.json)"), required=False)
    proof_text = forms.CharField(
        label=_("Hoặc dán nội dung tệp"), required=False, widget=forms.Textarea
    )
