from django.urls import path

from review import views

urlpatterns = [
    path("review/", views.dashboard_page, name="review-dashboard"),
    path("review/export/", views.dashboard_export, name="review-export-dashboard"),
    path("review/export/cases/", views.cases_export, name="review-export-cases"),
    path("search/", views.search_page, name="review-search"),
]
