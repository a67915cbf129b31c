"""URLs of the lab pages: samples at the desk, sending to the lab, the lab's result."""

from django.urls import path

from inspections import lab_views

urlpatterns = [
    path("samples/", lab_views.sample_list, name="lab-sample-list"),
    path("samples/<int:sample_id>/", lab_views.sample_detail, name="lab-sample"),
    path("samples/<int:sample_id>/send/", lab_views.sample_send, name="lab-sample-send"),
    path("samples/<int:sample_id>/result/", lab_views.sample_result, name="lab-sample-result"),
    path("samples/<int:sample_id>/risk/", lab_views.sample_risk, name="lab-sample-risk"),
    path(
        "samples/<int:sample_id>/test-report.pdf",
        lab_views.sample_report_pdf,
        name="lab-sample-report",
    ),
]
