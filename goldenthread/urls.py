from allauth.account.views import LogoutView
from django.contrib import admin
from django.urls import include, path, re_path

from goldenthread.api import fallback
from goldenthread.api.docs import api_docs
from goldenthread.api.main import api
from goldenthread.web.views import sign_in
from goldenthread.web.views.security import admin_login

# The admin signs in through our sign-in page, with the same limits on guessing and the
# same second factor (web.views.security.admin_login).
admin.site.login = admin_login

urlpatterns = [
    # Signing in: step 1 asks who you are and sends people of an organisation with its
    # own identity provider there; step 2 is the password (web/views/sign_in.py). These
    # stand in front of allauth's own login page (its "account_login" is this same URL).
    path("accounts/login/", sign_in.sign_in_start, name="login"),
    path("accounts/login/password/", sign_in.sign_in_password, name="sign_in_password"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    # allauth's openid_connect login, with the providers in its page's form-action.
    path("accounts/oidc/<str:provider_id>/login/", sign_in.provider_login),
    # django-allauth: password (change, reset), organisations' sign-in, second factor,
    # sessions. Its own sign-up is closed (web/allauth_adapters.py).
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # The JSON API (issue 15): /api/v1/, its OpenAPI description at /api/v1/openapi.json.
    # Its documentation, an accessible page made from that description (api/docs.py).
    path("api/v1/docs", api_docs, name="api_docs"),
    path("api/v1/", api.urls),
    # Any other address under /api/ is a 404 problem (JSON), not the site's HTML page.
    re_path(r"^api/", fallback.not_found),
    path("", include("goldenthread.web.urls")),
]
