"""A phase's life with frozen time: upcoming, open to the last second, closed from the
first second after, revealed after `reveal` (which closes it); refusals with their code on
every path; late submissions; dates in UTC."""

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from competition import leaderboard, scorer
from competition.models import Phase, Submission
from tests.factories import csv_bytes, upload, write_dataset

pytestmark = pytest.mark.django_db

OPENS = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
CLOSES = datetime(2026, 1, 31, 23, 59, tzinfo=UTC)
LAST_SECOND = CLOSES - timedelta(seconds=1)
URL = "/api/competitions/xacle/phases/test/submissions/"


@pytest.fixture
def windowed(test_phase):
    test_phase.opens_at, test_phase.closes_at = OPENS, CLOSES
    test_phase.save()
    return test_phase


def post(client, phase, system="Aurora_01"):
    return client.post(URL, {"system_name": system, "file": upload(phase)}, format="multipart")


def test_the_states_follow_the_clock_and_the_reveal(windowed):
    assert windowed.state(OPENS - timedelta(seconds=1)) == "upcoming"
    assert windowed.state(OPENS) == "open"
    assert windowed.state(LAST_SECOND) == "open"
    assert windowed.state(CLOSES) == "closed"
    windowed.leaderboard = Phase.REVEALED
    assert windowed.state(LAST_SECOND) == "revealed"


def test_the_last_second_of_the_window_is_taken_and_the_first_after_refused(api_alice, windowed):
    with time_machine.travel(LAST_SECOND, tick=False):
        assert post(api_alice, windowed).status_code == 201
    with time_machine.travel(CLOSES, tick=False):
        response = post(api_alice, windowed, "Aurora_02")
    assert response.status_code == 403
    assert response.json() == {
        "errors": ["The test phase closed at 2026-01-31 23:59 UTC."],
        "code": "phase_closed",
    }
    assert Submission.objects.count() == 1


def test_before_the_window_the_api_says_not_open(api_alice, windowed):
    with time_machine.travel(OPENS - timedelta(seconds=1), tick=False):
        response = post(api_alice, windowed)
    assert response.status_code == 403
    assert response.json() == {
        "errors": ["The test phase opens at 2026-01-01 00:00 UTC."],
        "code": "phase_not_open",
    }


def test_the_form_shows_a_closed_phase_as_a_notice_not_a_file_problem(as_alice, windowed):
    with time_machine.travel(CLOSES + timedelta(hours=1), tick=False):
        response = as_alice.post(
            "/c/xacle/submit/",
            {"phase": "test", "system_name": "Aurora_01", "file": upload(windowed)},
        )
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-code="phase_closed"' in page and "closed at 2026-01-31 23:59 UTC" in page
    assert "The file was not accepted" not in page
    assert not Submission.objects.exists()


def test_the_upload_page_says_when_the_next_submission_is_possible(as_alice, windowed):
    def next_cell(moment):
        with time_machine.travel(moment, tick=False):
            page = as_alice.get("/c/xacle/submit/").content.decode()
        row = page[page.index('id="quota-test"') :]
        return row[row.index('class="next">') + 13 : row.index("</td>", row.index('class="next">'))]

    assert next_cell(OPENS - timedelta(days=1)) == "2026-01-01 00:00 UTC"
    assert next_cell(LAST_SECOND) == "now"
    assert next_cell(CLOSES) == "none: the phase is closed"


def test_manage_submit_refuses_outside_the_window_and_force_says_it_overrode(
    windowed, aurora, tmp_path
):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(windowed))
    args = ("submit", str(path))
    options = dict(competition="xacle", phase="test", team="Aurora", system="Aurora_01")
    with time_machine.travel(CLOSES, tick=False):
        err = io.StringIO()
        with pytest.raises(CommandError, match="add --force"):
            call_command(*args, **options, stdout=io.StringIO(), stderr=err)
        assert "The test phase closed at 2026-01-31 23:59 UTC." in err.getvalue()
        out, err = io.StringIO(), io.StringIO()
        call_command(*args, **options, force=True, stdout=out, stderr=err)
    submission = Submission.objects.get()
    assert out.getvalue().strip() == str(submission.pk) and not submission.is_late
    assert "--force: submitted although the test phase is closed" in err.getvalue()


def test_reveal_closes_an_open_phase_and_ends_its_selection_and_says_so(windowed):
    with time_machine.travel(datetime(2026, 1, 15, tzinfo=UTC), tick=False):
        out = io.StringIO()
        call_command("reveal", competition="xacle", phase="test", stdout=out)
    windowed.refresh_from_db()
    text = out.getvalue()
    assert "was still open: it is closed now (2026-01-15 00:00 UTC)" in text
    assert "the final selection was still open: it is ended now" in text
    assert windowed.closes_at == datetime(2026, 1, 15, tzinfo=UTC)
    assert windowed.state() == "revealed" and not windowed.selection_open()


def test_reveal_refuses_a_phase_without_ground_truth(windowed):
    windowed.items().filter(pk=windowed.items().first().pk).update(mean_score=None)
    with pytest.raises(CommandError, match="no ground truth to reveal .1 of its items"):
        call_command("reveal", competition="xacle", phase="test", stdout=io.StringIO())
    windowed.refresh_from_db()
    assert windowed.leaderboard != Phase.REVEALED


def test_nothing_is_accepted_after_the_reveal_not_even_late(api_alice, windowed):
    windowed.accept_late = True
    windowed.save()
    call_command("reveal", competition="xacle", phase="test", stdout=io.StringIO())
    response = post(api_alice, windowed)
    assert response.status_code == 403 and response.json()["code"] == "phase_closed"
    assert "revealed" in response.json()["errors"][0]


# Late submissions


def test_without_accept_late_a_late_submission_is_refused(api_alice, windowed):
    with time_machine.travel(CLOSES + timedelta(minutes=5), tick=False):
        assert post(api_alice, windowed).status_code == 403


def test_a_late_submission_is_scored_marked_hidden_until_the_reveal_and_never_ranked(
    api_alice, windowed, scored_submission, borealis
):
    windowed.accept_late = True
    windowed.save()
    with time_machine.travel(LAST_SECOND, tick=False):
        on_time = scored_submission(windowed, borealis, "B_01")
    with time_machine.travel(CLOSES, tick=False):
        response = post(api_alice, windowed)
        assert response.status_code == 201 and response.json()["late"] is True
        late = Submission.objects.get(pk=response.json()["id"])
        scorer.score_submission(late.pk)
        data = api_alice.get(f"/api/submissions/{late.pk}/").json()
        assert data["status"] == "scored" and data["scores"] == [] and data["late"] is True
        page = api_alice.get("/c/xacle/submissions/").content.decode()
        assert 'class="badge late">late' in page
        page = api_alice.get(f"/submissions/{late.pk}/").content.decode()
        assert 'class="badge late">late' in page and "never ranked" in page
        public = windowed.splits.get(name="public")
        board = leaderboard.build(windowed, public, by="system", organizer=True)
        assert [row.submission_id for row in board.rows] == [on_time.pk]
    call_command("reveal", competition="xacle", phase="test", stdout=io.StringIO())
    data = api_alice.get(f"/api/submissions/{late.pk}/").json()
    assert {score["split"] for score in data["scores"]} == {"public", "private"}
    for split in windowed.splits.all():
        board = leaderboard.build(windowed, split, by="system")
        assert late.pk not in [row.submission_id for row in board.rows]
    out = io.StringIO()
    call_command("leaderboard", competition="xacle", phase="test", format="csv", stdout=out)
    assert "Aurora" not in out.getvalue() and "Borealis" in out.getvalue()


def test_a_late_submission_counts_in_no_standing(windowed, aurora, scored_submission):
    windowed.accept_late = True
    windowed.save()
    with time_machine.travel(CLOSES, tick=False):
        late = scored_submission(windowed, aurora)
    assert late.is_late and late.status == Submission.SCORED
    from competition.models import Standing

    assert not Standing.objects.filter(submission=late).exists()


# import_dataset's window options


def test_import_dataset_sets_each_phase_window_in_utc_and_prints_it(tmp_path, enqueued):
    dataset = write_dataset(tmp_path)
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 1, 10, tzinfo=UTC), tick=False):
        call_command(
            "import_dataset",
            str(dataset),
            "--competition=imported",
            "--opens-at=test=2026-01-20T00:00",
            "--closes-at=test=2027-01-31T23:59",
            "--closes-at=validation=2026-01-31T23:59+09:00",
            stdout=out,
        )
    test = Phase.objects.get(competition__slug="imported", kind="test")
    validation = Phase.objects.get(competition__slug="imported", kind="validation")
    assert test.opens_at == datetime(2026, 1, 20, tzinfo=UTC)
    assert test.closes_at == datetime(2027, 1, 31, 23, 59, tzinfo=UTC)
    assert validation.closes_at == datetime(2026, 1, 31, 14, 59, tzinfo=UTC)
    text = out.getvalue()
    assert "Test phase: opens 2026-01-20 00:00 UTC, closes 2027-01-31 23:59 UTC; now upcoming." in (
        text
    )
    assert (
        "Validation phase: opens 2026-01-10 00:00 UTC, closes 2026-01-31 14:59 UTC; now open."
        in (text)
    )


def test_without_options_a_phase_opens_at_once_and_never_closes(tmp_path, enqueued):
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 1, 10, 8, 30, tzinfo=UTC), tick=False):
        call_command("import_dataset", str(write_dataset(tmp_path)), competition="y", stdout=out)
    assert (
        "Test phase: opens 2026-01-10 08:30 UTC, closes no closing date; now open."
        in out.getvalue()
    )


def test_import_dataset_refuses_a_bad_date_and_a_window_that_ends_first(tmp_path, enqueued):
    dataset = write_dataset(tmp_path)
    with pytest.raises(CommandError, match="not an ISO 8601 date"):
        call_command("import_dataset", str(dataset), "--competition=x", "--closes-at=test=31/01")
    with pytest.raises(CommandError, match="PHASE=WHEN"):
        call_command("import_dataset", str(dataset), "--competition=x", "--closes-at=2027-01-31")
    with pytest.raises(CommandError, match="would close .* before it opens"):
        call_command(
            "import_dataset",
            str(dataset),
            "--competition=x",
            "--opens-at=test=2027-02-01T00:00",
            "--closes-at=test=2027-01-31T00:00",
            stdout=io.StringIO(),
        )
    assert not Phase.objects.filter(competition__slug="x").exists()


# Dates on the pages


def test_the_overview_shows_the_next_deadline_in_utc_with_the_time_left(anonymous, windowed):
    with time_machine.travel(datetime(2026, 1, 30, 20, 29, tzinfo=UTC), tick=False):
        page = anonymous.get("/c/xacle/").content.decode()
    deadline = page[page.index('id="next-deadline"') :]
    deadline = deadline[: deadline.index("</p>")]
    assert "Test phase closes</strong> at 2026-01-31 23:59 UTC" in deadline
    assert "1 day 3 hours" in deadline
    assert 'data-when="2026-01-31T23:59:00+00:00"' in deadline  # filled in local time
    assert "deadline.js" in page
