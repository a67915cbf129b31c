from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from api.main import api

urlpatterns = [
    # The admin site's own login form is neither throttled nor asks for the second
    # factor: everyone signs in at /login/ (docs/login-throttle.md).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("complaints.urls")),
    path("", include("registry.urls")),
    path("", include("whistleblower.urls")),
    path("", include("inspections.urls")),
    path("", include("inspections.desk_urls")),
    path("", include("inspections.lab_urls")),
    path("", include("violations.urls")),
    path("", include("review.urls")),
]
