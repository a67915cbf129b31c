from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from registry.forms import MultipleFileField, MultipleFileInput, ProvinceChoiceField
from registry.models import ProductCategory, Province

PHOTO_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif"
# A date as people write it, day first (and the ISO form that older pages sent).
DATE_INPUTS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


def _say(required=None, invalid=None, max_length=None, invalid_choice=None) -> dict:
    """Error messages that say what to do for the field (GOV.UK style), not what is wrong
    in general ("Trường này là bắt buộc")."""
    messages = {
        "required": required,
        "invalid": invalid,
        "max_length": max_length,
        "invalid_choice": invalid_choice,
    }
    return {key: value for key, value in messages.items() if value is not None}


# What to do, for the errors the filing service finds (by their stable codes); an error
# whose code is not here keeps the service's own message.
FILING_MESSAGES = {
    "invalid_kind": _("Chọn loại phản ánh"),
    "description_too_short": _("Mô tả sự việc bạn gặp, ít nhất 10 ký tự"),
    "description_too_long": _("Rút gọn nội dung phản ánh, tối đa 5000 ký tự"),
    "seller_location_required": _(
        "Nhập địa chỉ cửa hàng, hoặc địa chỉ trang bán hàng nếu bạn mua trên mạng"
    ),
    "seller_url_invalid": _(
        "Nhập địa chỉ trang bán hàng bắt đầu bằng https://, ví dụ https://shopee.vn/ten-cua-hang"
    ),
    "purchase_date_invalid": _("Nhập ngày mua từ năm 2000 đến hôm nay, ví dụ 15/03/2025"),
    "gtin_format": _(
        "Nhập dãy số dưới mã vạch (8, 12, 13 hoặc 14 chữ số), hoặc để trống ô mã vạch"
    ),
    "gtin_length": _(
        "Nhập đủ dãy số dưới mã vạch (8, 12, 13 hoặc 14 chữ số), hoặc để trống ô mã vạch"
    ),
    "gtin_checksum": _(
        "Kiểm tra lại dãy số dưới mã vạch: có một chữ số bị sai. Nếu không chắc, để trống ô này"
    ),
    "tax_code_format": _(
        "Nhập mã số thuế chỉ gồm chữ số, ví dụ 0100233488, hoặc để trống nếu không biết"
    ),
    "tax_code_length": _(
        "Nhập mã số thuế gồm 10 chữ số (hoặc 13 chữ số, ví dụ 0100233488-001), hoặc để "
        "trống nếu không biết"
    ),
    "tax_code_checksum": _(
        "Kiểm tra lại mã số thuế: có một chữ số bị sai. Nếu không chắc, để trống ô này"
    ),
    "identity_name_too_long": _("Rút gọn họ và tên, tối đa 150 ký tự"),
    "identity_phone_invalid": _("Nhập số điện thoại chỉ gồm chữ số, ví dụ 0912 345 678"),
    "identity_email_invalid": _("Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com"),
    "identity_id_invalid": _("Nhập số CMND gồm 9 chữ số hoặc số CCCD gồm 12 chữ số"),
    "too_many_photos": _("Chọn tối đa 6 ảnh"),
}
# The same code on different fields.
FIELD_MESSAGES = {
    ("product_name", "required"): _("Nhập tên sản phẩm"),
    ("seller_name", "required"): _("Nhập tên cửa hàng hoặc người bán"),
    ("body", "required"): _("Nhập nội dung trả lời, hoặc chọn ảnh để gửi"),
}


def add_filing_errors(form, exc) -> None:
    """A service's error on a public form: each field error on its field, saying what to
    do; the rest (too many requests, overload) on the whole form."""
    rendered = exc.render_errors()
    if not rendered:
        form.add_error(None, exc.render())
        return
    for field, errors in rendered.items():
        for error in errors:
            message = (
                FIELD_MESSAGES.get((field, error["code"]))
                or FILING_MESSAGES.get(error["code"])
                or error["message"]
            )
            form.add_error(field if field in form.fields else None, message)


# The reporter's identity: sealed in the vault (whistleblower), never shown to the
# officers who handle the report.
def _name_field(label=None):
    return forms.CharField(
        label=label or _("Họ và tên"),
        max_length=150,
        required=False,
        error_messages=_say(max_length=_("Rút gọn họ và tên, tối đa 150 ký tự")),
    )


def _phone_field():
    return forms.CharField(
        label=_("Số điện thoại"),
        max_length=30,
        required=False,
        error_messages=_say(max_length=_("Nhập số điện thoại chỉ gồm chữ số, ví dụ 0912 345 678")),
    )


def _email_field():
    return forms.EmailField(
        label=_("Thư điện tử"),
        max_length=200,
        required=False,
        error_messages=_say(
            invalid=_("Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com"),
            max_length=_("Rút gọn địa chỉ thư điện tử, tối đa 200 ký tự"),
        ),
    )


def _id_number_field():
    return forms.CharField(
        label=_("Số CCCD/CMND"),
        max_length=20,
        required=False,
        error_messages=_say(max_length=_("Nhập số CMND gồm 9 chữ số hoặc số CCCD gồm 12 chữ số")),
    )


class ReportForm(forms.Form):
    """The public filing page. Photos are read from request.FILES.getlist("photos");
    every check that matters is in complaints.services.complaint_submit.

    The fields are declared in the order of the page (its four steps), so that the error
    summary at the top lists the errors in that order."""

    # Step 1: the product.
    product_name = forms.CharField(
        label=_("Tên sản phẩm"),
        max_length=300,
        error_messages=_say(
            required=_("Nhập tên sản phẩm"),
            max_length=_("Rút gọn tên sản phẩm, tối đa 300 ký tự"),
        ),
    )
    product_brand = forms.CharField(
        label=_("Nhãn hiệu"),
        max_length=200,
        required=False,
        error_messages=_say(max_length=_("Rút gọn nhãn hiệu, tối đa 200 ký tự")),
    )
    product_gtin = forms.CharField(
        label=_("Mã vạch"),
        max_length=20,
        required=False,
        help_text=_("Dãy số dưới vạch đen trên bao bì."),
        error_messages=_say(
            max_length=_(
                "Nhập dãy số dưới mã vạch (8, 12, 13 hoặc 14 chữ số), hoặc để trống ô mã vạch"
            )
        ),
    )
    product_batch = forms.CharField(
        label=_("Số lô"),
        max_length=100,
        required=False,
        error_messages=_say(max_length=_("Rút gọn số lô, tối đa 100 ký tự")),
    )
    product_category = forms.ModelChoiceField(
        label=_("Nhóm sản phẩm"),
        queryset=ProductCategory.objects.all(),
        required=False,
        error_messages=_say(invalid_choice=_("Chọn nhóm sản phẩm trong danh sách")),
    )
    # Step 2: where it was sold.
    seller_name = forms.CharField(
        label=_("Tên cửa hàng, người bán"),
        max_length=300,
        error_messages=_say(
            required=_("Nhập tên cửa hàng hoặc người bán"),
            max_length=_("Rút gọn tên cửa hàng, tối đa 300 ký tự"),
        ),
    )
    seller_address = forms.CharField(
        label=_("Địa chỉ cửa hàng"),
        max_length=400,
        required=False,
        error_messages=_say(max_length=_("Rút gọn địa chỉ cửa hàng, tối đa 400 ký tự")),
    )
    seller_url = forms.URLField(
        label=_("Địa chỉ trang bán hàng trên mạng"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages=_say(
            invalid=_(
                "Nhập địa chỉ trang bán hàng bắt đầu bằng https://, "
                "ví dụ https://shopee.vn/ten-cua-hang"
            ),
            max_length=_("Rút gọn địa chỉ trang bán hàng, tối đa 500 ký tự"),
        ),
    )
    seller_tax_code = forms.CharField(
        label=_("Mã số thuế người bán (nếu biết)"),
        max_length=20,
        required=False,
        error_messages=_say(
            max_length=_(
                "Nhập mã số thuế gồm 10 chữ số (hoặc 13 chữ số, ví dụ 0100233488-001), "
                "hoặc để trống nếu không biết"
            )
        ),
    )
    seller_province = ProvinceChoiceField(
        label=_("Tỉnh, thành phố"),
        queryset=Province.objects.all(),
        required=False,
        error_messages=_say(invalid_choice=_("Chọn tỉnh, thành phố trong danh sách")),
    )
    # Step 3: what happened.
    kind = forms.ChoiceField(
        label=_("Loại phản ánh"),
        choices=Complaint.Kind.choices,
        error_messages=_say(
            required=_("Chọn loại phản ánh"), invalid_choice=_("Chọn loại phản ánh")
        ),
    )
    purchase_date = forms.DateField(
        label=_("Ngày mua"),
        required=False,
        input_formats=DATE_INPUTS,
        # Typed as people write it (a date picker shows the browser's own order, often
        # month first).
        widget=forms.DateInput(format="%d/%m/%Y"),
        error_messages=_say(invalid=_("Nhập ngày mua theo ngày/tháng/năm, ví dụ 15/03/2025")),
    )
    description = forms.CharField(
        label=_("Nội dung phản ánh"),
        max_length=5000,
        widget=forms.Textarea,
        error_messages=_say(
            required=_("Mô tả sự việc bạn gặp, ít nhất 10 ký tự"),
            max_length=_("Rút gọn nội dung phản ánh, tối đa 5000 ký tự"),
        ),
    )
    photos = MultipleFileField(
        label=_("Ảnh chụp (tối đa 6 ảnh, mỗi ảnh 15 MB)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES}),
        error_messages=_say(invalid=_("Chọn lại ảnh: tệp đã chọn không đọc được")),
    )
    # Step 4: who reports (optional, sealed).
    identity_full_name = _name_field()
    identity_phone = _phone_field()
    identity_email = _email_field()
    identity_id_number = _id_number_field()
    # A honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(required=False, label=_("Để trống ô này"))

    def clean_purchase_date(self):
        value = self.cleaned_data.get("purchase_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Nhập ngày mua là hôm nay hoặc một ngày trước đó"))
        return value


class IntakeForm(ReportForm):
    """A report taken by a complaint officer on the phone (hotline) or at the desk
    (counter): the public form's fields and the channel; the caller's identity is sealed
    as a citizen's is."""

    channel = forms.ChoiceField(
        label=_("Người dân phản ánh qua"),
        choices=[
            (Complaint.Channel.HOTLINE, _("Điện thoại (đường dây nóng)")),
            (Complaint.Channel.COUNTER, _("Trực tiếp tại cơ quan")),
        ],
        error_messages=_say(
            required=_("Chọn người dân phản ánh qua điện thoại hay trực tiếp"),
            invalid_choice=_("Chọn người dân phản ánh qua điện thoại hay trực tiếp"),
        ),
    )
    identity_full_name = _name_field(_("Họ và tên người phản ánh"))
    website = None  # no honeypot: the officer is signed in

    field_order = ["channel"]


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages=_say(
            required=_("Nhập mã tra cứu bạn nhận được khi gửi phản ánh"),
            max_length=_("Nhập mã tra cứu gồm 5 nhóm, mỗi nhóm 4 ký tự"),
        ),
    )


class ReplyForm(ReceiptForm):
    body = forms.CharField(
        label=_("Nội dung trả lời"),
        max_length=5000,
        required=False,
        widget=forms.Textarea,
        error_messages=_say(max_length=_("Rút gọn nội dung trả lời, tối đa 5000 ký tự")),
    )
    photos = MultipleFileField(
        label=_("Thêm ảnh"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": PHOTO_TYPES}),
        error_messages=_say(invalid=_("Chọn lại ảnh: tệp đã chọn không đọc được")),
    )
    identity_full_name = _name_field()
    identity_phone = _phone_field()
    identity_email = _email_field()
    identity_id_number = _id_number_field()
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=60)


class ProofForm(forms.Form):
    proof_file = forms.FileField(
        label=_("Tệp bằng chứng (.json)"),
        required=False,
        error_messages=_say(invalid=_("Chọn lại tệp bằng chứng: tệp đã chọn không đọc được")),
    )
    proof_text = forms.CharField(
        label=_("Hoặc dán nội dung tệp"), required=False, widget=forms.Textarea
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("proof_file") and not data.get("proof_text"):
            self.add_error(
                "proof_file",
                _("Chọn tệp bằng chứng đã tải về khi gửi phản ánh, hoặc dán nội dung tệp"),
            )
        return data
