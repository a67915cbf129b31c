"""URLs of the desk pages: plans, inspections, their decisions and teams."""

from django.urls import path

from inspections import desk_views, product_views

urlpatterns = [
    path("plans/", desk_views.plan_list, name="plan-list"),
    path("plans/new/", desk_views.plan_new, name="plan-new"),
    path("plans/<int:plan_id>/", desk_views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/edit/", desk_views.plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/submit/", desk_views.plan_submit, name="plan-submit"),
    path("plans/<int:plan_id>/decide/", desk_views.plan_decide, name="plan-decide"),
    path(
        "plans/<int:plan_id>/suggestions/",
        desk_views.plan_suggestions,
        name="plan-suggestions",
    ),
    path(
        "plans/<int:plan_id>/suggestions/<int:operator_id>/accept/",
        desk_views.plan_suggestion_accept,
        name="plan-suggestion-accept",
    ),
    path(
        "plans/<int:plan_id>/suggestions/<int:operator_id>/skip/",
        desk_views.plan_suggestion_skip,
        name="plan-suggestion-skip",
    ),
    path("inspections/", desk_views.inspection_list, name="desk-inspection-list"),
    path("inspections/new/", desk_views.inspection_new, name="desk-inspection-new"),
    path("inspections/<int:inspection_id>/", desk_views.inspection_detail, name="desk-inspection"),
    path(
        "inspections/<int:inspection_id>/decide/",
        desk_views.inspection_decide,
        name="desk-inspection-decide",
    ),
    path(
        "inspections/<int:inspection_id>/team/",
        desk_views.inspection_team,
        name="desk-inspection-team",
    ),
    # The finding's product: the barcode read from its photos, or a match of name and brand.
    path(
        "inspections/<int:inspection_id>/findings/<int:finding_id>/product/",
        product_views.finding_product,
        name="finding-product",
    ),
    path(
        "inspections/<int:inspection_id>/transition/",
        desk_views.inspection_transition,
        name="desk-inspection-transition",
    ),
]
