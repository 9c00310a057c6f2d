"""An XACLE package on the real servers: one submission per system stored in one
PostgreSQL transaction, every one scored by a real worker, the descriptions in the census;
two packages at once cannot both pass the last of the quota."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from competition import census, packages, submitting, tasks
from competition.models import Phase, Submission, SystemDescription, Team
from tests.factories import write_dataset, xacle_package
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phase(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    dataset = write_dataset(tmp_path, n_validation=20, n_test=20)
    call_command("import_dataset", str(dataset), competition="xacle", stdout=io.StringIO())
    return Phase.objects.get(kind="validation")


def test_a_package_is_scored_system_by_system_and_counted(phase, celery_worker_process):
    team = Team.objects.create(competition=phase.competition, name="owls")
    names = ["owls_01", "owls_02", "owls_03"]
    made = packages.submit_package(phase, team, xacle_package(phase, names))
    assert [s.system_name for s in made] == names

    def all_scored():
        states = Submission.objects.filter(team=team).values_list("status", flat=True)
        return list(states) == [Submission.SCORED] * 3

    wait_for(all_scored)
    assert SystemDescription.objects.filter(team=team).count() == 3
    result = census.census(phase)
    assert result["described"] == 3 and result["audio_encoders"][0]["systems"] == 3


def test_two_packages_at_once_do_not_pass_the_quota(phase, monkeypatch):
    monkeypatch.setattr(tasks, "enqueue", lambda ids: len(ids))
    phase.max_submissions_per_day = 3
    phase.save()
    team = Team.objects.create(competition=phase.competition, name="owls")
    data = [xacle_package(phase, [f"owls_{i}1", f"owls_{i}2"]) for i in range(2)]
    outcomes = []

    def send(package):
        try:
            packages.submit_package(phase, team, package)
            outcomes.append("stored")
        except submitting.Refused as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(package,)) for package in data]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["quota_exceeded", "stored"]
    assert Submission.objects.filter(team=team).count() == 2
