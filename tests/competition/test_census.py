"""The census of the final systems' descriptions, on the demo competition: names counted
normalized, shown to organizers, to everyone after the reveal, on the test board."""

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from competition import census, demo, reveal, standings
from competition.models import Competition, Phase, Submission, SystemDescription
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_phase(settings, tmp_path, monkeypatch):
    from demodata import DatasetSpec

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(
        "demodata.DatasetSpec", lambda: DatasetSpec(train=10, validation=40, test=40, seconds=0.3)
    )
    monkeypatch.setattr("competition.demo._worker_answers", lambda: False)
    call_command("demo")
    return Competition.objects.get(slug=demo.SLUG).phases.get(kind=Phase.TEST)


def entry(counts, name):
    return next(e for e in counts if e["normalized"] == name)


def test_the_demo_describes_every_system(demo_phase):
    described = SystemDescription.objects.filter(phase=demo_phase)
    assert described.count() == len(demo.SYSTEMS)


def test_the_census_counts_normalized_names(demo_phase):
    result = census.census(demo_phase)
    # Every competing system is final while the phase is open; the baseline is not counted.
    assert result["final_systems"] == result["described"] == len(demo.SYSTEMS) - 1
    # "M2D-CLAP", "m2d clap" and "M2D_CLAP" are one encoder.
    m2d = entry(result["audio_encoders"], "m2d clap")
    assert (m2d["systems"], m2d["teams"], m2d["name"]) == (4, 3, "M2D-CLAP")
    # "Transformer + MLP" and "Transformer+MLP" are one predictor.
    transformer = entry(result["predictors"], "transformer + mlp")
    assert (transformer["systems"], transformer["teams"]) == (3, 2)
    assert result["predictors"][0]["normalized"] == "transformer + mlp"  # the most common
    assert entry(result["losses"], "mse")["systems"] == 8
    assert entry(result["losses"], "ranking")["systems"] == 2
    assert result["external_data_use"] == {"systems": 2, "teams": 2}
    assert result["parameters"]["min"] == 1 and result["parameters"]["max"] == 210_000_000


def test_the_census_follows_the_final_selection(demo_phase):
    submission = Submission.objects.get(phase=demo_phase, system_name="Heron_Lab_02")
    Submission.objects.filter(pk=submission.pk).update(selected_for_final=True)
    demo_phase.max_final = 1
    demo_phase.closes_at = demo_phase.opens_at
    demo_phase.save()
    standings.rebuild(demo_phase)
    result = census.census(demo_phase)
    # Heron_Lab chose one final; the other teams are represented by their best one.
    names = {r.system_name for r in census.records(demo_phase)[0]}
    assert "Heron_Lab_02" in names and "Heron_Lab_01" not in names
    assert result["final_systems"] == 7


def test_who_sees_the_census(demo_phase):
    url = f"/api/competitions/{demo.SLUG}/phases/test/census/"
    anonymous = APIClient()
    assert anonymous.get(url).status_code == 403
    olga = APIClient()
    olga.force_authenticate(make_user("olga", staff=True))
    assert olga.get(url).json()["described"] == len(demo.SYSTEMS) - 1
    board = f"/c/{demo.SLUG}/leaderboard/test/"
    assert "Census of the final systems" not in Client().get(board).content.decode()
    page = Client()
    page.force_login(make_user("olga2", staff=True))
    assert "Census of the final systems" in page.get(board).content.decode()
    reveal.reveal(demo_phase)
    assert anonymous.get(url).status_code == 200
    assert "M2D-CLAP" in Client().get(board).content.decode()


def test_the_records_for_the_results_analysis(demo_phase):
    records = {r["system"]: r for r in census.description_records(demo_phase)}
    assert len(records) == len(demo.SYSTEMS) - 1
    sun = records["Heron_Lab_02"]
    assert sun["team"] == "Heron_Lab"
    # Spelled "m2d clap" by the team; counted (and shown) as the census spells it.
    assert sun["encoders"] == ["M2D-CLAP", "RoBERTa"] and sun["audio_encoders"] == ["M2D-CLAP"]
    assert sun["external_data"] is True and sun["external_datasets"] == ["Clotho"]
    assert sun["parameters"] == 210_000_000 and sun["losses"] == ["MSE"]
    assert records["Marten_Inst_02"]["predictor"] == records["Heron_Lab_01"]["predictor"]
