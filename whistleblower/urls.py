from django.urls import path

from whistleblower.views import VaultLoginView

urlpatterns = [
    # The staff login, which also unlocks the user's vault key (whistleblower/views.py).
    path("login/", VaultLoginView.as_view(), name="login"),
]
