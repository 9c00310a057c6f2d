"""manage.py demo leaves the demo competition with results to show."""

import pytest
from django.core.management import call_command

from competition import demo
from results.models import Analysis, SubsetScore

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_analysis_on_every_split(settings, tmp_path, monkeypatch, _isolated):
    from demodata import DatasetSpec

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(
        "demodata.DatasetSpec", lambda: DatasetSpec(train=10, validation=100, test=100, seconds=0.3)
    )
    monkeypatch.setattr("competition.demo._worker_answers", lambda: False)
    call_command("demo")
    analyses = Analysis.objects.filter(split__phase__competition__slug=demo.SLUG)
    assert analyses.count() == 3  # validation, test public, test private
    for analysis in analyses:
        assert analysis.systems.count() == len(demo.SYSTEMS)
        assert analysis.ceiling_srcc is not None
    assert SubsetScore.objects.filter(subset="natural").exists()
