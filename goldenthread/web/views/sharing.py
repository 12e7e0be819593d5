"""Sharing a plan with partners and the public: the plan on a page and the full plan, as web
pages and as PDF and Word files. All four are drawn from one content structure
(goldenthread.core.plan_document), so they say the same thing."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from goldenthread.core.access import get_plan_for_user
from goldenthread.core.plan_document import Layout, plan_document
from goldenthread.documents import plan as plan_files
from goldenthread.web.decorators import minimum_role

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(request: HttpRequest, plan_id: int, layout: Layout) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    return render(
        request,
        f"web/sharing/plan_{layout.value}.html",
        {
            "plan": plan,
            "partnership": plan.partnership,
            "doc": plan_document(plan),
            "layout": layout.value,
        },
    )


@minimum_role("viewer")
@login_required
@require_GET
def plan_on_a_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _page(request, plan_id, Layout.PAGE)


@minimum_role("viewer")
@login_required
@require_GET
def plan_full(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _page(request, plan_id, Layout.FULL)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A draft or a partnership's plan is not for shared caches.
    response["Cache-Control"] = "private, no-cache"
    return response


@minimum_role("viewer")
@login_required
@require_GET
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The full plan, or with ?layout=page the plan on a page, as a tagged A4 PDF."""
    plan = get_plan_for_user(request.user, plan_id)
    layout = Layout.from_query(request.GET.get("layout"))
    doc = plan_document(plan)
    return _download(plan_files.plan_pdf(doc, layout), PDF, doc.filename(layout, "pdf"))


@minimum_role("viewer")
@login_required
@require_GET
def plan_docx(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The full plan, or with ?layout=page the plan on a page, as a Word document."""
    plan = get_plan_for_user(request.user, plan_id)
    layout = Layout.from_query(request.GET.get("layout"))
    doc = plan_document(plan)
    return _download(plan_files.plan_docx(doc, layout), DOCX, doc.filename(layout, "docx"))


urlpatterns = [
    path("plans/<int:plan_id>/on-a-page/", plan_on_a_page, name="plan_on_a_page"),
    path("plans/<int:plan_id>/full/", plan_full, name="plan_full"),
    path("plans/<int:plan_id>/plan.pdf", plan_pdf, name="plan_pdf"),
    path("plans/<int:plan_id>/plan.docx", plan_docx, name="plan_docx"),
]
