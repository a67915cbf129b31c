from django.db import migrations

# Version 1 of each scope's checklist. Admins publish later versions; findings keep the
# item (and so the version) they answered.
TEMPLATES = {
    "label": (
        "Nhãn hàng hóa và tài liệu kèm theo",
        "Nghị định về nhãn hàng hóa; Thông tư 01/2024/TT-BKHCN",
        [
            ("mandatory_content", "Nhãn có đủ nội dung bắt buộc: tên hàng hóa, tổ chức chịu trách nhiệm, xuất xứ"),
            ("vietnamese_label", "Hàng nhập khẩu có nhãn phụ bằng tiếng Việt"),
            ("dates", "Ngày sản xuất, hạn sử dụng ghi rõ và còn hạn"),
            ("quantity_on_label", "Định lượng ghi trên nhãn"),
            ("documents", "Tài liệu kèm theo: hướng dẫn sử dụng, bảo hành, cảnh báo"),
        ],
    ),
    "goods_quality": (
        "Chất lượng hàng hóa lưu thông trên thị trường",
        "Thông tư 01/2024/TT-BKHCN",
        [
            ("declared_standard", "Tiêu chuẩn công bố áp dụng"),
            ("cr_mark", "Công bố hợp quy và dấu hợp quy CR (hàng hóa nhóm 2)"),
            ("barcode_traceability", "Mã vạch và truy xuất nguồn gốc"),
            ("qcvn_conformity", "Phù hợp quy chuẩn kỹ thuật (QCVN) tương ứng"),
            ("ecommerce_listing", "Thông tin trên sàn thương mại điện tử đúng với hàng thực tế (đường dẫn, ảnh màn hình)"),
        ],
    ),
    "metrology": (
        "Phương tiện đo",
        "Thông tư 28/2013/TT-BKHCN (sửa đổi, bổ sung)",
        [
            ("instrument_group", "Phương tiện đo thuộc Danh mục phương tiện đo nhóm 2"),
            ("pattern_approval", "Có quyết định phê duyệt mẫu"),
            ("verification_seal", "Tem, dấu, giấy chứng nhận kiểm định còn hiệu lực"),
            ("error_vs_mpe", "Sai số không vượt sai số lớn nhất cho phép"),
        ],
    ),
    "prepackaged_quantity": (
        "Lượng của hàng đóng gói sẵn",
        "Thông tư 21/2014/TT-BKHCN",
        [
            ("quantity_stated", "Định lượng ghi đúng quy định trên nhãn"),
            ("e_mark", "Dấu định lượng (nếu có) đúng quy định"),
            ("lot_quantity", "Lượng thực của lô so với lượng danh định (hệ thống tính theo Thông tư 21/2014)"),
        ],
    ),
}


def seed(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    for scope, (title, basis, items) in TEMPLATES.items():
        template, _ = Template.objects.get_or_create(
            scope=scope, version=1, defaults={"title": title, "legal_basis": basis}
        )
        for order, (code, text) in enumerate(items, start=1):
            Item.objects.get_or_create(template=template, code=code, defaults={"text": text, "order": order})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_findings")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
