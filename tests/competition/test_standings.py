"""Standings kept as each submission is scored equal standings recomputed from every score,
and a first score is folded in without reading the team's history."""

from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competition import scorer, standings
from competition.models import Disqualification, Phase, Standing, Submission
from competition.submitting import submit
from tests.factories import make_team, truth_of, upload

pytestmark = pytest.mark.django_db

COLUMNS = [
    "split_id", "team_id", "system_name", "submission_id", "srcc", "lcc", "ktau", "mse", "n",
    "submissions", "last_submitted_at", "team_best", "team_submissions",
    "team_last_submitted_at", "selection",
]  # fmt: skip


def table(phase):
    return sorted(Standing.objects.filter(split__phase=phase).values_list(*COLUMNS))


def submit_and_score(phase, team, system, noise, rng, is_baseline=False):
    predictions = truth_of(phase) + rng.normal(0, noise, phase.items().count())
    submission = submit(phase, team, system, upload(phase, predictions), check_open=False,
                        is_baseline=is_baseline)  # fmt: skip
    scorer.score_submission(submission.pk)
    return submission


@pytest.mark.parametrize("public_split", [True, False], ids=["best on public", "latest"])
def test_folding_in_each_new_score_equals_a_full_rebuild(competition, public_split):
    phase = competition.phases.get(kind=Phase.TEST)
    if not public_split:
        phase.splits.exclude(name="private").delete()
    teams = [make_team(competition, name) for name in ("owls", "larks", "organizers")]
    rng = np.random.default_rng(3)
    for i in range(36):
        team = teams[i % 3]
        baseline = team.name == "organizers" and i % 2 == 0  # reference rows stand alone
        system = f"{team.name}_{i % 4}" + ("_baseline" if baseline else "")
        submit_and_score(phase, team, system, rng.uniform(0.1, 4), rng, is_baseline=baseline)
    folded = table(phase)
    standings.rebuild(phase)
    assert folded == table(phase)
    assert min(row[9] for row in folded) >= 3  # systems really have several submissions


@pytest.mark.parametrize("public_split", [True, False], ids=["best on public", "latest"])
def test_folding_in_passes_of_several_scores_equals_a_full_rebuild(competition, public_split):
    # A worker catching up scores several waiting submissions in one pass: several of one
    # system, and of several teams, are folded in together.
    phase = competition.phases.get(kind=Phase.TEST)
    if not public_split:
        phase.splits.exclude(name="private").delete()
    teams = [make_team(competition, name) for name in ("owls", "larks")]
    rng = np.random.default_rng(4)
    waiting = []
    for i in range(30):
        predictions = truth_of(phase) + rng.normal(0, rng.uniform(0.1, 4), phase.items().count())
        waiting.append(submit(phase, teams[i % 2], f"{teams[i % 2].name}_{i % 3}",
                              upload(phase, predictions), check_open=False))  # fmt: skip
    Submission.objects.update(queued_at=timezone.now() - timedelta(minutes=1))  # behind
    passes = 0
    while Submission.objects.filter(status=Submission.QUEUED).exists():
        newest = Submission.objects.filter(status=Submission.QUEUED).latest("pk")
        assert len(scorer.score_next(newest.pk, batch=7)) > 1
        passes += 1
    assert passes == 5
    folded = table(phase)
    standings.rebuild(phase)
    assert folded == table(phase)


def test_a_final_selection_and_a_rescore_still_come_out_right(competition):
    phase = competition.phases.get(kind=Phase.TEST)
    team = make_team(competition, "owls")
    rng = np.random.default_rng(5)
    first = submit_and_score(phase, team, "s", 3.0, rng)
    Submission.objects.filter(pk=first.pk).update(selected_for_final=True)
    standings.refresh({(team.pk, phase.pk, "s")})
    for _ in range(3):
        submit_and_score(phase, team, "s", 0.1, rng)  # better, but not the final one
    assert {row[3] for row in table(phase)} == {first.pk}
    scorer.score_many(scorer.requeue(Submission.objects.filter(phase=phase)))  # a rescore
    folded = table(phase)
    standings.rebuild(phase)
    assert folded == table(phase)


@pytest.mark.parametrize("system", ["s", "new"], ids=["its 4th score", "a new system"])
def test_a_new_score_reads_only_the_systems_standings(competition, system):
    phase = competition.phases.get(kind=Phase.TEST)
    team = make_team(competition, "owls")
    rng = np.random.default_rng(7)
    for _ in range(3):
        submit_and_score(phase, team, "s", 1.0, rng)
    submission = submit(phase, team, system, upload(phase), check_open=False)
    with CaptureQueriesContext(connection) as queries:
        scorer.score_submission(submission.pk)
    history = [q["sql"] for q in queries if 'FROM "competition_score"' in q["sql"]]
    assert history == []  # the team's earlier scores are never read back
    public = Standing.objects.get(split__phase=phase, split__name="public", system_name=system)
    assert public.submissions == (4 if system == "s" else 1)
    folded = table(phase)
    standings.rebuild(phase)
    assert folded == table(phase)


@pytest.mark.parametrize(
    "case",
    ["late", "disqualified", "final", "finals-only phase", "disqualified team",
     "disqualified team, new system"],
)  # fmt: skip
def test_what_the_fold_cannot_settle_is_recomputed_from_the_history(competition, case):
    phase = competition.phases.get(kind=Phase.TEST)
    team, other = make_team(competition, "owls"), make_team(competition, "larks")
    rng = np.random.default_rng(11)
    for i in range(4):
        submit_and_score(phase, team, f"s{i % 2}", 2.0, rng)
        submit_and_score(phase, other, "o", 2.0, rng)
    system = "s9" if case.endswith("new system") else "s0"
    submission = submit(phase, team, system, upload(phase, truth_of(phase)), check_open=False)
    if case == "late":
        Submission.objects.filter(pk=submission.pk).update(is_late=True)
    elif case == "disqualified":
        Submission.objects.filter(pk=submission.pk).update(disqualified_reason="copied")
    elif case == "final":
        Submission.objects.filter(pk=submission.pk).update(selected_for_final=True)
    elif case == "finals-only phase":
        Phase.objects.filter(pk=phase.pk).update(
            max_final=2, closes_at=timezone.now() - timedelta(hours=1)
        )
        standings.ensure_current(Phase.objects.get(pk=phase.pk))
    else:
        Disqualification.objects.create(phase=phase, team=team, reason="shared labels")
        standings.refresh_teams({(team.pk, phase.pk)})
    scorer.score_submission(submission.pk)
    folded = table(phase)
    standings.rebuild(Phase.objects.get(pk=phase.pk))
    assert folded == table(phase)
