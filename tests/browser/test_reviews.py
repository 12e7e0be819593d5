"""Reviewing together in the browser, on the demo: the lead records a review meeting with
a resident from outside the partnership, whose follow-up becomes an action in the plan; a
viewer gives feedback and the lead of that partnership answers it. axe-core checks the
review pages, a comments page and the feedback pages for the roles that see them."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from goldenthread.core.models import Action, Feedback, Indicator, Partnership, ReviewMeeting
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in_with_keyboard


def test_a_review_meeting_with_an_outside_attendee_whose_follow_up_becomes_an_action(
    page: Page, live_server, demo
):
    base = live_server.url
    partnership = Partnership.objects.get(name="Community Safety Partnership")
    sign_in_with_keyboard(page, base, "lead")
    page.goto(base + reverse("review_list", args=[partnership.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review meetings")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Record a review meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a review meeting")
    assert_no_axe_violations(page)

    today = timezone.localdate()
    page.get_by_label("Date of the meeting").fill(today.isoformat())
    page.get_by_label(re.compile(r"^Sarah Bennett")).check()
    page.get_by_label(re.compile(r"^Daniel Hughes")).check()
    # Someone from outside, by organisation only at first: they need a name.
    page.locator("#id_guests-0-organisation").fill("Sale Residents' Association")
    page.locator("#id_guests-0-kind").select_option(label="Customer or resident")
    page.get_by_label("What went well").fill("Burglaries fell for the second quarter running.")
    page.get_by_label("Challenges").fill("Fewer volunteers in winter: more would help.")
    page.locator("#id_followups-0-title").fill("Run a volunteer recruitment evening")
    page.locator("#id_followups-0-objective").select_option(index=1)
    page.locator("#id_followups-0-owner").select_option(label="Daniel Hughes")
    due = today + datetime.timedelta(days=60)
    page.locator("#id_followups-0-due_date").fill(due.isoformat())
    page.get_by_role("button", name="Record the meeting").click()

    expect(page).to_have_title(re.compile(r"^Error: Record a review meeting"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Person from outside 1: Enter the name of the person from outside the partnership"
    )
    expect(page.locator("#id_followups-0-title")).to_have_value(
        "Run a volunteer recruitment evening"
    )
    assert not ReviewMeeting.objects.exists()
    assert_no_axe_violations(page)

    summary.get_by_role("link").first.click()
    expect(page.locator("#id_guests-0-name")).to_be_focused()
    page.keyboard.type("Pat Jones")
    page.get_by_role("button", name="Record the meeting").click()

    meeting = ReviewMeeting.objects.get()
    action = Action.objects.get(raised_at=meeting)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review of {meeting.period.label}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 follow-up action")
    expect(page.locator("main")).to_contain_text("Pat Jones")
    expect(page.locator("main")).to_contain_text("Customer or resident")
    assert action.owner.username == "member"
    assert action.due_date == due
    assert action.history.first().history_user.username == "lead"
    assert_no_axe_violations(page)

    # The follow-up is an action of the approved plan, there and on the partnership page.
    page.get_by_role("link", name=f"{action.ref} Run a volunteer recruitment evening").click()
    expect(page.locator("main")).to_contain_text(
        f"{action.ref} Run a volunteer recruitment evening"
    )
    page.goto(base + partnership.get_absolute_url())
    expect(page.locator("main")).to_contain_text(
        f"{action.ref} Run a volunteer recruitment evening"
    )

    # Comments on it, from the meeting's page.
    page.go_back()
    page.go_back()
    page.get_by_role("link", name=f"Comments on {action.ref}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Comments on action {action.ref}")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your comment")
    assert_no_axe_violations(page)
    page.get_by_label("Add a comment").fill("The library has offered a room for it.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#comments")).to_contain_text("The library has offered a room for it.")
    assert_no_axe_violations(page)


def test_a_viewer_gives_feedback_and_the_lead_answers_it(page: Page, live_server, demo):
    base = live_server.url
    board = Partnership.objects.get(name="Health and Wellbeing Board")
    sign_in_with_keyboard(page, base, "viewer")

    # A viewer reads comments and is pointed to feedback instead.
    indicator = Indicator.objects.filter(partnership=board).first()
    page.goto(base + reverse("indicator_comment", args=[indicator.pk]))
    expect(page.locator("#comments")).to_contain_text("Give the lead your feedback")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Give the lead your feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give feedback")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your feedback")
    assert_no_axe_violations(page)
    page.get_by_label("What is your feedback about? (optional)").fill("Waiting times")
    page.get_by_label("Your feedback", exact=True).fill(
        "Could the board show waiting times by ward?"
    )
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback")
    expect(page.locator("main")).to_contain_text("Waiting for an answer")
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    sign_in_with_keyboard(page, base, "rachel.thompson")  # the board's lead
    page.goto(base + reverse("feedback_list", args=[board.pk]))
    expect(page.locator("#feedback-counts")).to_contain_text("Waiting for an answer")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile(r"^Answer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer feedback")
    assert_no_axe_violations(page)
    page.get_by_label("Your answer").fill("Yes: from next quarter, with the ward map.")
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator("main")).to_contain_text("Yes: from next quarter, with the ward map.")
    assert_no_axe_violations(page)
    feedback = Feedback.objects.get()
    assert feedback.answered_by.username == "rachel.thompson"
