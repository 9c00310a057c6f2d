"""The demo competition: made on first use, complete, and never duplicated."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from competition import demo
from competition.models import Competition, Submission, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(settings, tmp_path, monkeypatch):
    from demodata import DatasetSpec

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(
        "demodata.DatasetSpec", lambda: DatasetSpec(train=10, validation=100, test=100, seconds=0.3)
    )
    monkeypatch.setattr("competition.demo._worker_answers", lambda: False)


def test_demo_makes_a_running_competition_with_scored_systems(small_demo, capsys):
    call_command("demo")
    competition = Competition.objects.get(slug=demo.SLUG)
    assert competition.phases.count() == 2
    submissions = Submission.objects.filter(phase__competition=competition)
    assert submissions.count() == 2 * len(demo.SYSTEMS)
    assert set(submissions.values_list("status", flat=True)) == {Submission.SCORED}
    assert submissions.filter(is_baseline=True, system_name="Baseline").count() == 2
    assert Team.objects.get(name="Demo_Team").members.filter(username=demo.USERNAME).exists()
    assert demo.PASSWORD in capsys.readouterr().out


def test_the_systems_range_from_weak_to_strong(small_demo):
    call_command("demo")
    from competition import leaderboard

    phase = Competition.objects.get(slug=demo.SLUG).phases.get(kind="validation")
    rows = {row.system: row for row in leaderboard.build(phase).rows}
    assert rows["Heron_Lab_01"].srcc > rows["Marten_Inst_02"].srcc > rows["Flat_Line_01"].srcc
    # The ranking-only system orders well but is off the scale: its MSE gives it away.
    assert rows["Otter_Uni_01"].mse > 3 * rows["Heron_Lab_01"].mse
    assert rows["Baseline"].rank is None


def test_running_demo_twice_duplicates_nothing(small_demo):
    call_command("demo")
    counts = (Submission.objects.count(), Team.objects.count(), Competition.objects.count())
    call_command("demo")
    assert (Submission.objects.count(), Team.objects.count(), Competition.objects.count()) == counts


def test_the_log_in_page_states_the_demo_log_in(small_demo, client):
    assert demo.PASSWORD not in client.get("/accounts/login/").content.decode()
    call_command("demo")
    page = client.get("/accounts/login/").content.decode()
    assert demo.USERNAME in page and demo.PASSWORD in page
    response = client.post(
        "/accounts/login/", {"username": demo.USERNAME, "password": demo.PASSWORD}
    )
    assert response.status_code == 302


def test_the_demo_is_set_up_from_the_example_competition_file(small_demo, settings):
    call_command("demo")
    path = Path(settings.VAR_DIR) / "demo" / "competition.yaml"
    assert path.read_text() == (demo.EXAMPLE / "competition.yaml").read_text()
    out = io.StringIO()
    call_command("load_competition", str(path), stdout=out)
    assert out.getvalue() == f"Unchanged: {demo.SLUG} already matches {path}.\n"
    competition = Competition.objects.get(slug=demo.SLUG)
    assert competition.rules == (demo.EXAMPLE / "rules.md").read_text().strip()
    test = competition.phases.get(kind="test")
    assert (test.public_fraction, test.max_submissions_per_day) == (0.3, 5)
    assert competition.resources.filter(status="approved").count() == 5
    assert Submission.objects.filter(is_baseline=True, team__is_organizer=True).count() == 2


def test_running_the_demo_again_keeps_what_its_organizers_changed(small_demo, settings, tmp_path):
    call_command("demo")
    competition = Competition.objects.get(slug=demo.SLUG)
    competition.phases.filter(kind="test").update(max_submissions_per_day=50)
    organizers = Team.objects.get(competition=competition, is_organizer=True)
    phase = competition.phases.get(kind="validation")
    ids = list(phase.items().values_list("wav_file_name", flat=True))
    body = "wav_file_name,prediction_score\n" + "".join(f"{wav},5.0\n" for wav in ids)
    from competition.submitting import submit

    submit(phase, organizers, "Baseline_2027", io.BytesIO(body.encode()), is_baseline=True,
           check_open=False)  # fmt: skip
    call_command("demo")
    assert competition.phases.get(kind="test").max_submissions_per_day == 50
    assert Submission.objects.filter(system_name="Baseline_2027").exists()
    out = io.StringIO()
    call_command("load_competition", str(Path(settings.VAR_DIR) / "demo" / "competition.yaml"),
                 stdout=out)  # fmt: skip
    assert "phases.test.max_submissions_per_day: 50 -> 5" in out.getvalue()
    assert "references.Baseline_2027: removed" in out.getvalue()
