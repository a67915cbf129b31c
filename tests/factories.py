import uuid
from datetime import date

import factory
from django.contrib.auth.models import Group
from stdnum import ean
from stdnum.vn import mst

from registry.models import (
    EconomicOperator,
    LegalDocument,
    LegalProvision,
    Product,
    Province,
    Unit,
    User,
)
from registry.provisions import search_text

DEFAULT_PASSWORD = "Mat-khau-thu-2026"


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    unit = factory.LazyFunction(lambda: unit("01"))
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(Group.objects.filter(name__in=[str(r) for r in extracted]))
        self.save()


_TAX_CODES: list[str] = []


def valid_tax_code(seq: int) -> str:
    """The seq-th valid tax code from 0100000010 up. A stem whose check "digit" comes out
    as 10, or whose digits stdnum refuses, is skipped, so every code validates."""
    stem = int(_TAX_CODES[-1][:9]) + 1 if _TAX_CODES else 10_000_001
    while len(_TAX_CODES) <= seq:
        code = f"{stem:09d}" + mst.calc_check_digit(f"{stem:09d}")
        if mst.is_valid(code):
            _TAX_CODES.append(code)
        stem += 1
    return _TAX_CODES[seq]


def valid_gtin(seq: int) -> str:
    stem = f"893{seq:09d}"
    return stem + ean.calc_check_digit(stem)


class OperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EconomicOperator

    name = factory.Sequence(lambda n: f"Công ty TNHH Thương mại Số {n}")
    role = EconomicOperator.Role.RETAILER
    tax_code = factory.Sequence(valid_tax_code)
    province = factory.LazyFunction(lambda: Province.objects.get(code="01"))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Nước mắm loại {n}")
    brand = "Phú Quốc"
    gtin = factory.Sequence(valid_gtin)


def api_client(user):
    """A test client that calls the API as `user` does from a tablet, with a bearer token."""
    from django.test import Client

    from registry.services import api_token_create

    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = (
        f"Bearer {api_token_create(user=user, name='Tablet')[1]}"
    )
    return client


def legal_document(number: str = "119/2017/NĐ-CP", issued_on=None, kind="decree") -> LegalDocument:
    document, _ = LegalDocument.objects.get_or_create(
        number=number,
        defaults={
            "kind": kind,
            "issued_on": issued_on or date(2017, 11, 1),
            "title": f"Văn bản {number}",
            "issuer": "Chính phủ",
        },
    )
    return document


def provision_version(
    *,
    code: str | None = None,
    verified: bool = True,
    valid_from=None,
    valid_to=None,
    amending: str | None = "126/2021/NĐ-CP",
    replaces: LegalProvision | None = None,
    **fields,
) -> LegalProvision:
    """A version of the catalogue made directly (the services are tested on their own):
    entered by one legal officer and, when `verified`, verified by another. The figures
    are the test's, not the decree's."""
    enterer = UserFactory(username="phapche.nhap", unit=unit("TW"), roles=["legal_officer"])
    content = {
        "article": 18,
        "clause": 1,
        "point": "a",
        "field": LegalProvision.Field.LABEL,
        "title": "Vi phạm quy định về nhãn hàng hóa",
        "act": "Kinh doanh hàng hóa nhập khẩu không có nhãn phụ bằng tiếng Việt.",
        "fine_min_vnd": 10_000_000,
        "fine_max_vnd": 20_000_000,
        "source": "Toàn văn nghị định, trang 12",
        **fields,
    }
    provision = LegalProvision(
        code=code or f"TEST-{uuid.uuid4().hex[:8]}",
        document=legal_document(),
        amending_document=legal_document(amending, issued_on=date(2021, 12, 30))
        if amending
        else None,
        valid_from=valid_from or date(2022, 1, 1),
        valid_to=valid_to,
        replaces=replaces,
        entered_by=enterer,
        **content,
    )
    if verified:
        provision.status = LegalProvision.Status.VERIFIED
        provision.verified_by = UserFactory(
            username="phapche.xacminh", unit=unit("TW"), roles=["legal_officer"]
        )
    provision.search_text = search_text(provision)
    provision.save()
    return provision
