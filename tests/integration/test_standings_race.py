"""Two workers scoring submissions of the same system at the same moment, on PostgreSQL: the
standing must end up with both, whoever commits first."""

import threading

from django.db import connection

from competition import leaderboard, scorer, standings
from competition.models import Team
from competition.submitting import submit
from tests.factories import make_competition, truth_of, upload


def test_concurrent_scoring_of_one_system_keeps_its_best_and_its_count(monkeypatch):
    monkeypatch.setattr("competition.tasks.enqueue", lambda ids: len(ids))
    phase = make_competition(n_validation=30).phases.get(kind="validation")
    team = Team.objects.create(competition=phase.competition, name="owls")
    best = submit(phase, team, "owls_01", upload(phase, truth_of(phase)))
    other = submit(phase, team, "owls_01", upload(phase))

    # Both workers have written their scores and reach the standings together: a first
    # score is folded in (add_scored), reading the standing the other may be writing.
    barrier = threading.Barrier(2, timeout=30)
    add_scored = standings.add_scored

    def in_step(scored):
        barrier.wait()
        add_scored(scored)

    monkeypatch.setattr(scorer.standings, "add_scored", in_step)

    def work(submission_id):
        try:
            scorer.score_submission(submission_id)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(pk,)) for pk in (other.pk, best.pk)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    row = leaderboard.build(phase).rows[0]
    assert (row.submission_id, row.submissions) == (best.pk, 2)
