"""URLs of the lab pages (filled in by their views module)."""

urlpatterns: list = []
