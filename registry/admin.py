from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet, model_to_dict
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdmin

from registry.audit import audit_record
from registry.models import (
    ApiToken,
    AuditEntry,
    CalendarDay,
    CategoryClass,
    EconomicOperator,
    LegalProvision,
    Notification,
    Product,
    ProductCategory,
    Province,
    Unit,
    User,
)
from registry.risk import check_classes


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits go into the audit log like any service's, in the same transaction."""

    audit_exclude = ("password",)

    def get_queryset(self, request):
        # Admin lists are scoped like every other read. Only a bootstrap superuser, who
        # may have no unit, sees every row.
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit and not request.user.is_superuser:
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _changes(self, obj, form):
        fields = form.changed_data if form is not None else []
        data = model_to_dict(obj, fields=[f for f in fields if f not in self.audit_exclude])
        return {
            key: (str(value) if not isinstance(value, (int, bool, type(None))) else value)
            for key, value in data.items()
        }

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = f"{obj._meta.model_name}.{'change' if change else 'create'}"
            audit_record(
                actor=request.user,
                action=f"admin.{action}",
                target=obj,
                changes=self._changes(obj, form),
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user, action=f"admin.{obj._meta.model_name}.delete", target=obj
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user, action=f"admin.{obj._meta.model_name}.delete", target=obj
                )
            super().delete_queryset(request, queryset)


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind")
    search_fields = ("name", "code")


@admin.register(Unit)
class UnitAdmin(AuditedAdmin, GuardedModelAdmin):
    list_display = ("code", "name", "kind", "province", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "full_name", "unit", "is_active", "last_login")
    list_filter = ("unit__kind", "groups", "is_active")
    search_fields = ("username", "full_name", "email")
    list_select_related = ("unit",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cán bộ"), {"fields": ("full_name", "email", "phone", "unit")}),
        (_("Vai trò và quyền"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Mốc thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "unit", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")


class CategoryClassFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if any(form.errors for form in self.forms):
            return
        try:
            check_classes(rows)
        except ValueError as exc:
            raise ValidationError(
                _("Các phân loại không được chồng lấn về thời gian: %(detail)s"),
                params={"detail": exc},
            ) from exc


class CategoryClassInline(admin.TabularInline):
    """The category's dated classes. The model's constraints refuse a valid_to before
    valid_from; the formset refuses two classes in force on the same day."""

    model = CategoryClass
    formset = CategoryClassFormSet
    extra = 0
    fields = ("scheme", "level", "valid_from", "valid_to", "basis", "verified", "source")


@admin.register(ProductCategory)
class ProductCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name", "qcvn", "managing_ministry")
    list_filter = ("managing_ministry",)
    search_fields = ("name", "code", "qcvn")
    inlines = (CategoryClassInline,)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.has_changed():
                audit_record(
                    actor=request.user,
                    action="admin.categoryclass.change",
                    target=form.instance,
                    changes={
                        "classes": [
                            f"{row.level} {row.valid_from}/{row.valid_to or ''}"
                            for row in form.instance.classes.order_by("valid_from")
                        ]
                    },
                )


@admin.register(EconomicOperator)
class EconomicOperatorAdmin(AuditedAdmin):
    list_display = ("name", "tax_code", "role", "province")
    list_filter = ("role", "kind", "province")
    search_fields = ("name", "tax_code")
    list_select_related = ("province",)


@admin.register(Product)
class ProductAdmin(AuditedAdmin):
    list_display = ("name", "brand", "gtin", "category")
    list_filter = ("category",)
    search_fields = ("name", "brand", "gtin")
    list_select_related = ("category",)
    raw_id_fields = ("manufacturer",)


@admin.register(LegalProvision)
class LegalProvisionAdmin(admin.ModelAdmin):
    """Read only: the legal staff enter and verify versions in the product's pages
    (/provisions/), where the four-eyes rule and the audit apply."""

    list_display = (
        "code",
        "article",
        "clause",
        "point",
        "field",
        "fine_min_vnd",
        "fine_max_vnd",
        "valid_from",
        "valid_to",
        "status",
    )
    list_filter = ("status", "field", "document")
    search_fields = ("code", "act", "title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "kind", "reason")
    list_filter = ("kind",)
    date_hierarchy = "date"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "actor_username", "unit", "action", "target_repr")
    list_filter = ("action",)
    search_fields = ("action", "actor_username", "target_id")

    def get_queryset(self, request):
        # The audit trail is scoped like everything else: a province's admin sees its own.
        qs = super().get_queryset(request).select_related("unit")
        return qs if request.user.is_superuser else qs.visible_to(request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    exclude = ("digest",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "subject", "created_at", "email_state", "read_at")
    list_filter = ("email_state",)


# A staff member's second factors change only on their own security pages, or by a reset
# two administrators agree on (docs/second-factor.md); not in the admin site, where one
# superuser alone could read a secret or delete a factor.
for otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(otp_model):
        admin.site.unregister(otp_model)
