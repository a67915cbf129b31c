from django.contrib.auth import views as auth_views
from django.urls import path

from registry import (
    catalogue_views,
    clock_views,
    factor_reset_views,
    health,
    home_views,
    passkey_views,
    provision_views,
    security_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    # For the process manager and the load balancer: no login, no data.
    path("healthz", health.liveness, name="health-live"),
    path("readyz", health.readiness, name="health-ready"),
    # login/ is whistleblower's: signing in also unlocks the user's vault key.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor (docs/second-factor.md): the second step of signing in and the
    # account's own factors.
    path("login/second-factor/", security_views.second_step, name="second-factor"),
    path("account/security/", security_views.security, name="account-security"),
    path("account/security/totp/", security_views.totp, name="account-totp"),
    path("account/security/totp/remove/", security_views.totp_remove, name="account-totp-remove"),
    path(
        "account/security/recovery-codes/",
        security_views.recovery_codes,
        name="account-recovery-codes",
    ),
    # Passkeys (registry/passkey_views.py): adding, renaming and removing a key, and the
    # JSON steps the page's script runs to add one or to sign in with one.
    path("account/security/passkeys/new/", passkey_views.passkey_new, name="passkey-new"),
    path(
        "account/security/passkeys/new/options/",
        passkey_views.passkey_new_options,
        name="passkey-new-options",
    ),
    path(
        "account/security/passkeys/new/verify/",
        passkey_views.passkey_new_verify,
        name="passkey-new-verify",
    ),
    path(
        "account/security/passkeys/<int:device_id>/rename/",
        passkey_views.passkey_rename,
        name="passkey-rename",
    ),
    path(
        "account/security/passkeys/<int:device_id>/remove/",
        passkey_views.passkey_remove,
        name="passkey-remove",
    ),
    path(
        "login/passkey/options/", passkey_views.passkey_login_options, name="passkey-login-options"
    ),
    path("login/passkey/verify/", passkey_views.passkey_login_verify, name="passkey-login-verify"),
    # A lost factor: one administrator asks, a second one decides (registry/factor_reset.py).
    path("staff/factor-resets/", factor_reset_views.reset_list, name="factor-reset-list"),
    path(
        "staff/factor-resets/<int:reset_id>/",
        factor_reset_views.reset_detail,
        name="factor-reset-detail",
    ),
    path(
        "staff/factor-resets/<int:reset_id>/approve/",
        factor_reset_views.reset_approve,
        name="factor-reset-approve",
    ),
    path(
        "staff/factor-resets/<int:reset_id>/refuse/",
        factor_reset_views.reset_refuse,
        name="factor-reset-refuse",
    ),
    path("home/none/", views.no_role, name="no-role"),
    path("home/<slug:role>/", views.role_home, name="role-home"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit-detail"),
    path("operators/", views.operator_list, name="operator-list"),
    path("operators/<int:operator_id>/", views.operator_detail, name="operator-detail"),
    path("products/", views.product_list, name="product-list"),
    path("products/<int:product_id>/", views.product_detail, name="product-detail"),
    path("provisions/", provision_views.provision_list, name="provision-list"),
    # Importing and exporting the catalogue (before provisions/<int:...>/).
    path("provisions/import/", catalogue_views.provision_import, name="provision-import"),
    path(
        "provisions/imports/<int:import_id>/",
        catalogue_views.provision_import_detail,
        name="provision-import-detail",
    ),
    path(
        "provisions/imports/<int:import_id>/apply/",
        catalogue_views.provision_import_apply,
        name="provision-import-apply",
    ),
    path(
        "provisions/imports/<int:import_id>/discard/",
        catalogue_views.provision_import_discard,
        name="provision-import-discard",
    ),
    path(
        "provisions/export.json",
        catalogue_views.provision_export_json,
        name="provision-export-json",
    ),
    path(
        "provisions/export.xlsx",
        catalogue_views.provision_export_xlsx,
        name="provision-export-xlsx",
    ),
    path("provisions/new/", provision_views.provision_new, name="provision-new"),
    path("provisions/documents/", provision_views.document_list, name="provision-documents"),
    path(
        "provisions/<int:provision_id>/", provision_views.provision_detail, name="provision-detail"
    ),
    path(
        "provisions/<int:provision_id>/edit/", provision_views.provision_edit, name="provision-edit"
    ),
    path(
        "provisions/<int:provision_id>/amend/",
        provision_views.provision_amend,
        name="provision-amend",
    ),
    path(
        "provisions/<int:provision_id>/verify/",
        provision_views.provision_verify,
        name="provision-verify",
    ),
    path(
        "provisions/<int:provision_id>/return/",
        provision_views.provision_return,
        name="provision-return",
    ),
    # The running legal clocks the user may see (?due=soon|overdue, ?mine=1).
    path("clocks/", clock_views.clock_list_page, name="clock-list"),
    # A home page queue with no list page of its own (registry/home.py register_list).
    path("work/<slug:key>/", home_views.work_list, name="work-list"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<int:entry_id>/", views.audit_detail, name="audit-detail"),
    path("notifications/", views.notification_list, name="notification-list"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
]
