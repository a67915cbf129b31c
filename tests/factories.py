import factory
from django.contrib.auth.models import Group
from stdnum import ean
from stdnum.vn import mst

from registry.models import EconomicOperator, Product, Province, Unit, User

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


def valid_tax_code(seq: int) -> str:
    stem = f"{10_000_000 + seq:09d}"
    return stem + mst.calc_check_digit(stem)


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
