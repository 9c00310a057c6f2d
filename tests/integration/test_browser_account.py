"""A participant's own account in a real headless browser (Playwright driving Debian's
Chromium, a phone's screen) against the live site, PostgreSQL, Redis, a real Celery worker
and a real SMTP server: make an API token and submit with the CLI, see the score history,
read the leaderboard on a phone, post and reply in the discussion, reset a forgotten
password through the e-mail the SMTP server received; axe-core checks every page.

Screenshots and the accessibility report are kept in $TEST_ARTIFACTS (default
test-artifacts/ at the repository root)."""

import io
import json
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Profile
from competition.models import Phase, Submission
from tests.factories import csv_bytes, make_team, make_user, write_dataset
from tests.integration.test_browser import browser  # noqa: F401  (the Chromium fixture)
from xacle_cli.__main__ import main as xacle

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts"))
PASSWORD = "a-browser-test-passphrase-9"
NEW_PASSWORD = "a-reset-browser-passphrase-4"
PHONE = {"width": 390, "height": 844}


class AxeReport:
    """axe-core (its script from the axe-playwright-python wheel, injected into the page: no
    network) on each page; serious or critical violations fail the test."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe, self.pages = Axe(), {}

    def check(self, page, name):
        violations = self.axe.run(page).response["violations"]
        self.pages[name] = [
            {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in violations
        ]
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, f"{name}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}" for v in bad
        )

    def save(self):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe-report.json").write_text(json.dumps(self.pages, indent=2))


@pytest.fixture
def phase(tmp_path):
    dataset = write_dataset(tmp_path, n_validation=30, n_test=30)
    call_command("import_dataset", str(dataset), competition="xacle", stdout=io.StringIO())
    return Phase.objects.get(competition__slug="xacle", kind="validation")


@pytest.fixture
def dave(phase):
    """dave has a confirmed address, a team, and a rival team already on the board."""
    user = make_user("dave")
    user.set_password(PASSWORD)
    user.save()
    Profile.objects.create(user=user, confirmed_email=user.email, notify_replies=True)
    make_team(phase.competition, "Divers", user)
    return user


def log_in(page, url, username, password):
    page.goto(url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_a_participant_runs_their_own_account_from_a_phone(
    phase, dave, tmp_path, live_server, celery_worker_process, smtp_server, browser,  # noqa: F811
    monkeypatch, capsys,
):  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    axe = AxeReport()
    url = live_server.url
    page = browser.new_page(viewport=PHONE)
    page.set_default_timeout(20_000)
    log_in(page, url, "dave", PASSWORD)
    axe.check(page, "overview")

    # An API token, made on the page and used by the command-line client.
    page.get_by_role("link", name="API token").click()
    page.fill("#id_name", "laptop")
    page.get_by_role("button", name="Create token").click()
    export = page.inner_text("#token-export")
    token = re.search(r"export XACLE_TOKEN=(\S+)", export).group(1)
    axe.check(page, "api-token")
    predictions = tmp_path / "predictions.csv"
    predictions.write_bytes(csv_bytes(phase))
    monkeypatch.setenv("XACLE_URL", url)
    monkeypatch.setenv("XACLE_TOKEN", token)
    status = xacle(["submit", str(predictions), "--system", "Divers_01", "--wait"])
    out, err = capsys.readouterr()
    assert status == 0, err
    submission = Submission.objects.get(team__name="Divers")
    assert submission.status == "scored"
    page.reload()
    assert "laptop" in page.inner_text("table") and "never" not in page.inner_text(
        "tbody td:nth-child(4)"
    )

    # The score history on My submissions.
    page.goto(url + "/c/xacle/")
    page.get_by_role("banner").get_by_role("link", name="My submissions").click()
    chart = page.locator("svg.chart").first
    assert chart.is_visible()
    assert chart.bounding_box()["width"] <= PHONE["width"]
    assert (
        "Divers_01" in chart.get_attribute("aria-labelledby")
        or page.locator("svg.chart title").count()
    )
    page.get_by_text("Table view").first.click()
    srcc = submission.scores.get().srcc
    assert f"{srcc:.4f}" in page.inner_text("figure.history table")
    axe.check(page, "my-submissions")
    page.screenshot(path=str(ARTIFACTS / "phone-my-submissions.png"), full_page=True)
    page.goto(f"{url}/submissions/{submission.pk}/")
    axe.check(page, "submission")
    page.goto(url + "/c/xacle/")

    # The leaderboard on a phone: both ranks, team, system and SRCC without scrolling.
    nav = page.get_by_role("banner")
    nav.get_by_role("link", name="Leaderboards", exact=True).click()
    row = page.locator("table.board tbody tr").first
    for cell in (1, 2, 3, 5):  # team rank, system rank, team (with its system), SRCC
        box = row.locator(f"td:nth-child({cell})").bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], cell
    assert "Divers_01" in row.locator("td:nth-child(3)").inner_text()
    assert page.locator("#board-hint").is_visible()
    page.screenshot(path=str(ARTIFACTS / "phone-leaderboard.png"), full_page=True)
    axe.check(page, "leaderboard")

    for name in ("Submit", "Team"):
        nav.get_by_role("link", name=name, exact=True).click()
        axe.check(page, name.lower())
    page.goto(url + "/accounts/email/")
    axe.check(page, "email-and-notices")
    page.goto(url + "/accounts/password/")
    axe.check(page, "password-change")
    page.goto(url + "/c/xacle/no-such-page/")
    axe.check(page, "not-found")
    page.goto(url + "/c/xacle/")

    # The discussion: a topic, a reply from another participant, the notice by e-mail.
    nav.get_by_role("link", name="Discussion", exact=True).click()
    axe.check(page, "discussion")
    page.get_by_role("link", name="New topic").click()
    page.fill("#id_title", "Which loss works best?")
    page.fill("#id_body", "I tried **MSE** <script>alert(1)</script>")
    page.get_by_role("button", name="Post topic").click()
    page.wait_for_selector("text=Which loss works best?")
    assert page.locator("article.post .prose strong").inner_text() == "MSE"
    assert page.locator("article.post .prose script").count() == 0
    axe.check(page, "topic")
    page.get_by_role("link", name="Edit").click()
    axe.check(page, "post-edit")
    page.get_by_role("button", name="Save").click()
    erin = make_user("erin")
    erin.set_password(PASSWORD)
    erin.save()
    Profile.objects.create(user=erin, confirmed_email=erin.email)
    other = browser.new_page(viewport=PHONE)
    other.set_default_timeout(20_000)
    other.goto(url + "/accounts/signup/")
    axe.check(other, "signup")
    log_in(other, url, "erin", PASSWORD)
    other.goto(page.url)
    other.fill("#id_body", "Try a *ranking* loss.")
    other.get_by_role("button", name="Post reply").click()
    other.wait_for_selector("article.post .prose em")
    smtp_server.received("dave@example.org", "erin replied")
    page.reload()
    assert (
        "ranking" in page.inner_text("article.post:nth-of-type(2)") or "ranking" in page.content()
    )
    page.screenshot(path=str(ARTIFACTS / "phone-discussion.png"), full_page=True)

    # A forgotten password, reset through the message the SMTP server received.
    page.get_by_role("button", name="Log out").click()
    page.goto(url + "/accounts/login/")
    axe.check(page, "login")
    page.get_by_role("link", name="Forgot your password?").click()
    axe.check(page, "password-reset")
    page.fill("#id_email", "dave@example.org")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_selector("text=Check your e-mail")
    axe.check(page, "password-reset-sent")
    message = smtp_server.received("dave@example.org", "Reset your XACLE password")
    link = re.search(r"https?://\S+", message.get_content()).group(0)
    page.goto(link)
    axe.check(page, "password-reset-new")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    page.wait_for_selector("text=Password changed")
    axe.check(page, "password-reset-done")
    log_in(page, url, "dave", NEW_PASSWORD)
    assert page.get_by_role("link", name="API token").is_visible()
    axe.save()
