from django.contrib.auth import views as auth_views

from whistleblower import vault


class VaultLoginView(auth_views.LoginView):
    """The staff login: besides the session, it unlocks the user's vault key with the
    password they just typed (the only moment the server sees it)."""

    template_name = "registry/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        vault.on_login(self.request, form.get_user(), form.cleaned_data["password"], response)
        return response
