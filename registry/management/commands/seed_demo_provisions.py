"""Demo provisions for `make run`: a small catalogue that lets the demo's violation
handling run (labels, conformity marks, quality against QCVN, measurement, prepackaged
quantity), entered by the demo legal officer phapche.tw and verified by a second one,
doichieu.tw, through the same services as the pages.

Everything here is DEMO DATA: the documents are marked "DEMO-" and the figures are made
up for the demonstration, not read from the decree. The real catalogue is entered and
verified by the authority's legal staff (/provisions/). Runs after `seed_demo`;
development only, and never in the production profile."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry import provisions
from registry.models import LegalDocument, LegalProvision, User

SOURCE = (
    "DỮ LIỆU MẪU cho bản trình diễn: nội dung và mức phạt là giả định, không đối chiếu "
    "với văn bản gốc; không dùng để xử phạt thật."
)
DOCUMENTS = [
    # (number, issued, title)
    (
        "DEMO-119/2017/NĐ-CP",
        date(2017, 11, 1),
        "Văn bản mẫu (mô phỏng Nghị định quy định xử phạt vi phạm hành chính trong lĩnh vực "
        "tiêu chuẩn, đo lường và chất lượng sản phẩm, hàng hóa)",
    ),
    (
        "DEMO-126/2021/NĐ-CP",
        date(2021, 12, 30),
        "Văn bản mẫu (mô phỏng Nghị định sửa đổi, bổ sung các Nghị định xử phạt vi phạm "
        "hành chính)",
    ),
]
ORIGINAL, AMENDMENT = "DEMO-119/2017/NĐ-CP", "DEMO-126/2021/NĐ-CP"

# (code, field, article, clause, point, title, act, individual fine range,
#  additional penalties, remedial measures); all in force from 01/01/2018.
PROVISIONS = [
    (
        "DEMO-NHAN-1",
        "label",
        31,
        1,
        "a",
        "Vi phạm quy định về nhãn hàng hóa (mẫu)",
        "Kinh doanh hàng hóa có nhãn không ghi đủ nội dung bắt buộc theo quy định.",
        (1_000_000, 3_000_000),
        [],
        ["relabel"],
    ),
    (
        "DEMO-HOPQUY-1",
        "goods_quality",
        21,
        2,
        "b",
        "Vi phạm quy định về dấu hợp quy (mẫu)",
        "Sử dụng dấu hợp quy (CR) trên hàng hóa chưa được công bố hợp quy.",
        (10_000_000, 20_000_000),
        [],
        ["remove_mark"],
    ),
    (
        "DEMO-CL-QCVN-1",
        "goods_quality",
        23,
        3,
        "",
        "Vi phạm về chất lượng hàng hóa lưu thông trên thị trường (mẫu)",
        "Kinh doanh hàng hóa không phù hợp quy chuẩn kỹ thuật tương ứng (kết quả thử "
        "nghiệm mẫu không đạt).",
        (5_000_000, 10_000_000),
        ["confiscation"],
        ["recall", "destruction"],
    ),
    (
        "DEMO-DL-1",
        "metrology",
        8,
        1,
        "a",
        "Vi phạm về phương tiện đo (mẫu)",
        "Sử dụng phương tiện đo nhóm 2 chưa được kiểm định hoặc đã hết hiệu lực kiểm định.",
        (3_000_000, 5_000_000),
        [],
        ["recalibrate_instrument"],
    ),
    (
        "DEMO-DL-2",
        "metrology",
        10,
        2,
        "",
        "Gian lận về đo lường khi mua bán (mẫu)",
        "Cân, đong, đo thiếu cho người mua vượt quá giới hạn sai số cho phép.",
        (10_000_000, 15_000_000),
        [],
        ["recover_unlawful_profit"],
    ),
    (
        "DEMO-DGS-1",
        "prepackaged_quantity",
        12,
        1,
        "",
        "Vi phạm về lượng của hàng đóng gói sẵn (mẫu)",
        "Kinh doanh hàng đóng gói sẵn có lượng thiếu vượt quá giới hạn cho phép.",
        (5_000_000, 10_000_000),
        [],
        ["recover_unlawful_profit", "relabel"],
    ),
]
# The label provision was amended from 01/01/2022 (a new version with higher fines), so
# the demo shows a violation judged under the version in force on the day of the act.
LABEL_AMENDED = (date(2022, 1, 1), (2_000_000, 5_000_000))


class Command(BaseCommand):
    help = "Load the demo catalogue of provisions, entered and verified by two demo users."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo_provisions refuses to run with APP_PROFILE=production.")
        if LegalProvision.objects.filter(is_demo=True).exists():
            self.stdout.write("Demo provisions: already there (/provisions/).")
            return
        enterer = User.objects.get(username="phapche.tw")
        verifier = User.objects.get(username="doichieu.tw")
        with transaction.atomic():
            documents = {
                number: LegalDocument.objects.filter(number=number).first()
                or provisions.document_create(
                    by=enterer,
                    kind=LegalDocument.Kind.DECREE,
                    number=number,
                    issued_on=issued,
                    title=title,
                    issuer="Chính phủ (mẫu)",
                )
                for number, issued, title in DOCUMENTS
            }
            made = {}
            for (
                code,
                field,
                article,
                clause,
                point,
                title,
                act,
                fines,
                extra,
                measures,
            ) in PROVISIONS:
                content = {
                    "code": code,
                    "document": documents[ORIGINAL],
                    "amending_document": None,
                    "article": article,
                    "clause": clause,
                    "point": point,
                    "field": field,
                    "title": title,
                    "act": act,
                    "fine_min_vnd": fines[0],
                    "fine_max_vnd": fines[1],
                    "additional_penalties": extra,
                    "remedial_measures": measures,
                    "fine_note": "Mức phạt mẫu, không phải mức của văn bản thật.",
                    "valid_from": date(2018, 1, 1),
                    "source": SOURCE,
                }
                made[code] = self._enter_and_verify(enterer, verifier, content)
            start, (low, high) = LABEL_AMENDED
            old = made["DEMO-NHAN-1"]
            amended = {
                **provisions.content_of(old),
                "amending_document": documents[AMENDMENT],
                "fine_min_vnd": low,
                "fine_max_vnd": high,
                "valid_from": start,
                "valid_to": None,
            }
            self._enter_and_verify(enterer, verifier, amended, replaces=old)
        self.stdout.write(
            f"Demo provisions: {len(PROVISIONS) + 1} versions entered by phapche.tw and "
            "verified by doichieu.tw (demo data); see /provisions/."
        )

    @staticmethod
    def _enter_and_verify(enterer, verifier, content, replaces=None):
        provision = provisions.provision_create(
            by=enterer, fields=content, replaces=replaces, is_demo=True, notify=False
        )
        return provisions.provision_verify(
            by=verifier,
            provision=provision,
            note="Dữ liệu mẫu: xác minh cho bản trình diễn.",
            notify=False,
        )
