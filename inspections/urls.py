from django.urls import path

from inspections import case_views, pwa, views

urlpatterns = [
    # The inspector's tablet pages.
    path("field/", views.today, name="field-today"),
    path(
        "field/inspections/<int:inspection_id>/", views.inspection_detail, name="field-inspection"
    ),
    path(
        "field/inspections/<int:inspection_id>/start/",
        views.inspection_start,
        name="field-inspection-start",
    ),
    path(
        "field/inspections/<int:inspection_id>/items/<int:item_id>/",
        views.item_finding,
        name="field-item",
    ),
    path(
        "field/inspections/<int:inspection_id>/items/<int:item_id>/sync/",
        views.item_finding_sync,
        name="field-item-sync",
    ),
    # The installable app: its worker (scope /field/), manifest and offline page.
    path("field/sw.js", pwa.service_worker, name="field-sw"),
    path("field/manifest.webmanifest", pwa.manifest, name="field-manifest"),
    path("field/offline/", pwa.offline, name="field-offline"),
    # Public product alerts: Vietnamese paths, no login.
    path("canh-bao/", case_views.alert_list, name="alert-list"),
    path("canh-bao/<int:alert_id>/", case_views.alert_detail, name="alert-detail"),
    # Violation handling (team and supervisors).
    path("cases/", case_views.case_list, name="case-list"),
    path("cases/<int:inspection_id>/", case_views.case_detail, name="case-detail"),
    path("cases/<int:inspection_id>/alerts/", case_views.alert_publish, name="case-alert-publish"),
    path(
        "cases/follow-ups/<int:follow_up_id>/report/",
        case_views.follow_up_report,
        name="case-follow-up-report",
    ),
    path(
        "cases/follow-ups/<int:follow_up_id>/suspend/",
        case_views.follow_up_suspend,
        name="case-follow-up-suspend",
    ),
    path(
        "cases/follow-ups/<int:follow_up_id>/resume/",
        case_views.follow_up_resume,
        name="case-follow-up-resume",
    ),
    path(
        "cases/decisions/<int:decision_id>/review/",
        case_views.decision_review,
        name="case-decision-review",
    ),
    path(
        "cases/decisions/<int:decision_id>/fine/",
        case_views.decision_fine,
        name="case-decision-fine",
    ),
    path(
        "cases/decisions/<int:decision_id>/close/",
        case_views.decision_close,
        name="case-decision-close",
    ),
    path(
        "cases/decisions/<int:decision_id>/pdf/", case_views.decision_pdf, name="case-decision-pdf"
    ),
    path("cases/records/<int:record_id>/pdf/", case_views.record_pdf, name="case-record-pdf"),
    path(
        "cases/alerts/<int:alert_id>/withdraw/",
        case_views.alert_withdraw,
        name="case-alert-withdraw",
    ),
]
