from django.urls import path

from inspections import pwa, views

urlpatterns = [
    # An ad-hoc inspection on the ground of the reports ticked on the queue.
    path("complaints/inspect/", views.inspect_from_reports, name="complaint-inspect"),
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
    # Samples, minutes and signing on the tablet.
    path(
        "field/inspections/<int:inspection_id>/samples/new/",
        views.sample_new,
        name="field-sample-new",
    ),
    path(
        "field/inspections/<int:inspection_id>/samples/sync/",
        views.sample_sync,
        name="field-sample-sync",
    ),
    path(
        "field/inspections/<int:inspection_id>/samples/<int:sample_id>/photos/sync/",
        views.sample_photo_sync,
        name="field-sample-photo-sync",
    ),
    path(
        "field/inspections/<int:inspection_id>/photos/<int:photo_id>/<slug:variant>/",
        views.evidence_file,
        name="field-photo",
    ),
    path(
        "field/inspections/<int:inspection_id>/next/",
        views.inspection_move,
        name="field-inspection-move",
    ),
    path(
        "field/inspections/<int:inspection_id>/minutes/",
        views.minutes_page,
        name="field-minutes",
    ),
    path(
        "field/inspections/<int:inspection_id>/minutes/draft/",
        views.minutes_draft,
        name="field-minutes-draft",
    ),
    path(
        "field/inspections/<int:inspection_id>/minutes/amend/",
        views.minutes_amend,
        name="field-minutes-amend",
    ),
    path("field/minutes/<int:minutes_id>/pdf/", views.minutes_pdf, name="field-minutes-pdf"),
    path(
        "field/minutes/<int:minutes_id>/sign/sync/",
        views.minutes_sign_sync,
        name="field-minutes-sign-sync",
    ),
    path(
        "field/minutes/<int:minutes_id>/sign/<slug:kind>/",
        views.minutes_sign,
        name="field-minutes-sign",
    ),
    path(
        "field/minutes/<int:minutes_id>/complete/",
        views.minutes_complete,
        name="field-minutes-complete",
    ),
    path("field/minutes/<int:minutes_id>/paper/", views.minutes_paper, name="field-minutes-paper"),
    path(
        "field/minutes/<int:minutes_id>/signatures/<int:signature_id>.png",
        views.signature_image,
        name="field-signature-image",
    ),
    path(
        "field/minutes/<int:minutes_id>/scans/<int:scan_id>/",
        views.scan_file,
        name="field-minutes-scan",
    ),
    # The installable app: its worker (scope /field/), manifest and offline page.
    path("field/sw.js", pwa.service_worker, name="field-sw"),
    path("field/manifest.webmanifest", pwa.manifest, name="field-manifest"),
    path("field/offline/", pwa.offline, name="field-offline"),
]
