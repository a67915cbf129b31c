"""Demo data for `make run`: one user per role (new passwords printed on each run), a few
operators and products; the apps above add what their demo users need on the
`demo_users_seeded` signal (whistleblower/demo.py: vault keys). The users whose role
requires a second factor get an authenticator-app secret, printed too. Refuses to run
in the production profile."""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import ean
from stdnum.vn import mst

from registry.audit import audit_record
from registry.factors import TOTP_NAME, totp_secret
from registry.models import EconomicOperator, Product, ProductCategory, Province, Role, Unit, User
from registry.roles import sync_role_groups
from registry.second_factor import factor_required
from registry.signals import demo_users_seeded

# (username, full name, unit code, roles)
DEMO_USERS = [
    ("kiemtra.hn", "Nguyễn Văn Kiểm", "01", [Role.INSPECTOR]),
    ("truongdoan.hn", "Trần Thị Đoàn", "01", [Role.TEAM_LEAD, Role.INSPECTOR]),
    ("tiepnhan.hn", "Lê Thị Tiếp Nhận", "01", [Role.COMPLAINT_OFFICER]),
    ("lanhdao.hn", "Phạm Văn Lãnh Đạo", "01", [Role.SUPERVISOR]),
    ("nhanthan.hn", "Hoàng Thị Bảo Mật", "01", [Role.IDENTITY_CUSTODIAN]),
    ("kiemtoan.hn", "Vũ Văn Nhật Ký", "01", [Role.AUDITOR]),
    ("quantri.hn", "Đặng Thị Quản Trị", "01", [Role.ADMIN]),
    ("kiemtra.hcm", "Võ Minh Sài Gòn", "79", [Role.TEAM_LEAD, Role.INSPECTOR]),
    ("lanhdao.tw", "Bùi Quốc Trung Ương", "TW", [Role.SUPERVISOR]),
    # Two legal officers: one enters the demo provisions, the other verifies them.
    ("phapche.tw", "Ngô Thị Pháp Chế", "TW", [Role.LEGAL_OFFICER]),
    ("doichieu.tw", "Đinh Văn Đối Chiếu", "TW", [Role.LEGAL_OFFICER]),
]

# (name, role, province code, tax-code stem of 9 digits, address)
DEMO_OPERATORS = [
    ("Công ty TNHH Thực phẩm Sông Hồng", "producer", "01", "010123456", "12 Phố Huế, Hà Nội"),
    ("Cửa hàng Điện máy Ánh Dương", "retailer", "01", "010765432", "88 Cầu Giấy, Hà Nội"),
    (
        "Công ty Cổ phần Xăng dầu Phương Nam",
        "distributor",
        "79",
        "030222333",
        "5 Nguyễn Tất Thành, TP.HCM",
    ),
    ("Công ty TNHH Nhập khẩu Đồ chơi Tuổi Thơ", "importer", "79", "031444555", "21 Lê Lợi, TP.HCM"),
    # Last, so that the products' makers above keep their order: the target of the Hà Nội
    # team's annual plan (seed_demo_inspections), inspected by nobody yet.
    (
        "Siêu thị Điện máy Hồng Hà",
        "retailer",
        "01",
        "010876543",
        "230 Nguyễn Trãi, Thanh Xuân, Hà Nội",
    ),
]

# (name, brand, GTIN stem of 12 digits, category code)
DEMO_PRODUCTS = [
    ("Nước mắm cá cơm 40 độ đạm", "Sông Hồng", "893456313816", "prepackaged_food"),
    ("Mũ bảo hiểm nửa đầu", "An Toàn", "893512345678", "helmets"),
    ("Ấm siêu tốc 1,8 lít", "Ánh Dương", "893600011122", "electrical_safety"),
    ("Xe ô tô đồ chơi chạy pin", "Tuổi Thơ", "693700044455", "toys"),
]


class Command(BaseCommand):
    help = "Load demo users, operators and products (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with APP_PROFILE=production.")
        sync_role_groups()
        with transaction.atomic():
            passwords = self._users()
            second_factors = self._second_factors()
            self._operators_and_products()
            # The apps above add what the demo users need (whistleblower: vault keys).
            demo_users_seeded.send(sender=self.__class__, passwords=passwords, stdout=self.stdout)
        width = max(len(u) for u, *_ in DEMO_USERS)
        self.stdout.write("\nDemo users (passwords are new on every run):")
        for username, _name, unit_code, roles in DEMO_USERS:
            role_text = ", ".join(str(r.label) for r in roles)
            self.stdout.write(
                f"  {username:<{width}}  {passwords[username]}  {unit_code:>3}  {role_text}"
            )
        self.stdout.write(
            "\nSecond factor (docs/second-factor.md): add the secret to an authenticator app,"
            "\nor print the current code with `manage.py demo_otp_code USERNAME`:"
        )
        for username, secret in second_factors.items():
            self.stdout.write(f"  {username:<{width}}  {secret}")

    def _users(self) -> dict[str, str]:
        passwords = {}
        for username, full_name, unit_code, roles in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.full_name = full_name
            user.unit = Unit.objects.get(code=unit_code)
            user.email = f"{username}@example.vn"
            user.is_staff = Role.ADMIN in roles
            password = "-".join(secrets.token_hex(2) for _ in range(3))
            user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
            passwords[username] = password
        return passwords

    def _second_factors(self) -> dict[str, str]:
        """A new authenticator-app secret, on every run, for each demo user whose role
        requires a second factor."""
        secrets_by_user = {}
        for username, *_ in DEMO_USERS:
            user = User.objects.get(username=username)
            if not factor_required(user):
                continue
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
            secrets_by_user[username] = totp_secret(device)
        return secrets_by_user

    def _operators_and_products(self) -> None:
        admin = User.objects.get(username="quantri.hn")
        for name, role, province_code, stem, address in DEMO_OPERATORS:
            tax_code = stem + mst.calc_check_digit(stem)
            operator, created = EconomicOperator.objects.get_or_create(
                tax_code=tax_code,
                defaults={
                    "name": name,
                    "role": role,
                    "address": address,
                    "province": Province.objects.get(code=province_code),
                },
            )
            if created:
                audit_record(
                    actor=admin, action="operator.create", target=operator, changes={"demo": True}
                )
        makers = list(EconomicOperator.objects.order_by("pk"))
        for index, (name, brand, stem, category_code) in enumerate(DEMO_PRODUCTS):
            product, created = Product.objects.get_or_create(
                gtin=stem + ean.calc_check_digit(stem),
                defaults={
                    "name": name,
                    "brand": brand,
                    "category": ProductCategory.objects.filter(code=category_code).first(),
                    "manufacturer": makers[index % len(makers)] if makers else None,
                },
            )
            if created:
                audit_record(
                    actor=admin, action="product.create", target=product, changes={"demo": True}
                )
