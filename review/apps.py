from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Case review, the top floor: the dashboard, exports and search over every
    workflow. It reads and never writes; it has no models of its own (its migrations
    are the history of the clocks and duplicate links that moved down)."""

    name = "review"
    verbose_name = _("Theo dõi, đánh giá vụ việc")
