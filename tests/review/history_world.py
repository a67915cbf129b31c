"""A product and its seller with reports, samples, records and alerts in two provinces
(Hà Nội, unit 01, and Hồ Chí Minh City, unit 79), for the history and search tests."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from inspections.models import Inspection, Sample, SampleResult
from tests.complaints.helpers import file_complaint
from tests.factories import OperatorFactory, ProductFactory, unit
from violations.models import ProductAlert, ViolationRecord


@dataclass
class HistoryWorld:
    product: object
    operator: object
    hn_report: object
    hcm_reports: list
    hn_inspection: object
    hcm_inspection: object
    hn_sample: object
    hcm_sample: object
    hcm_record: object
    alert: object
    withdrawn: object


def inspection(*, unit_code: str, operator, by, number: str) -> Inspection:
    return Inspection.objects.create(
        unit=unit(unit_code),
        operator=operator,
        legal_ground=Inspection.LegalGround.WARNING,
        scopes=["goods_quality"],
        decision_number=number,
        decision_date=date(2026, 3, 2),
        status=Inspection.Status.CONCLUDED,
        created_by=by,
    )


def sample(*, inspection, product, by, seal: str, conforming, days_ago: int) -> Sample:
    made = Sample.objects.create(
        inspection=inspection,
        product=product,
        product_name=product.name,
        batch="L01",
        test_unit_seal=f"T-{seal}",
        retained_unit_seal=f"R-{seal}",
        sampling_record_number=f"{seal}/BBLM",
        sampled_at=timezone.now() - timedelta(days=days_ago),
        sampled_by=by,
        status=Sample.Status.TESTED,
        conforming=conforming,
        test_report_number=f"KQ-{seal}",
        result_on=timezone.localdate() - timedelta(days=days_ago - 3),
    )
    SampleResult.objects.create(
        sample=made,
        criterion="Hàm lượng nitơ tổng",
        unit="g/l",
        limit_min=10,
        measured=12 if conforming else 6,
        passed=bool(conforming),
    )
    return made


def build(*, bob, charlie) -> HistoryWorld:
    product = ProductFactory(name="Nước mắm cá cơm Hạnh Phúc", brand="Hạnh Phúc")
    operator = OperatorFactory(name="Công ty TNHH Nước mắm Hạnh Phúc")
    gtin = product.gtin
    hn_report = file_complaint(
        network_key="hn", product_gtin=gtin, description="Nước mắm có mùi lạ."
    ).complaint
    hcm_reports = [
        file_complaint(
            province_code="79",
            network_key=f"hcm{n}",
            # The barcode as a scanner gives it: GTIN-14, with its leading zero.
            product_gtin="0" + gtin,
            product_name="Nước mắm bí mật HCM",
            seller_name="Tạp hóa Bí Mật",
            seller_tax_code=operator.tax_code,
            description="Nội dung mật của phản ánh ở Hồ Chí Minh.",
        ).complaint
        for n in range(2)
    ]
    hn = inspection(unit_code="01", operator=operator, by=bob, number="05/QĐ-HN")
    hcm = inspection(unit_code="79", operator=operator, by=charlie, number="77/QĐ-HCM")
    hcm.complaints.add(hcm_reports[0])
    hn_sample = sample(
        inspection=hn, product=product, by=bob, seal="HN1", conforming=True, days_ago=40
    )
    hcm_sample = sample(
        inspection=hcm, product=product, by=charlie, seal="HCM1", conforming=False, days_ago=20
    )
    record = ViolationRecord.objects.create(
        inspection=hcm,
        number="9/BB-VPHC-HCM",
        violator=operator,
        place="Quận 1",
        status=ViolationRecord.Status.SIGNED,
        signed_at=timezone.now() - timedelta(days=10),
        created_by=charlie,
    )
    ViolationRecord.objects.create(  # a draft is not yet a record: never counted
        inspection=hcm, violator=operator, place="Quận 1", created_by=charlie
    )
    alert = ProductAlert.objects.create(
        inspection=hcm,
        product_name=product.name,
        brand=product.brand,
        barcode=gtin,
        operator_name=operator.name,
        defect="Hàm lượng nitơ tổng 6 g/l, thấp hơn mức tối thiểu 10 g/l.",
        published_on=timezone.localdate() - timedelta(days=5),
        published_by=charlie,
    )
    withdrawn = ProductAlert.objects.create(
        inspection=hcm,
        product_name=product.name,
        barcode=gtin,
        operator_name=operator.name,
        defect="Cảnh báo đã gỡ, nội dung mật.",
        published_on=timezone.localdate() - timedelta(days=8),
        published_by=charlie,
        status=ProductAlert.Status.WITHDRAWN,
        withdrawal_reason="Nhầm lô",
    )
    return HistoryWorld(
        product=product,
        operator=operator,
        hn_report=hn_report,
        hcm_reports=hcm_reports,
        hn_inspection=hn,
        hcm_inspection=hcm,
        hn_sample=hn_sample,
        hcm_sample=hcm_sample,
        hcm_record=record,
        alert=alert,
        withdrawn=withdrawn,
    )
