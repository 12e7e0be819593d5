from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("partnerships/<int:partnership_id>/", views.partnership, name="partnership"),
    path("indicators/<int:indicator_id>/", views.indicator, name="indicator"),
    path("indicators/<int:indicator_id>/chart.svg", views.indicator_chart, name="indicator_chart"),
]
