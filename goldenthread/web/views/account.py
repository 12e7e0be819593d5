"""“Your account” (issue 14): who you are in Golden Thread, your partnerships and roles,
and the way to your password, second factor and signed-in sessions (django-allauth's
pages)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from goldenthread.web.decorators import minimum_role


@login_required
@minimum_role("viewer")
def your_account(request: HttpRequest) -> HttpResponse:
    user = request.user
    memberships = user.memberships.select_related("partnership", "organisation").order_by(
        "partnership__name"
    )
    return render(
        request,
        "web/account/index.html",
        {
            "memberships": memberships,
            "has_password": user.has_usable_password(),
        },
    )


urlpatterns = [path("account/", your_account, name="your_account")]
