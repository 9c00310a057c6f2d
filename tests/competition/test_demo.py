"""The demo competition: made on first use, complete, and never duplicated."""

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
