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
    # The installable app: its worker (scope /field/), manifest and offline page.
    path("field/sw.js", pwa.service_worker, name="field-sw"),
    path("field/manifest.webmanifest", pwa.manifest, name="field-manifest"),
    path("field/offline/", pwa.offline, name="field-offline"),
]
