from django.urls import path

from inspections import views

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
]
