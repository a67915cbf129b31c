"""The sheet `huong_dan` of the catalogue's XLSX: what each column means.

Written in Vietnamese whatever the interface language, as the legal staff read and fill
the file (and so that the same catalogue gives the same workbook)."""

from django.utils import translation

from registry.models import LegalDocument, LegalProvision
from registry.provisions import ADDITIONAL_PENALTIES, REMEDIAL_MEASURES

REQUIRED, OPTIONAL, IGNORED = "Bắt buộc", "Không bắt buộc", "Bỏ qua khi nhập"

NOTES = [
    "Tệp gồm trang “documents” (văn bản pháp luật) và trang “provisions” (các phiên bản "
    "điều khoản xử phạt). Dòng đầu mỗi trang là tên cột, giữ nguyên như mẫu; mỗi dòng sau "
    "là một văn bản hoặc một phiên bản.",
    "Khi nhập, mọi dòng được kiểm tra trước và hiện để xem lại; chỉ cần một dòng lỗi là "
    "không nhập gì. Phiên bản nhập vào chờ một cán bộ pháp chế khác xác minh; nhập tệp "
    "không bao giờ xác minh.",
    "Một phiên bản được nhận biết bằng mã (code) và ngày có hiệu lực (valid_from). Dòng "
    "trùng hoàn toàn với phiên bản đã có thì không làm gì; phiên bản chờ xác minh hoặc bị "
    "trả lại thì được sửa theo tệp; phiên bản đã xác minh không được sửa: hãy thêm một dòng "
    "cùng mã, ngày có hiệu lực mới và replaces_valid_from.",
    "Ngày: ô kiểu ngày, hoặc chữ dạng YYYY-MM-DD hay dd/mm/yyyy. Số tiền: số nguyên đồng, "
    "ví dụ 10000000 hoặc 10.000.000. Danh sách mã: các mã cách nhau bằng dấu phẩy.",
    "Ô chữ bắt đầu bằng dấu = được ghi thêm dấu ' ở đầu để bảng tính không chạy như công "
    "thức; khi nhập, dấu ' đó được bỏ đi. Không dùng công thức trong tệp nhập.",
]


def _choices(pairs) -> str:
    with translation.override("vi"):
        return "; ".join(f"{value} ({label})" for value, label in pairs)


def guide_rows() -> list[list[str]]:
    documents = [
        (
            "number",
            "Số, ký hiệu văn bản, ví dụ 119/2017/NĐ-CP. Trang provisions gọi văn bản "
            "bằng số này. Văn bản đã có trong hệ thống phải khớp loại, ngày ban hành, trích yếu "
            "và cơ quan ban hành; văn bản chưa có sẽ được thêm.",
            REQUIRED,
        ),
        ("kind", "Loại văn bản: " + _choices(LegalDocument.Kind.choices) + ".", REQUIRED),
        ("issued_on", "Ngày ban hành.", REQUIRED),
        ("title", "Trích yếu.", REQUIRED),
        ("issuer", "Cơ quan ban hành, ví dụ Chính phủ.", REQUIRED),
        ("url", "Địa chỉ văn bản trên mạng.", OPTIONAL),
    ]
    provisions = [
        (
            "code",
            "Mã điều khoản: giữ nguyên qua các phiên bản của cùng một hành vi; chỉ gồm "
            "chữ, số và các dấu . / - _.",
            REQUIRED,
        ),
        (
            "document",
            "Số văn bản quy định hành vi (có trong hệ thống hoặc ở trang documents).",
            REQUIRED,
        ),
        ("amending_document", "Số văn bản sửa đổi, bổ sung; để trống nếu không có.", OPTIONAL),
        ("article", "Điều (số nguyên dương).", REQUIRED),
        ("clause", "Khoản (số nguyên dương).", REQUIRED),
        (
            "point",
            "Điểm: một chữ cái thường a, b, c, d, đ, e…; để trống nếu là cả khoản.",
            OPTIONAL,
        ),
        ("field", "Lĩnh vực: " + _choices(LegalProvision.Field.choices) + ".", REQUIRED),
        ("title", "Tên điều.", REQUIRED),
        ("title_en", "Tên điều bằng tiếng Anh.", OPTIONAL),
        ("act", "Hành vi vi phạm, như văn bản ghi.", REQUIRED),
        ("act_en", "Hành vi vi phạm bằng tiếng Anh.", OPTIONAL),
        ("fine_min_vnd", "Mức phạt tối thiểu với cá nhân (đồng).", REQUIRED),
        (
            "fine_max_vnd",
            "Mức phạt tối đa với cá nhân (đồng). Tổ chức bị phạt gấp đôi, trừ "
            "ngoại lệ ghi ở hai cột sau.",
            REQUIRED,
        ),
        (
            "organisation_fine_min_vnd",
            "Chỉ ghi khi văn bản quy định mức phạt riêng với tổ chức "
            "(ngoại lệ của quy tắc gấp đôi): mức tối thiểu (đồng). Để trống nếu không.",
            OPTIONAL,
        ),
        (
            "organisation_fine_max_vnd",
            "Mức tối đa của ngoại lệ trên (đồng); ghi cả hai mức hoặc để trống cả hai.",
            OPTIONAL,
        ),
        (
            "organisation_fine_basis",
            "Căn cứ của ngoại lệ (điều, khoản quy định mức phạt với tổ "
            "chức); bắt buộc khi có ngoại lệ.",
            OPTIONAL,
        ),
        ("fine_note", "Ghi chú về mức phạt.", OPTIONAL),
        (
            "additional_penalties",
            "Mã hình thức xử phạt bổ sung: " + _choices(ADDITIONAL_PENALTIES.items()) + ".",
            OPTIONAL,
        ),
        (
            "remedial_measures",
            "Mã biện pháp khắc phục hậu quả: " + _choices(REMEDIAL_MEASURES.items()) + ".",
            OPTIONAL,
        ),
        ("valid_from", "Ngày phiên bản có hiệu lực.", REQUIRED),
        (
            "valid_to",
            "Ngày cuối cùng phiên bản còn hiệu lực; để trống nếu đang có hiệu lực.",
            OPTIONAL,
        ),
        (
            "replaces_valid_from",
            "Với phiên bản sửa đổi: ngày có hiệu lực (valid_from) của phiên "
            "bản cùng mã, đã xác minh, mà phiên bản này thay thế. Để trống với điều khoản mới.",
            OPTIONAL,
        ),
        ("source", "Nguồn đối chiếu: văn bản và trang đã đối chiếu.", REQUIRED),
        ("source_url", "Địa chỉ của nguồn đối chiếu.", OPTIONAL),
        (
            "status",
            "Trạng thái: pending (chờ xác minh), verified (đã xác minh), returned (bị trả lại).",
            IGNORED,
        ),
        ("entered_by", "Tên đăng nhập của người nhập.", IGNORED),
        ("verified_by", "Tên đăng nhập của người xác minh.", IGNORED),
        ("verified_at", "Thời điểm xác minh.", IGNORED),
        ("is_demo", "Dữ liệu mẫu (TRUE/FALSE).", IGNORED),
    ]
    rows = [["Trang tính", "Cột", "Ý nghĩa", "Khi nhập"]]
    rows += [["", "", note, ""] for note in NOTES]
    rows += [["documents", key, meaning, use] for key, meaning, use in documents]
    rows += [["provisions", key, meaning, use] for key, meaning, use in provisions]
    return rows
