from django.urls import path

from review import public_stats_views, views

urlpatterns = [
    path("review/", views.dashboard_page, name="review-dashboard"),
    path("review/export/", views.dashboard_export, name="review-export-dashboard"),
    path("review/export/cases/", views.cases_export, name="review-export-cases"),
    path("search/", views.search_page, name="review-search"),
]

# Public statistics: no login (review/public_stats_views.py, docs/public-statistics.md).
urlpatterns += [
    path("thong-ke/", public_stats_views.public_stats_page, name="public-stats"),
    path("thong-ke/<int:year>/", public_stats_views.public_stats_page, name="public-stats-year"),
    path("thong-ke/<int:year>.csv", public_stats_views.public_stats_csv, name="public-stats-csv"),
]
