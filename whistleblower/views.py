from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

from registry.login_forms import ThrottledAuthenticationForm
from registry.second_factor import pending_step
from whistleblower import vault


class VaultLoginView(auth_views.LoginView):
    """The staff login: besides the session, it unlocks the user's vault key with the
    password they just typed (the only moment the server sees it)."""

    template_name = "registry/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form):
        """Signed in; a user who needs the second factor goes to the second step (or to
        enrolment), keeping where they were going, and their vault key waits for it."""
        user = form.get_user()
        response = super().form_valid(form)
        step = pending_step(user)
        if step is not None:
            response = redirect(f"{step}?{urlencode({'next': self.get_success_url()})}")
        vault.on_login(self.request, user, form.cleaned_data["password"], response)
        return response

    def form_invalid(self, form):
        """A locked sign-in is refused with 429 and how long to wait (Retry-After)."""
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
            response["Retry-After"] = str(form.locked.retry_after)
        return response
