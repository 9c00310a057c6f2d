import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from competition.models import Phase, Submission, Team
from tests.factories import csv_bytes, make_competition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    sent = []

    def enqueue(ids):
        sent.extend(ids)
        return len(ids)

    monkeypatch.setattr("competition.tasks.enqueue", enqueue)
    monkeypatch.setattr("competition.tasks.enqueue", enqueue)
    return sent


@pytest.fixture
def competition():
    return make_competition()


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def submit_file(tmp_path, phase, team="owls", system="owls_01", content=None, **options):
    path = tmp_path / f"{team}-{system}.csv"
    path.write_bytes(content if content is not None else csv_bytes(phase))
    options.setdefault("create_team", True)
    return run(
        "submit", str(path), competition="xacle", phase=phase.kind, team=team, system=system,
        **options,
    )  # fmt: skip


def test_submit_with_create_team_creates_the_team_and_prints_the_submission_id(
    competition, tmp_path
):
    phase = competition.phases.get(kind="validation")
    out, _ = submit_file(tmp_path, phase)
    submission = Submission.objects.get()
    assert out.strip() == str(submission.pk)
    assert submission.team.name == "owls"
    assert submission.status == Submission.QUEUED


def test_submit_prints_the_problems_and_stores_nothing(competition, tmp_path, capsys):
    phase = competition.phases.get(kind="validation")
    broken = csv_bytes(phase).replace(b"00004.wav", b"00003.wav")
    with pytest.raises(CommandError) as raised:
        submit_file(tmp_path, phase, content=broken)
    assert raised.value.returncode == 2
    assert not Submission.objects.exists()
    assert not Team.objects.exists()


def test_submit_names_an_unknown_competition(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("wav_file_name,pred_score\n")
    with pytest.raises(CommandError, match="No competition 'nope'"):
        run("submit", str(path), competition="nope", phase="test", team="t", system="s")


def test_score_all_sync_scores_everything_and_counts(competition, tmp_path):
    phase = competition.phases.get(kind="validation")
    submit_file(tmp_path, phase, system="a")
    submit_file(tmp_path, phase, system="b")
    out, _ = run("score_all", competition="xacle", sync=True)
    assert "Scored 2, failed 0" in out
    assert set(Submission.objects.values_list("status", flat=True)) == {Submission.SCORED}


def test_score_all_pending_only_leaves_scored_ones(competition, tmp_path, sent):
    phase = competition.phases.get(kind="validation")
    submit_file(tmp_path, phase, system="a")
    run("score_all", competition="xacle", sync=True)
    submit_file(tmp_path, phase, system="b")
    sent.clear()
    out, _ = run("score_all", competition="xacle", pending_only=True, no_wait=True)
    assert sent == [Submission.objects.get(system_name="b").pk]
    assert "Sent 1 of 1" in out


def test_leaderboard_csv_has_the_header_and_full_precision(competition, tmp_path):
    phase = competition.phases.get(kind="test")  # hidden: organizers still see it
    submit_file(tmp_path, phase, team="owls")
    submit_file(tmp_path, phase, team="larks")
    run("score_all", competition="xacle", sync=True)
    out, _ = run("leaderboard", competition="xacle", phase="test", format="csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:10] == [
        "rank", "system_rank", "team_rank", "team", "system", "srcc", "lcc", "ktau", "mse", "n"
    ]  # fmt: skip
    assert len(rows) == 3
    stored = Submission.objects.get(team__name=rows[1][3]).scores.get().srcc
    assert float(rows[1][5]) == stored
    team_view, _ = run("leaderboard", competition="xacle", phase="test", by="team", format="json")
    assert [r["team"] for r in json.loads(team_view)["rows"]] == [r[3] for r in rows[1:]]


def test_leaderboard_names_an_unknown_split(competition):
    with pytest.raises(CommandError, match="has no split 'private'"):
        run("leaderboard", competition="xacle", phase="validation", split="private")


def test_reveal_makes_the_hidden_phase_public(competition):
    out, _ = run("reveal", competition="xacle", phase="test")
    assert Phase.objects.get(kind="test").leaderboard == Phase.REVEALED
    assert "revealed" in out


def test_submit_refuses_a_closed_phase(competition, tmp_path):
    phase = competition.phases.get(kind="validation")
    phase.closes_at = phase.opens_at
    phase.save()
    with pytest.raises(CommandError) as raised:
        submit_file(tmp_path, phase)
    assert raised.value.returncode == 2
    assert not Submission.objects.exists()


def test_submit_refuses_a_team_name_too_long_to_store(competition, tmp_path):
    phase = competition.phases.get(kind="validation")
    with pytest.raises(CommandError, match="101 characters long; the limit is 100"):
        submit_file(tmp_path, phase, team="t" * 101)


def test_leaderboard_defaults_to_the_sites_view_by_team(competition, tmp_path):
    phase = competition.phases.get(kind="test")
    submit_file(tmp_path, phase, team="owls", system="owls_01")
    submit_file(tmp_path, phase, team="owls", system="owls_02")
    run("score_all", competition="xacle", sync=True)
    by_default, _ = run("leaderboard", competition="xacle", phase="test", format="json")
    assert json.loads(by_default)["by"] == "team" and len(json.loads(by_default)["rows"]) == 1
    by_system, _ = run("leaderboard", competition="xacle", phase="test", by="system", format="csv")
    rows = list(csv.DictReader(io.StringIO(by_system)))
    assert len(rows) == 2
    assert {row["baseline"] for row in rows} == {"false"}
    assert {row["submissions"] for row in rows} == {"1"}
