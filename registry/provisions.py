"""The catalogue of sanctionable acts, as loaded from JSON (registry/data/legal_provisions.json
or a file prepared by the authority's legal staff from the official text)."""

from django.utils.translation import gettext_lazy as _

# Codes used in the catalogue and, later, in penalty decisions.
ADDITIONAL_PENALTIES = {
    "confiscation": _("Tịch thu tang vật vi phạm"),
    "license_suspension": _("Tước quyền sử dụng giấy phép, chứng chỉ có thời hạn"),
    "activity_suspension": _("Đình chỉ hoạt động có thời hạn"),
    "certificate_revocation": _("Thu hồi giấy chứng nhận"),
}
REMEDIAL_MEASURES = {
    "recall": _("Buộc thu hồi sản phẩm, hàng hóa"),
    "destruction": _("Buộc tiêu hủy"),
    "relabel": _("Buộc ghi nhãn lại, sửa đổi nhãn"),
    "re_export": _("Buộc tái xuất"),
    "change_use": _("Buộc chuyển đổi mục đích sử dụng"),
    "remove_mark": _("Buộc loại bỏ dấu hợp chuẩn, hợp quy"),
    "remove_label": _("Buộc loại bỏ nhãn vi phạm"),
    "recover_unlawful_profit": _("Buộc nộp lại số lợi bất hợp pháp"),
    "correct_information": _("Buộc cải chính thông tin sai sự thật"),
    "recalibrate_instrument": _("Buộc kiểm định, hiệu chuẩn lại phương tiện đo"),
}
FIELDS = (
    "standards",
    "goods_quality",
    "label",
    "metrology",
    "prepackaged_quantity",
    "inspection_obstruction",
)
REQUIRED = (
    "code",
    "decree",
    "article",
    "clause",
    "field",
    "title_vi",
    "act_vi",
    "fine_min_vnd",
    "fine_max_vnd",
)


def provision_defaults(item: dict) -> dict:
    """Check one catalogue item and return the model fields it sets (code excluded).

    Raises ValueError naming what is wrong, so that a file is loaded whole or not at all.
    """
    missing = [key for key in REQUIRED if item.get(key) in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if item["field"] not in FIELDS:
        raise ValueError(f"field {item['field']!r} is not one of {', '.join(FIELDS)}")
    for key in ("article", "clause", "fine_min_vnd", "fine_max_vnd"):
        if not isinstance(item[key], int) or isinstance(item[key], bool) or item[key] < 0:
            raise ValueError(f"{key} must be a whole number, not {item[key]!r}")
    if item["fine_min_vnd"] > item["fine_max_vnd"] or item["fine_max_vnd"] == 0:
        raise ValueError(
            "fine_min_vnd must not exceed fine_max_vnd, and fine_max_vnd must be above 0"
        )
    for key, allowed in (
        ("additional_penalties", ADDITIONAL_PENALTIES),
        ("remedial_measures", REMEDIAL_MEASURES),
    ):
        unknown = set(item.get(key) or []) - set(allowed)
        if unknown:
            raise ValueError(f"{key} has unknown codes {sorted(unknown)}")
    return {
        "decree": item["decree"],
        "amended_by": item.get("amended_by") or "",
        "article": item["article"],
        "clause": item["clause"],
        "point": item.get("point") or "",
        "field": item["field"],
        "title": item["title_vi"],
        "title_en": item.get("title_en") or "",
        "act": item["act_vi"],
        "act_en": item.get("act_en") or "",
        "fine_min_vnd": item["fine_min_vnd"],
        "fine_max_vnd": item["fine_max_vnd"],
        "fine_note": item.get("fine_note_vi") or "",
        "additional_penalties": list(item.get("additional_penalties") or []),
        "remedial_measures": list(item.get("remedial_measures") or []),
        "verified": bool(item.get("verified")),
        "source": item.get("source") or "",
    }
