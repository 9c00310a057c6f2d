"""The stored analysis: intervals and groups per system in board order, the ceiling from
the ratings, computed at the reveal, on the organizer's command, debounced after scores."""

import numpy as np
import pytest
from django.core.management import call_command

from competition.models import Phase
from results import analysis as analysis_module
from results.models import Analysis, PendingAnalysis
from results.systems import deciding_split, ranked_systems
from scoring import stats
from tests.factories import make_team
from tests.results.conftest import noisy

pytestmark = pytest.mark.django_db


@pytest.fixture
def systems(test_phase, aurora, borealis, scored_submission, competition):
    scored_submission(test_phase, aurora, "Aurora_01", noisy(test_phase, 0.5, 1))
    scored_submission(test_phase, aurora, "Aurora_02", noisy(test_phase, 3, 2))
    scored_submission(test_phase, borealis, "Borealis_01", noisy(test_phase, 8, 3))
    organizers = make_team(competition, "Organizers")
    scored_submission(test_phase, organizers, "Baseline", noisy(test_phase, 5, 4), baseline=True)
    return test_phase


def test_both_ranks_come_from_the_board(systems):
    ranked = ranked_systems(systems)
    assert [s.system for s in ranked][:2] == ["Aurora_01", "Aurora_02"]
    by_name = {s.system: s for s in ranked}
    assert by_name["Aurora_01"].system_rank == 1 and by_name["Aurora_01"].team_rank == 1
    assert by_name["Aurora_02"].team_rank == 1
    assert by_name["Borealis_01"].team_rank == 2
    assert by_name["Baseline"].system_rank is None and by_name["Baseline"].team_rank is None


def test_the_analysis_stores_each_system_with_its_interval_and_group(systems):
    analysis_module.analyse_phase(systems, resamples=200)
    split = deciding_split(systems)
    assert split.name == "private"
    stored = Analysis.objects.get(split=split)
    rows = list(stored.systems.all())
    board = ranked_systems(systems)
    assert [(r.team_id, r.system_name) for r in rows] == [(s.team_id, s.system) for s in board]
    for row in rows:
        assert row.low <= row.srcc <= row.high or row.low == row.high
    assert rows[0].group == 1
    assert next(r for r in rows if r.system_name == "Baseline").group is None
    assert stored.win_matrix().shape == (4, 4)
    # The same numbers as scoring.stats on the same data and seed.
    index_means = analysis_module._split_means(split)[1]
    preds = np.array(
        [r.submission.prediction_array()[analysis_module._split_means(split)[0]] for r in rows]
    )
    boot = stats.paired_bootstrap(index_means, preds, 200)
    assert [r.low for r in rows] == pytest.approx(boot.intervals[:, 0].tolist())


def test_the_ceiling_is_computed_from_the_listener_ratings(systems):
    analysis_module.analyse_phase(systems, resamples=50)
    stored = Analysis.objects.get(split=deciding_split(systems))
    split = stored.split
    expected = analysis_module.ceiling_of(split)
    assert stored.ceiling_srcc == pytest.approx(expected.srcc)
    assert stored.ceiling_items == split.items.count()
    assert stored.ceiling_ratings == 4 * split.items.count()


def test_the_reveal_computes_the_analysis(systems):
    assert not Analysis.objects.exists()
    call_command("reveal", competition="xacle", phase="test")
    assert Analysis.objects.filter(split__phase=systems).count() == 2


def test_the_organizer_command_computes_it(systems, capsys):
    call_command("analyse", competition="xacle", phase="test", resamples=50)
    assert "private: 4 systems, 50 resamples, ceiling SRCC" in capsys.readouterr().out


def test_scores_request_one_debounced_analysis_per_phase(
    test_phase, aurora, scored_submission, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("results.tasks.send_debounced", lambda ids: sent.extend(ids))
    with django_capture_on_commit_callbacks(execute=True):
        scored_submission(test_phase, aurora, "A_01")
        scored_submission(test_phase, aurora, "A_02")
    assert sent == [test_phase.pk]  # the second score found one on its way
    assert PendingAnalysis.objects.filter(phase=test_phase).count() == 1
    # Nothing heavy ran per submission.
    assert not Analysis.objects.exists()
    assert analysis_module.run_pending(test_phase.pk) is True
    assert analysis_module.run_pending(test_phase.pk) is False  # claimed once
    assert Analysis.objects.filter(split__phase=test_phase).count() == 2


def test_a_pending_analysis_whose_message_was_lost_is_sent_again(test_phase, settings):
    settings.RESULTS_ANALYSIS_DEBOUNCE_SECONDS = 60
    assert analysis_module.request_analysis([test_phase.pk]) == [test_phase.pk]
    assert analysis_module.request_analysis([test_phase.pk]) == []
    PendingAnalysis.objects.update(since="2000-01-01T00:00:00Z")
    assert analysis_module.request_analysis([test_phase.pk]) == [test_phase.pk]


def test_a_phase_without_scores_or_ratings_is_analysed_without_fuss(competition):
    phase = competition.phases.get(kind=Phase.VALIDATION)
    done = analysis_module.analyse_phase(phase, resamples=20)
    assert len(done) == 1 and done[0].systems.count() == 0


def test_the_debounced_task_is_sent_with_the_quiet_period_as_countdown(settings, monkeypatch):
    settings.RESULTS_ANALYSIS_DEBOUNCE_SECONDS = 42
    calls = []
    monkeypatch.setattr(
        "results.tasks.analyse_phase_task.apply_async",
        lambda args, countdown, **_: calls.append((args, countdown)),
    )
    from results import tasks

    tasks.send_debounced([7, 8])
    assert calls == [((7,), 42), ((8,), 42)]


def test_a_broker_that_refuses_the_task_loses_nothing(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("results.tasks.analyse_phase_task.apply_async", refuse)
    from results import tasks

    tasks.send_debounced([7])
    assert "could not queue the analysis of phase 7" in caplog.text


def test_a_reveal_in_the_admin_sends_the_analysis_to_a_worker_at_once(
    test_phase, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        "results.tasks.analyse_phase_task.apply_async",
        lambda args, countdown, **_: calls.append((args, countdown)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        test_phase.reveal_planned_at = None
        test_phase.save()  # not a reveal
        test_phase.leaderboard = Phase.REVEALED
        test_phase.save()
        test_phase.save()  # already revealed: nothing more
    assert calls == [((test_phase.pk,), 0)]
    assert not Analysis.objects.exists()  # nothing computed in the web process
