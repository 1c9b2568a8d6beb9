"""URLs (filled in by the app)."""

urlpatterns: list = []
