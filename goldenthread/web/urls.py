from .views import pace, pages, plans, risks, sharing, thread

urlpatterns = [
    *pages.urlpatterns,
    *risks.urlpatterns,
    *pace.urlpatterns,
    *plans.urlpatterns,
    *sharing.urlpatterns,
    *thread.urlpatterns,
]
