"""HTML views, a module per area. Each module ends with its own `urlpatterns`, which
web/urls.py joins, so areas can grow without touching each other."""
