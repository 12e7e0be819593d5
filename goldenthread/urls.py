from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from goldenthread.web.forms import SignInForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", authentication_form=SignInForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # django-allauth: password (change, reset), organisations' sign-in, second factor,
    # sessions. Its own sign-up is closed (web/allauth_adapters.py).
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("goldenthread.web.urls")),
]
