"""The phase's submission limits: per UTC day and in total, refused with a reason."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

import scoring
from competition.models import QuotaGrant, Submission
from competition.submitting import submit
from tests.factories import make_competition, make_team, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("competition.tasks.enqueue", lambda ids: len(ids))


@pytest.fixture
def phase():
    phase = make_competition().phases.get(kind="validation")
    phase.max_submissions_per_day = 2
    phase.save()
    return phase


def test_the_daily_limit_refuses_the_next_submission_until_midnight(phase):
    team = make_team(phase.competition, "owls")
    for number in range(2):
        submit(phase, team, f"s{number}", upload(phase))
    with pytest.raises(scoring.SubmissionError, match="its 2 submissions .* for today"):
        submit(phase, team, "s3", upload(phase))
    Submission.objects.update(
        submitted_at=Submission.objects.first().submitted_at - timedelta(days=1)
    )
    submit(phase, team, "s3", upload(phase))


def test_the_limit_is_per_team(phase):
    owls, larks = make_team(phase.competition, "owls"), make_team(phase.competition, "larks")
    for number in range(2):
        submit(phase, owls, f"s{number}", upload(phase))
    submit(phase, larks, "l1", upload(phase))


def test_failed_submissions_and_refused_files_cost_nothing(phase):
    team = make_team(phase.competition, "owls")
    first = submit(phase, team, "s1", upload(phase))
    Submission.objects.filter(pk=first.pk).update(status=Submission.FAILED)
    with pytest.raises(scoring.SubmissionError):
        submit(phase, team, "broken", upload(phase, predictions=[float("nan")] * 12))
    submit(phase, team, "s2", upload(phase))
    submit(phase, team, "s3", upload(phase))


def test_the_total_limit(phase):
    phase.max_submissions_per_day, phase.max_submissions_total = None, 1
    phase.save()
    team = make_team(phase.competition, "owls")
    submit(phase, team, "s1", upload(phase))
    with pytest.raises(scoring.SubmissionError, match="all 1 submissions"):
        submit(phase, team, "s2", upload(phase))


def test_the_organizers_reference_systems_are_not_counted(phase):
    team = make_team(phase.competition, "Organizers")
    for number in range(3):
        submit(phase, team, f"b{number}", upload(phase), is_baseline=True, check_open=False)


# With frozen time, through the API and the pages (alice of Aurora; see conftest).

DAY_END = datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC)
NEXT_DAY = datetime(2026, 3, 2, 0, 0, 0, tzinfo=UTC)
API = "/api/competitions/xacle/phases/validation/"


def api_post(client, phase, system):
    return client.post(
        API + "submissions/", {"system_name": system, "file": upload(phase)}, format="multipart"
    )


@pytest.fixture
def daily(validation):
    validation.opens_at = datetime(2026, 1, 1, tzinfo=UTC)
    validation.max_submissions_per_day, validation.max_submissions_total = 2, 5
    validation.save()
    return validation


def test_the_nth_of_a_utc_day_is_taken_the_next_refused_until_midnight(api_alice, daily):
    with time_machine.travel(DAY_END, tick=False):
        assert api_post(api_alice, daily, "A_1").status_code == 201
        second = api_post(api_alice, daily, "A_2")
        assert second.status_code == 201
        assert second.json()["quota"]["left_today"] == 0
        third = api_post(api_alice, daily, "A_3")
    assert third.status_code == 429 and third["Retry-After"] == "1"
    assert third.json() == {
        "errors": [
            "Your team has made its 2 submissions to the validation phase for today (UTC); "
            "the next one is possible at 2026-03-02 00:00 UTC."
        ],
        "code": "quota_exceeded",
    }
    with time_machine.travel(NEXT_DAY, tick=False):
        assert api_post(api_alice, daily, "A_3").status_code == 201


def test_a_spent_total_answers_429_without_retry_after(api_alice, daily):
    daily.max_submissions_per_day, daily.max_submissions_total = None, 1
    daily.save()
    assert api_post(api_alice, daily, "A_1").status_code == 201
    response = api_post(api_alice, daily, "A_2")
    assert response.status_code == 429 and "Retry-After" not in response
    assert response.json()["code"] == "quota_exceeded"
    assert "all 1 submissions" in response.json()["errors"][0]


def test_the_phase_endpoint_shows_the_teams_quota_and_when_the_next_is_possible(
    api_alice, daily, api_anonymous
):
    with time_machine.travel(DAY_END - timedelta(hours=1), tick=False):
        api_post(api_alice, daily, "A_1")
        api_post(api_alice, daily, "A_2")
        data = api_alice.get(API).json()
    assert data["state"] == "open" and data["kind"] == "validation"
    assert data["quota"] == {
        "per_day": 2, "total": 5, "used_today": 2, "used_total": 2, "extra": 0,
        "left_today": 0, "left_total": 3, "left": 0, "next_at": "2026-03-02T00:00:00Z",
    }  # fmt: skip
    assert api_anonymous.get(API).json()["quota"] is None


def test_a_worker_failure_and_a_format_error_cost_nothing(api_alice, daily):
    with time_machine.travel(DAY_END, tick=False):
        first = api_post(api_alice, daily, "A_1").json()
        Submission.objects.filter(pk=first["id"]).update(status=Submission.FAILED)
        bad = upload(daily, predictions=[float("nan")] * 12)
        refused = api_alice.post(
            API + "submissions/", {"system_name": "x", "file": bad}, format="multipart"
        )
        assert refused.status_code == 400
        assert api_alice.get(API).json()["quota"]["left_today"] == 2


def test_the_upload_page_shows_the_quota_and_a_spent_one_as_a_notice(as_alice, daily):
    with time_machine.travel(DAY_END, tick=False):
        for name in ("A_1", "A_2"):
            as_alice.post(
                "/c/xacle/submit/",
                {"phase": "validation", "system_name": name, "file": upload(daily)},
            )
        page = as_alice.get("/c/xacle/submit/").content.decode()
        row = page[page.index('id="quota-validation"') :]
        assert "0 of 2" in row[: row.index("</tr>")] and "2026-03-02 00:00 UTC" in row
        response = as_alice.post(
            "/c/xacle/submit/", {"phase": "validation", "system_name": "A_3", "file": upload(daily)}
        )
    page = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "1"
    assert "Your team's quota" in page and 'data-code="quota_exceeded"' in page
    assert "The file was not accepted" not in page


def test_an_organizers_grant_gives_extra_submissions_beyond_the_limits(
    api_alice, daily, aurora, as_olga
):
    daily.max_submissions_total = 1
    daily.save()
    assert api_post(api_alice, daily, "A_1").status_code == 201
    assert api_post(api_alice, daily, "A_2").status_code == 429
    response = as_olga.post(
        f"/admin/competition/team/{aurora.pk}/change/",
        {
            "name": "Aurora", "competition": aurora.competition_id,
            "invite_code": aurora.invite_code,
            "created_at_0": "2026-01-01", "created_at_1": "00:00:00",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            "quota_grants-TOTAL_FORMS": "1", "quota_grants-INITIAL_FORMS": "0",
            "quota_grants-0-phase": daily.pk, "quota_grants-0-extra": "1",
            "quota_grants-0-note": "Lost to the outage of 1 March",
            "disqualifications-TOTAL_FORMS": "0", "disqualifications-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    assert QuotaGrant.objects.get().note == "Lost to the outage of 1 March"
    assert api_alice.get(API).json()["quota"]["extra"] == 1
    granted = api_post(api_alice, daily, "A_2")
    assert granted.status_code == 201
    assert Submission.objects.get(pk=granted.json()["id"]).used_grant
    assert api_post(api_alice, daily, "A_3").status_code == 429
    listing = as_olga.get("/admin/competition/team/").content.decode()
    assert "validation +1" in listing and "validation 2" in listing


def test_leaving_a_team_never_buys_fresh_submissions(api_alice, alice, daily, as_alice):
    daily.max_submissions_per_day, daily.max_submissions_total = None, 2
    daily.save()
    api_post(api_alice, daily, "A_1")
    api_post(api_alice, daily, "A_2")
    as_alice.post("/c/xacle/team/", {"action": "leave"})
    as_alice.post("/c/xacle/team/", {"action": "create", "new-name": "Fresh start"})
    assert api_alice.get(API).json()["quota"]["left_total"] == 0
    response = api_post(api_alice, daily, "F_1")
    assert response.status_code == 429
    assert Submission.objects.filter(team__name="Fresh start").count() == 0


def test_manage_submit_force_goes_past_a_spent_quota_and_says_so(daily, aurora, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    from tests.factories import csv_bytes

    daily.max_submissions_per_day, daily.max_submissions_total = None, 1
    daily.save()
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(daily))
    options = dict(competition="xacle", phase="validation", team="Aurora", system="A_1")
    call_command("submit", str(path), **options, stdout=io.StringIO())
    err = io.StringIO()
    with pytest.raises(CommandError, match="add --force"):
        call_command("submit", str(path), **options, stdout=io.StringIO(), stderr=err)
    assert "all 1 submissions" in err.getvalue()
    err = io.StringIO()
    call_command("submit", str(path), **options, force=True, stdout=io.StringIO(), stderr=err)
    assert "--force: submitted although team Aurora's quota for the validation phase is spent" in (
        err.getvalue()
    )
    assert Submission.objects.count() == 2


@pytest.mark.parametrize("members", [2, 0], ids=["with members", "with none left"])
def test_a_teams_grants_add_up_whatever_its_members(phase, members, django_user_model):
    from django.utils import timezone

    from competition import quotas
    from competition.models import Membership

    team, other = make_team(phase.competition, "owls"), make_team(phase.competition, "larks")
    for number in range(members):
        user = django_user_model.objects.create_user(f"owl{number}")
        Membership.objects.create(team=team, user=user, competition=phase.competition)
    QuotaGrant.objects.create(phase=phase, team=team, extra=2, note="outage")
    QuotaGrant.objects.create(phase=phase, team=team, extra=1, note="again")
    QuotaGrant.objects.create(phase=phase, team=other, extra=5, note="not theirs")
    submit(phase, team, "s1", upload(phase))
    quota = quotas.quota(phase, team, timezone.now())
    assert (quota.extra, quota.used_today, quota.left) == (3, 1, 1 + 3)
