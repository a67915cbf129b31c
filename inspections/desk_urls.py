"""URLs of the desk pages (filled in by their views module)."""

urlpatterns: list = []
