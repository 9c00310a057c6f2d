"""Disqualification: a submission, or a whole team for a phase, leaves every board and
export at once, and the team sees the reason."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from competition import leaderboard
from competition.models import Standing

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(validation, aurora, borealis, scored_submission):
    return {
        "a1": scored_submission(validation, aurora, "Aurora_01"),
        "a2": scored_submission(validation, aurora, "Aurora_02", predictions=[5.0] * 11 + [6.0]),
        "b1": scored_submission(validation, borealis, "Borealis_01"),
    }


def teams_on(phase):
    return {row.team for row in leaderboard.build(phase, by="system").rows}


def export(phase):
    out = io.StringIO()
    call_command(
        "leaderboard", competition="xacle", phase=phase.kind, format="csv", by="system", stdout=out
    )
    return [row["team"] for row in csv.DictReader(io.StringIO(out.getvalue()))]


def test_a_disqualified_team_is_gone_from_the_board_and_the_export(validation, board, as_alice):
    assert teams_on(validation) == {"Aurora", "Borealis"}
    out = io.StringIO()
    call_command(
        "disqualify", competition="xacle", team="aurora", phase="validation",
        reason="Trained on the validation ratings.", stdout=out,
    )  # fmt: skip
    assert "Team Aurora is disqualified from xacle / validation" in out.getvalue()
    assert teams_on(validation) == {"Borealis"}
    assert export(validation) == ["Borealis"]
    assert not Standing.objects.filter(team__name="Aurora").exists()
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    assert "disqualified from the validation phase: Trained on the validation ratings." in page
    call_command(
        "disqualify", competition="xacle", team="Aurora", phase="validation", undo=True,
        stdout=io.StringIO(),
    )  # fmt: skip
    assert teams_on(validation) == {"Aurora", "Borealis"}


def test_a_disqualified_submission_leaves_and_its_system_falls_back(validation, board, api_alice):
    call_command(
        "disqualify", competition="xacle", submission=board["a1"].pk, reason="A copied file.",
        stdout=io.StringIO(),
    )  # fmt: skip
    rows = leaderboard.build(validation, by="system").rows
    assert board["a1"].pk not in [row.submission_id for row in rows]
    assert {row.system for row in rows} == {"Aurora_02", "Borealis_01"}
    data = api_alice.get(f"/api/submissions/{board['a1'].pk}/").json()
    assert data["disqualified"] == "A copied file."


def test_the_admin_disqualifies_a_submission_with_a_reason(
    validation, board, as_olga, django_capture_on_commit_callbacks
):
    submission = board["b1"]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_olga.post(
        f"/admin/competition/submission/{submission.pk}/change/",
        {
            "team": submission.team_id, "phase": submission.phase_id,
            "system_name": submission.system_name, "status": submission.status,
            "reason": "", "disqualified_reason": "Hand-labelled test items.",
            "scores-TOTAL_FORMS": "0", "scores-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    submission.refresh_from_db()
    assert submission.disqualified_reason == "Hand-labelled test items."
    assert "Borealis" not in teams_on(validation)


def test_disqualify_asks_for_a_reason_and_a_target(competition):
    with pytest.raises(CommandError, match="--reason"):
        call_command("disqualify", competition="xacle", submission=1)
    with pytest.raises(CommandError, match="either --submission"):
        call_command("disqualify", competition="xacle", reason="x")


def test_the_admin_lists_each_phases_state_window_quotas_and_max_final(as_olga, test_phase):
    from datetime import UTC, datetime

    test_phase.opens_at = datetime(2026, 1, 1, tzinfo=UTC)
    test_phase.closes_at = datetime(2026, 1, 31, 23, 59, tzinfo=UTC)
    test_phase.max_submissions_per_day, test_phase.max_submissions_total = 3, 30
    test_phase.save()
    page = as_olga.get("/admin/competition/phase/").content.decode()
    assert "2026-01-01 00:00 UTC → 2026-01-31 23:59 UTC" in page
    assert "3/day, 30 in all" in page
    assert '<td class="field-max_final">4</td>' in page
    assert '<td class="field-state">closed</td>' in page
