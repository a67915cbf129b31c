from django.urls import include, path

from complaints import product_views, protection_views, views

urlpatterns = [
    # Citizens: Vietnamese paths, no login.
    path("phan-anh/", views.report_new, name="report-new"),
    path("phan-anh/da-gui/", views.report_filed, name="report-filed"),
    path("tra-cuu/", views.report_lookup, name="report-lookup"),
    path("tra-cuu/tra-loi/", views.report_reply, name="report-reply"),
    path("tra-cuu/da-tra-loi/", views.report_replied, name="report-replied"),
    # The reporter asks to be protected (docs/protection.md).
    path("tra-cuu/bao-ve/", protection_views.protection_request, name="report-protection"),
    path("tra-cuu/bao-ve/da-gui/", protection_views.protection_sent, name="report-protection-sent"),
    path("xac-minh/", views.proof_verify, name="proof-verify"),
    # Officers
    path("complaints/", views.inbox, name="complaint-inbox"),
    # A report taken on the phone or at the desk, and its receipt (shown once).
    path("complaints/intake/", views.intake_new, name="complaint-intake"),
    path("complaints/intake/da-nhan/", views.intake_filed, name="complaint-intake-filed"),
    path("complaints/bulk/", views.inbox_bulk, name="complaint-bulk"),
    path("complaints/retention/", views.retention_list, name="complaint-retention"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint-detail"),
    path(
        "complaints/<int:complaint_id>/retention-hold/",
        views.complaint_retention_hold,
        name="complaint-retention-hold",
    ),
    # The barcode read from its photos, and the product record (docs/barcodes.md).
    path(
        "complaints/<int:complaint_id>/product/",
        product_views.complaint_product,
        name="complaint-product",
    ),
    path(
        "complaints/<int:complaint_id>/photos/<int:photo_id>/<slug:variant>/",
        views.complaint_photo,
        name="complaint-photo",
    ),
    path(
        "complaints/<int:complaint_id>/identity/",
        views.complaint_identity,
        name="complaint-identity",
    ),
    path("disclosures/", views.disclosure_list, name="disclosure-list"),
    path("disclosures/<int:request_id>/decide/", views.disclosure_decide, name="disclosure-decide"),
    # Rewards for reports (docs/rewards.md).
    path("", include("complaints.reward_urls")),
]
