"""Writes to the shared registers. Each service validates, changes and audits in one
transaction; views and API handlers only parse input and call one of these."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import access_cache
from registry.audit import audit_record
from registry.background import enqueue_on_commit
from registry.errors import Conflict, InvalidInput, NotFound, invalid_from_django
from registry.models import (
    ApiToken,
    EconomicOperator,
    Notification,
    Product,
    ProductCategory,
    Province,
)
from registry.notifications import notification_deliver
from registry.permissions import require_perm
from registry.validators import normalize_gtin, normalize_tax_code

TOKEN_PREFIX = "msq_"  # noqa: S105 - a public marker, not a secret


def _full_clean(instance, *, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise invalid_from_django(exc) from exc


def _normalize(field: str, normalizer, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalizer(value)
    except ValidationError as exc:
        raise invalid_from_django(ValidationError({field: exc.error_list})) from exc


@transaction.atomic
def operator_create(
    *,
    by,
    name: str,
    role: str,
    kind: str = EconomicOperator.Kind.ORGANISATION,
    tax_code: str | None = None,
    address: str = "",
    province: Province | None = None,
    shop_url: str = "",
) -> EconomicOperator:
    require_perm(by, "registry.add_economicoperator")
    tax_code = _normalize("tax_code", normalize_tax_code, tax_code)
    if tax_code and EconomicOperator.objects.filter(tax_code=tax_code).exists():
        raise Conflict(
            _("Đã có tổ chức, cá nhân với mã số thuế %(tax_code)s."),
            code="operator_exists",
            params={"tax_code": tax_code},
        )
    operator = EconomicOperator(
        name=name.strip(),
        role=role,
        kind=kind,
        tax_code=tax_code,
        address=address.strip(),
        province=province,
        shop_url=shop_url.strip(),
    )
    _full_clean(operator)
    operator.save()
    audit_record(
        actor=by,
        action="operator.create",
        target=operator,
        changes={"name": operator.name, "tax_code": operator.tax_code, "role": operator.role},
    )
    return operator


@transaction.atomic
def product_create(
    *,
    by,
    name: str,
    brand: str = "",
    model: str = "",
    gtin: str | None = None,
    origin: str = "",
    category: ProductCategory | None = None,
    declared_standard: str = "",
    conformity_number: str = "",
    manufacturer: EconomicOperator | None = None,
) -> Product:
    """Record a product once for every province; a known barcode is a conflict that
    names the existing record, so that callers attach to it instead of duplicating it."""
    require_perm(by, "registry.add_product")
    gtin = _normalize("gtin", normalize_gtin, gtin)
    if gtin:
        existing = Product.objects.filter(gtin=gtin).first()
        if existing:
            raise Conflict(
                _("Sản phẩm có mã vạch %(gtin)s đã có (mã hồ sơ %(id)s)."),
                code="product_exists",
                params={"gtin": gtin, "id": existing.pk},
            )
    product = Product(
        name=name.strip(),
        brand=brand.strip(),
        model=model.strip(),
        gtin=gtin,
        origin=origin.strip(),
        category=category,
        declared_standard=declared_standard.strip(),
        conformity_number=conformity_number.strip(),
        manufacturer=manufacturer,
    )
    _full_clean(product)
    product.save()
    audit_record(
        actor=by,
        action="product.create",
        target=product,
        changes={"name": product.name, "gtin": gtin},
    )
    return product


# --- API tokens ---------------------------------------------------------------------------


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, lifetime_days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a token for a tablet. Returns the record and the token, which is never
    stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Hãy đặt tên cho thiết bị."), code="token_name_required")
    days = lifetime_days or settings.API_TOKEN_LIFETIME_DAYS
    if not 1 <= days <= settings.API_TOKEN_LIFETIME_DAYS:
        raise InvalidInput(
            _("Thời hạn token từ 1 đến %(max)d ngày."),
            code="token_lifetime",
            params={"max": settings.API_TOKEN_LIFETIME_DAYS},
        )
    secret = secrets.token_urlsafe(32)
    token = f"{TOKEN_PREFIX}{secret}"
    record = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=token[: len(TOKEN_PREFIX) + 6],
        digest=_token_digest(token),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=user,
        action="api_token.create",
        target=record,
        changes={"expires_at": record.expires_at},
    )
    return record, token


def api_token_authenticate(token: str):
    """The user a bearer token belongs to, or None if it is unknown, expired or revoked,
    or its holder deactivated.

    What the database says of a token is cached under its digest (registry.access_cache)
    until its holder's access version changes: revoking or issuing a token, saving the
    account (deactivation) and every change to their roles or grants change it, so each
    takes effect on the next request. The holder comes with the entry, without the
    password hash, which is read from the database only if something asks for it."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = _token_digest(token)
    held = access_cache.token_holder(digest, owner_of=_token_owner, lookup=_token_lookup)
    if held is None:
        return None
    token_id, expires_at, user = held
    now = timezone.now()
    if expires_at <= now or not user.is_active:
        return None
    # One write at most a minute, not one per request.
    if access_cache.token_used_now(digest):
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def _token_owner(digest: str) -> int | None:
    return ApiToken.objects.filter(digest=digest).values_list("user_id", flat=True).first()


def _token_lookup(digest: str):
    """(token id, expiry, user) of a usable token, or None."""
    record = (
        ApiToken.objects.select_related("user", "user__unit")
        .defer("user__password")
        .filter(
            digest=digest,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if record is None:
        return None
    return record.pk, record.expires_at, record.user


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> ApiToken:
    record = ApiToken.objects.visible_to(user).select_for_update().filter(pk=token_id).first()
    if record is None:
        raise NotFound()
    if record.revoked_at is None:
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="api_token.revoke", target=record)
    return record


# --- Notifications ------------------------------------------------------------------------


def notification_send(
    *, recipient, subject: str, body: str, link: str = "", dedup_key: str | None = None
):
    """Tell a staff member something, in the app and by email after commit.

    With a `dedup_key`, a second call for the same key returns the first notification and
    sends nothing: sweeps that run twice notify once.
    """
    if link and (not link.startswith("/") or link.startswith("//")):
        # Shown as a link to staff: only paths inside this site, never another host.
        raise InvalidInput(
            _("Liên kết thông báo phải là đường dẫn trong hệ thống."), code="notification_link"
        )
    with transaction.atomic():
        if dedup_key:
            existing = Notification.objects.filter(dedup_key=dedup_key).first()
            if existing:
                return existing
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    subject=subject[:200],
                    body=body,
                    link=link,
                    dedup_key=dedup_key,
                    email_state=Notification.State.PENDING
                    if recipient.email
                    else Notification.State.SKIPPED,
                )
        except IntegrityError:
            # Another process created the same key between our check and insert.
            return Notification.objects.get(dedup_key=dedup_key)
        if notification.email_state == Notification.State.PENDING:
            enqueue_on_commit(notification_deliver, notification.pk)
    return notification


def notification_mark_read(*, user, notification_id: int) -> Notification:
    notification = Notification.objects.visible_to(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
