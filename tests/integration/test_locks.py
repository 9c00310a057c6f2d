"""Row locks on PostgreSQL: a standings refresh holding its team does not block that team's
new submissions (storing one needs only a key-share lock on the team)."""

import threading

from django.db import connection, transaction

from competition import standings
from competition.models import Submission, Team
from competition.submitting import submit
from tests.factories import make_competition, upload


def test_a_team_held_by_a_standings_refresh_can_still_submit(monkeypatch):
    monkeypatch.setattr("competition.tasks.enqueue", lambda ids: len(ids))
    phase = make_competition(n_validation=10).phases.get(kind="validation")
    team = Team.objects.create(competition=phase.competition, name="owls")
    held, release = threading.Event(), threading.Event()

    def refresh_in_progress():
        try:
            with transaction.atomic():
                standings._lock_teams([team.pk])
                held.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=refresh_in_progress)
    holder.start()
    try:
        assert held.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # FOR UPDATE would make this wait
        submission = submit(phase, team, "owls_01", upload(phase))
    finally:
        release.set()
        holder.join(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = DEFAULT")
    assert Submission.objects.get().pk == submission.pk
