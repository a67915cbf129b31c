from django.urls import path

from violations import notice_views, views

urlpatterns = [
    # Public product alerts: Vietnamese paths, no login.
    path("canh-bao/", views.alert_list, name="alert-list"),
    path("canh-bao/<int:alert_id>/", views.alert_detail, name="alert-detail"),
    # Notices between units about an alerted product (violations/notices.py).
    path("notices/", notice_views.notice_list, name="notice-list"),
    path("notices/<int:notice_id>/", notice_views.notice_detail, name="notice-detail"),
    path("notices/<int:notice_id>/react/", notice_views.notice_react, name="notice-react"),
    path("notices/<int:notice_id>/evidence/", notice_views.notice_evidence, name="notice-evidence"),
    path("notices/campaigns/", notice_views.campaign_list, name="notice-campaign-list"),
    path(
        "notices/campaigns/<int:alert_id>/",
        notice_views.campaign_detail,
        name="notice-campaign",
    ),
    path(
        "notices/campaigns/<int:alert_id>/send/",
        notice_views.campaign_send,
        name="notice-campaign-send",
    ),
    # Violation handling (team and supervisors).
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:inspection_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:inspection_id>/alerts/", views.alert_publish, name="case-alert-publish"),
    path("cases/<int:inspection_id>/records/new/", views.record_new, name="case-record-new"),
    path(
        "cases/<int:inspection_id>/rewards/",
        views.case_reward_propose,
        name="case-reward-propose",
    ),
    path(
        "cases/follow-ups/<int:follow_up_id>/report/",
        views.follow_up_report,
        name="case-follow-up-report",
    ),
    path(
        "cases/follow-ups/<int:follow_up_id>/suspend/",
        views.follow_up_suspend,
        name="case-follow-up-suspend",
    ),
    path(
        "cases/follow-ups/<int:follow_up_id>/resume/",
        views.follow_up_resume,
        name="case-follow-up-resume",
    ),
    path(
        "cases/decisions/<int:decision_id>/review/",
        views.decision_review,
        name="case-decision-review",
    ),
    path(
        "cases/decisions/<int:decision_id>/fine/",
        views.decision_fine,
        name="case-decision-fine",
    ),
    path(
        "cases/decisions/<int:decision_id>/close/",
        views.decision_close,
        name="case-decision-close",
    ),
    path("cases/decisions/<int:decision_id>/pdf/", views.decision_pdf, name="case-decision-pdf"),
    path("cases/records/<int:record_id>/pdf/", views.record_pdf, name="case-record-pdf"),
    # Lists by status (the home pages link to them), the acts on a record, the decision's
    # draft and submission, a measure done with its photos.
    path("cases/records/", views.record_list, name="case-record-list"),
    path("cases/decisions/", views.decision_list, name="case-decision-list"),
    path("cases/records/<int:record_id>/sign/", views.record_sign, name="case-record-sign"),
    path(
        "cases/records/<int:record_id>/complex/",
        views.record_complex,
        name="case-record-complex",
    ),
    path("cases/records/<int:record_id>/extend/", views.record_extend, name="case-record-extend"),
    path(
        "cases/records/<int:record_id>/dismiss/",
        views.record_dismiss,
        name="case-record-dismiss",
    ),
    path(
        "cases/records/<int:record_id>/decision/",
        views.decision_edit,
        name="case-decision-edit",
    ),
    path(
        "cases/decisions/<int:decision_id>/submit/",
        views.decision_submit,
        name="case-decision-submit",
    ),
    path(
        "cases/measures/<int:measure_id>/done/",
        views.measure_done,
        name="case-measure-done",
    ),
    path(
        "cases/measures/<int:measure_id>/photos/<int:photo_id>/<str:variant>/",
        views.measure_photo,
        name="case-measure-photo",
    ),
    path("cases/records/<int:record_id>/risk/", views.record_risk, name="case-record-risk"),
    path("cases/alerts/<int:alert_id>/risk/", views.alert_risk, name="case-alert-risk"),
    path(
        "cases/alerts/<int:alert_id>/withdraw/",
        views.alert_withdraw,
        name="case-alert-withdraw",
    ),
]
