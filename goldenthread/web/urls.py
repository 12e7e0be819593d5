from .views import pages

urlpatterns = [
    *pages.urlpatterns,
]
