from django.urls import path, re_path

from review import history_views, public_stats_views, views

urlpatterns = [
    path("review/", views.dashboard_page, name="review-dashboard"),
    path("review/export/", views.dashboard_export, name="review-export-dashboard"),
    path("review/export/cases/", views.cases_export, name="review-export-cases"),
    path("search/", views.search_page, name="review-search"),
    # One product, one history; the same for an operator (docs/product-history.md).
    path(
        "review/products/<int:product_id>/",
        history_views.product_history,
        name="review-product-history",
    ),
    path(
        "review/products/<int:product_id>/<slug:section>/",
        history_views.product_history_section,
        name="review-product-history-section",
    ),
    re_path(
        r"^review/products/gtin/(?P<gtin>[0-9]{8,14})/$",
        history_views.product_by_gtin,
        name="review-product-by-gtin",
    ),
    path(
        "review/operators/<int:operator_id>/",
        history_views.operator_history,
        name="review-operator-history",
    ),
    path(
        "review/operators/<int:operator_id>/<slug:section>/",
        history_views.operator_history_section,
        name="review-operator-history-section",
    ),
]

# Public statistics: no login (review/public_stats_views.py, docs/public-statistics.md).
urlpatterns += [
    path("thong-ke/", public_stats_views.public_stats_page, name="public-stats"),
    path("thong-ke/<int:year>/", public_stats_views.public_stats_page, name="public-stats-year"),
    path("thong-ke/<int:year>.csv", public_stats_views.public_stats_csv, name="public-stats-csv"),
]
