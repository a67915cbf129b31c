from django.urls import path

from whistleblower import protection_views
from whistleblower.views import VaultLoginView

urlpatterns = [
    # The staff login, which also unlocks the user's vault key (whistleblower/views.py).
    path("login/", VaultLoginView.as_view(), name="login"),
    # Protection requests: the unit's custodians and supervisors (docs/protection.md).
    path("protection/", protection_views.protection_list, name="protection-list"),
    path(
        "protection/<int:protection_id>/",
        protection_views.protection_detail,
        name="protection-detail",
    ),
    path(
        "protection/<int:protection_id>/decide/",
        protection_views.protection_decide,
        name="protection-decide",
    ),
    path(
        "protection/<int:protection_id>/follow-up/",
        protection_views.protection_follow_up,
        name="protection-follow-up",
    ),
    path(
        "protection/<int:protection_id>/inform/",
        protection_views.protection_inform,
        name="protection-inform",
    ),
    path(
        "protection/<int:protection_id>/close/",
        protection_views.protection_close,
        name="protection-close",
    ),
]
