"""Vietnamese dictionary order (registry/text.py): letters with a breve, circumflex or
horn and đ are letters of their own, tones only break ties. Provinces are listed that
way on the public form, the public statistics and the national notice overview."""

import random

import pytest

from complaints.forms import ReportForm
from registry.models import Province
from registry.text import place_key, vietnamese_key

# The 34 provinces since 2025, in the order of a Vietnamese dictionary.
PROVINCES = [
    "An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Nội", "Hà Tĩnh", "Hải Phòng",
    "Hồ Chí Minh", "Huế", "Hưng Yên", "Khánh Hòa", "Lai Châu", "Lạng Sơn", "Lào Cai",
    "Lâm Đồng", "Nghệ An", "Ninh Bình", "Phú Thọ", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sơn La", "Tây Ninh", "Thái Nguyên", "Thanh Hóa", "Tuyên Quang", "Vĩnh Long",
]  # fmt: skip


def test_dictionary_order_of_the_provinces():
    shuffled = PROVINCES[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=vietnamese_key) == PROVINCES
    # Python's own order is not it: Đ after V, à after o.
    assert sorted(PROVINCES) != PROVINCES


@pytest.mark.parametrize(
    "first, second",
    [
        ("ma", "mà"),  # no tone, then grave
        ("mà", "mả"),  # grave, hook
        ("mả", "mã"),  # hook, tilde
        ("mã", "má"),  # tilde, acute
        ("má", "mạ"),  # acute, dot below
        ("mạ", "mă"),  # ă is a letter after a, whatever the tone
        ("mă", "mâ"),
        ("dz", "đa"),  # đ is a letter after d
        ("ou", "ơ"),  # ơ after o
        ("uz", "ư"),
    ],
)
def test_letters_before_tones(first, second):
    assert vietnamese_key(first) < vietnamese_key(second)


def test_case_is_not_a_letter():
    assert vietnamese_key("Đà Nẵng") == vietnamese_key("đà nẵng")


@pytest.mark.django_db
def test_the_public_form_lists_provinces_by_name_without_their_kind():
    names = [label for value, label in ReportForm().fields["seller_province"].choices if value]
    assert len(names) == Province.objects.count() == 34
    short = [name.removeprefix("Thành phố ").removeprefix("Tỉnh ") for name in names]
    assert short == PROVINCES


def test_a_province_is_ordered_by_its_name_not_its_kind():
    assert place_key("Tỉnh Cao Bằng") < place_key("Thành phố Cần Thơ")
    assert place_key("Thành phố Cần Thơ") < place_key("Thành phố Đà Nẵng")
    assert place_key("Thành phố Đà Nẵng") < place_key("Tỉnh Đắk Lắk")


@pytest.mark.django_db
def test_the_public_statistics_list_units_by_province_the_national_body_last():
    from review.public_stats import province_choices

    labels = [label for _code, label in province_choices()]
    short = [name.removeprefix("Thành phố ").removeprefix("Tỉnh ") for name in labels[:-1]]
    assert short == PROVINCES
    assert province_choices()[-1][0] == "TW"
