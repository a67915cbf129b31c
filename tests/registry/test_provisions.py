import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from registry.models import AuditEntry, LegalProvision

ITEM = {
    "code": "TEST-Đ13-K2-a",
    "decree": "119/2017/NĐ-CP",
    "amended_by": "126/2021/NĐ-CP",
    "article": 13,
    "clause": 2,
    "point": "a",
    "field": "prepackaged_quantity",
    "title_vi": "Vi phạm quy định về lượng của hàng đóng gói sẵn",
    "title_en": "Violations on the quantity of prepackaged goods",
    "act_vi": "Lượng thiếu vượt quá giới hạn cho phép",
    "act_en": "Quantity short beyond the permitted limit",
    "fine_min_vnd": 5_000_000,
    "fine_max_vnd": 10_000_000,
    "additional_penalties": [],
    "remedial_measures": ["recall"],
    "verified": True,
    "source": "test",
}


def load(tmp_path, items, **options):
    path = tmp_path / "provisions.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    call_command("provisions_import", str(path), **options)


def test_a_checked_file_is_loaded_and_audited(tmp_path, alice):
    load(tmp_path, [ITEM], by="alice")
    provision = LegalProvision.objects.get(code=ITEM["code"])
    assert provision.fine_range(organisation=True) == (10_000_000, 20_000_000)
    assert provision.citation.startswith("điểm a khoản 2 Điều 13 Nghị định 119/2017/NĐ-CP")
    assert AuditEntry.objects.filter(
        action="provision.create", target_id=str(provision.pk)
    ).exists()


def test_a_change_is_audited_with_its_diff(tmp_path, alice):
    load(tmp_path, [ITEM], by="alice")
    load(tmp_path, [{**ITEM, "fine_max_vnd": 12_000_000}], by="alice")
    entry = AuditEntry.objects.get(action="provision.change")
    assert entry.changes == {"fine_max_vnd": 12_000_000}
    load(tmp_path, [{**ITEM, "fine_max_vnd": 12_000_000}], by="alice")
    assert AuditEntry.objects.filter(action="provision.change").count() == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"fine_min_vnd": 20_000_000}, "must not exceed"),
        ({"field": "food"}, "field 'food'"),
        ({"remedial_measures": ["jail"]}, "unknown codes"),
        ({"article": "13"}, "whole number"),
        ({"act_vi": ""}, "missing act_vi"),
    ],
)
def test_one_bad_item_loads_nothing(tmp_path, alice, bad, message):
    good = {**ITEM, "code": "TEST-OK"}
    with pytest.raises(CommandError, match=message):
        load(tmp_path, [good, {**ITEM, **bad}], by="alice")
    assert not LegalProvision.objects.filter(code__startswith="TEST").exists()


def test_a_dry_run_stores_nothing(tmp_path, alice):
    load(tmp_path, [ITEM], by="alice", dry_run=True)
    assert not LegalProvision.objects.filter(code=ITEM["code"]).exists()
    assert not AuditEntry.objects.exists()


def test_seeded_provisions_are_marked_unverified(db):
    """The seeded rows come from secondary sources (registry/data/SOURCES.md)."""
    assert LegalProvision.objects.exists()
    assert not LegalProvision.objects.filter(verified=True).exists()
