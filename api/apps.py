from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The django-ninja API at /api/v1/: auth, error mapping, one router per app."""

    name = "api"
    verbose_name = "API"
