from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from registry.models.scoping import ScopedQuerySet


class Province(models.Model):
    """A provincial-level administrative unit (34 since the 2025 reorganisation)."""

    class Kind(models.TextChoices):
        CITY = "city", _("Thành phố trực thuộc trung ương")
        PROVINCE = "province", _("Tỉnh")

    code = models.CharField(_("mã"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100, unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    # Shared reference data: every staff member may read it.
    scope_unit_field = None
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")

    def __str__(self):
        return self.name


class Unit(models.Model):
    """The national body or one province's sub-department (Chi cục TCĐLCL)."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Cơ quan trung ương")
        PROVINCIAL = "provincial", _("Chi cục cấp tỉnh")

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("cấp"), max_length=10, choices=Kind.choices)
    province = models.OneToOneField(
        Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, null=True, blank=True
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    # A unit "belongs" to itself: staff see their own unit, national staff all units.
    scope_unit_field = "pk"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="national", province__isnull=True))
                | (models.Q(kind="provincial", province__isnull=False)),
                name="unit_national_has_no_province",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_national(self) -> bool:
        return self.kind == self.Kind.NATIONAL


class UnitUserObjectPermission(UserObjectPermissionBase):
    """Opens one unit to a member of another, e.g. for a joint inspection across provinces."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class Role(models.TextChoices):
    """Roles are Django groups with these names; see registry.roles for their rights."""

    INSPECTOR = "inspector", _("Kiểm tra viên")
    TEAM_LEAD = "team_lead", _("Trưởng đoàn kiểm tra")
    COMPLAINT_OFFICER = "complaint_officer", _("Cán bộ tiếp nhận phản ánh")
    SUPERVISOR = "supervisor", _("Lãnh đạo")
    IDENTITY_CUSTODIAN = "identity_custodian", _("Người quản lý thông tin nhân thân")
    AUDITOR = "auditor", _("Kiểm toán viên nhật ký")
    ADMIN = "admin", _("Quản trị hệ thống")
    LEGAL_OFFICER = "legal_officer", _("Cán bộ pháp chế")


class StaffManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A staff member. Citizens never have accounts."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="staff",
        # Only a bootstrap superuser may lack a unit; such a user sees no unit's data.
        null=True,
        blank=True,
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)

    scope_unit_field = "unit"
    objects = StaffManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")

    def __str__(self):
        return self.full_name or self.username

    @property
    def role_names(self) -> list[str]:
        """The user's roles, from the group names. Uses prefetched groups when a list
        prefetched them; the access cache otherwise (registry/access_cache.py: every page
        asks), and the instance keeps them."""
        if not hasattr(self, "_role_names"):
            from registry import access_cache

            valid = set(Role.values)

            def names() -> list[str]:
                return sorted(group.name for group in self.groups.all() if group.name in valid)

            prefetched = "groups" in getattr(self, "_prefetched_objects_cache", {})
            self._role_names = (
                names()
                if prefetched or self.pk is None
                else access_cache.remembered(self.pk, "roles", names)
            )
        return self._role_names

    @property
    def roles(self) -> list[Role]:
        return [Role(name) for name in self.role_names]

    def has_role(self, role: str) -> bool:
        return role in self.role_names
