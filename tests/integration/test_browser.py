"""The participant's day in a real headless browser (Playwright driving Debian's
Chromium) against the live site, PostgreSQL, Redis and a real Celery worker: sign up,
create a team, upload a file, watch it get scored without reloading, find the team on the
leaderboard."""

import io
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command

from competition.models import Phase, Submission
from tests.factories import csv_bytes, write_dataset

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]  # fmt: skip
PASSWORD = "a-browser-test-passphrase-9"


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        message = f"the browser test needs Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls
    # are ordinary synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@contextmanager
def paused(worker):
    """The worker takes no task from the queue inside the block."""
    from config.celery import app

    destination = [f"{worker.name}@{os.uname().nodename}"]
    app.control.cancel_consumer("celery", destination=destination, reply=True)
    try:
        yield
    finally:
        app.control.add_consumer("celery", destination=destination, reply=True)


@pytest.fixture
def phase(tmp_path):
    dataset = write_dataset(tmp_path, n_validation=30, n_test=30)
    call_command("import_dataset", str(dataset), competition="xacle", stdout=io.StringIO())
    return Phase.objects.get(competition__slug="xacle", kind="validation")


def test_a_participant_signs_up_submits_and_finds_the_team_ranked(
    phase, tmp_path, live_server, celery_worker_process, browser
):
    predictions = tmp_path / "carol_predictions.csv"
    predictions.write_bytes(csv_bytes(phase))
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.set_default_timeout(20_000)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up", exact=True).click()
    page.fill("#id_username", "carol")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_selector("text=Welcome, carol")

    page.get_by_role("link", name="Team", exact=True).click()
    page.fill("#id_new-name", "Carolers")
    page.get_by_role("button", name="Create team").click()
    page.wait_for_selector("text=You created team Carolers")

    # The worker holds off until the page has shown the submission queued, so that what
    # turns it into "scored" is the page's own polling.
    with paused(celery_worker_process):
        page.get_by_role("link", name="Submit", exact=True).click()
        page.select_option("#id_phase", "validation")
        page.fill("#id_system_name", "Carolers_01")
        page.set_input_files("#id_file", str(predictions))
        page.get_by_role("button", name="Upload").click()
        page.wait_for_selector("text=is queued for scoring")
        assert page.url.endswith("/c/xacle/submissions/")
        submission = Submission.objects.get(team__name="Carolers")
        card = f"#submission-{submission.pk}"
        assert page.inner_text(f"{card} .status") == "queued"
        page.evaluate("window.notReloaded = true")

    page.wait_for_selector(f"{card} .status.scored", timeout=60_000)
    assert page.evaluate("window.notReloaded") is True
    # The notice that said "queued" follows, and screen readers hear it (aria-live).
    said = f"Submission #{submission.pk} (Carolers_01) is scored."
    assert page.inner_text(".messages") == said
    assert page.inner_text("#live-status") == said
    srcc_cell = page.locator(f"{card} table.scores td:nth-child(2)").first.bounding_box()
    assert srcc_cell["x"] + srcc_cell["width"] <= 390  # SRCC in view on the phone
    srcc = submission.scores.get().srcc
    assert f"{srcc:.4f}" in page.inner_text(card)

    page.get_by_role("link", name="Leaderboards", exact=True).click()
    own = page.locator("tr.own")
    assert own.count() == 1
    assert "Carolers" in own.inner_text() and f"{srcc:.4f}" in own.inner_text()


def test_a_participant_selects_a_final_submission_through_the_page(
    phase, tmp_path, live_server, celery_worker_process, browser
):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import PASSWORD as USER_PASSWORD
    from tests.factories import make_team, make_user

    test_phase = Phase.objects.get(competition__slug="xacle", kind="test")
    test_phase.closes_at = timezone.now() + timedelta(days=3)
    test_phase.save()
    make_team(test_phase.competition, "Finalists", make_user("dora"))
    predictions = tmp_path / "dora_test.csv"
    predictions.write_bytes(csv_bytes(test_phase))
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "dora")
    page.fill("#id_password", USER_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(live_server.url + "/c/xacle/")  # the next deadline, in UTC and in local time
    assert "UTC" in page.inner_text("#next-deadline")
    page.wait_for_function("document.querySelector('#next-deadline .local').textContent !== ''")
    assert page.inner_text("#next-deadline .local").endswith("your time)")
    assert "2 days" in page.inner_text("#next-deadline .countdown")
    page.goto(live_server.url + "/c/xacle/submit/?phase=test")
    page.select_option("#id_phase", "test")
    page.fill("#id_system_name", "Finalists_01")
    page.set_input_files("#id_file", str(predictions))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("text=is queued for scoring")
    assert "0 of 4" in page.inner_text("#finals-test")

    page.get_by_role("button", name="Select as final").click()
    page.wait_for_selector("text=is now final")
    submission = Submission.objects.get(team__name="Finalists")
    assert submission.selected_for_final
    assert "1 of 4" in page.inner_text("#finals-test")
    assert page.inner_text(f"#submission-{submission.pk} .badge.final") == "final"
    page.get_by_role("button", name="Unselect final").click()
    page.wait_for_selector("text=is no longer final")
    submission.refresh_from_db()
    assert not submission.selected_for_final
