import numpy as np
import pytest

import scoring
from competition import access, scorer
from competition.models import Phase, Score, Submission
from competition.submitting import submit
from tests.factories import make_competition, make_team, truth_of, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    sent = []
    monkeypatch.setattr("competition.tasks.enqueue", sent.extend)
    return sent


@pytest.fixture
def competition():
    return make_competition(test_fraction=0.5)


@pytest.fixture
def team(competition):
    return make_team(competition, "owls")


def test_a_submission_is_stored_queued_and_sent_on_commit(
    competition, team, sent, django_capture_on_commit_callbacks
):
    phase = competition.phases.get(kind="validation")
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(phase, team, "owls_01", upload(phase))
    assert submission.status == Submission.QUEUED
    assert sent == [submission.pk]
    assert submission.file.read().startswith(b"wav_file_name,prediction_score")
    assert len(submission.prediction_array()) == 12


def test_a_broken_file_stores_nothing(competition, team):
    phase = competition.phases.get(kind="validation")
    with pytest.raises(scoring.SubmissionError):
        submit(phase, team, "owls_01", upload(phase, predictions=[1.0] * 11 + [float("nan")]))
    assert not Submission.objects.exists()


def test_scoring_stores_one_score_per_split_equal_to_the_metrics(competition, team):
    phase = competition.phases.get(kind="test")
    predictions = truth_of(phase) + np.linspace(-2, 2, 12)
    submission = submit(phase, team, "owls_01", upload(phase, predictions))
    assert scorer.score_submission(submission.pk) == Submission.SCORED
    truth = truth_of(phase)
    for split in phase.splits.all():
        index = [
            i for i, item in enumerate(phase.items()) if split.items.filter(pk=item.pk).exists()
        ]
        expected = scoring.evaluate(truth[index], predictions[index])
        score = Score.objects.get(submission=submission, split=split)
        assert (score.srcc, score.lcc, score.ktau, score.mse, score.n) == (
            expected.srcc,
            expected.lcc,
            expected.ktau,
            expected.mse,
            expected.n,
        )


def test_scoring_twice_leaves_the_same_rows(competition, team):
    phase = competition.phases.get(kind="validation")
    submission = submit(phase, team, "owls_01", upload(phase))
    scorer.score_submission(submission.pk)
    first = list(Score.objects.values_list("pk", "srcc", "mse"))
    scorer.requeue(Submission.objects.all())
    scorer.score_submission(submission.pk)
    assert list(Score.objects.values_list("pk", "srcc", "mse")) == first


def test_a_scored_submission_is_left_alone_by_a_repeated_task(competition, team):
    phase = competition.phases.get(kind="validation")
    submission = submit(phase, team, "owls_01", upload(phase))
    scorer.score_submission(submission.pk)
    assert scorer.score_submission(submission.pk) is None


def test_constant_predictions_are_scored_with_a_note(competition, team):
    phase = competition.phases.get(kind="validation")
    submission = submit(phase, team, "flat", upload(phase, [5.0] * 12))
    scorer.score_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == Submission.SCORED
    score = submission.scores.get()
    assert score.srcc == 0.0 and score.constant_prediction
    assert "same value" in access.shown_reason(submission, [score])


def test_a_submission_for_changed_items_fails_with_a_reason(competition, team):
    phase = competition.phases.get(kind="validation")
    submission = submit(phase, team, "owls_01", upload(phase))
    Submission.objects.filter(pk=submission.pk).update(predictions=np.zeros(3).tobytes())
    assert scorer.score_submission(submission.pk) == Submission.FAILED
    submission.refresh_from_db()
    assert "submit again" in submission.reason


def test_an_unexpected_error_fails_without_internals(competition, team, monkeypatch):
    phase = competition.phases.get(kind="validation")
    submission = submit(phase, team, "owls_01", upload(phase))

    def boom(phase):
        raise RuntimeError("secret internals /srv/data")

    monkeypatch.setattr("competition.truth.phase_truth", boom)
    scorer.score_submission(submission.pk)
    submission.refresh_from_db()
    assert submission.status == Submission.FAILED
    assert "secret" not in submission.reason and "/srv" not in submission.reason


def test_new_ratings_are_noticed_by_the_cached_truth(competition, team):
    phase = competition.phases.get(kind="validation")
    predictions = truth_of(phase)
    submission = submit(phase, team, "oracle", upload(phase, predictions))
    scorer.score_submission(submission.pk)
    assert submission.scores.get().mse == 0.0
    phase.items().filter(wav_file_name="00004.wav").update(mean_score=10.5)
    Phase.objects.filter(pk=phase.pk).update(truth_version=phase.truth_version + 1)
    scorer.requeue(Submission.objects.all())
    scorer.score_submission(submission.pk)
    assert submission.scores.get().mse > 0.0


def test_stale_submissions_are_found_for_the_sweep(competition, team):
    phase = competition.phases.get(kind="validation")
    submission = submit(phase, team, "owls_01", upload(phase))
    assert list(scorer.stale_submissions(3600, 3600)) == []
    assert list(scorer.stale_submissions(0, 0)) == [submission]


def test_a_phase_without_ratings_fails_its_submissions_with_a_reason(competition, team):
    phase = competition.phases.get(kind="test")
    phase.items().update(mean_score=None)
    submission = submit(phase, team, "owls_01", upload(phase, np.ones(12)))
    assert scorer.score_submission(submission.pk) == Submission.FAILED
    submission.refresh_from_db()
    assert "ratings are not loaded yet" in submission.reason


def test_a_rescore_that_fails_leaves_no_old_scores(competition, team):
    phase = competition.phases.get(kind="validation")
    submission = submit(phase, team, "owls_01", upload(phase))
    scorer.score_submission(submission.pk)
    Submission.objects.filter(pk=submission.pk).update(predictions=np.zeros(3).tobytes())
    scorer.requeue(Submission.objects.all())
    scorer.score_submission(submission.pk)
    assert not Score.objects.filter(submission=submission).exists()


def test_a_failed_transaction_leaves_no_file_behind(competition, team, monkeypatch, settings):
    from django.db import OperationalError

    phase = competition.phases.get(kind="validation")

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(Submission, "save", locked)
    with pytest.raises(OperationalError):
        submit(phase, team, "owls_01", upload(phase))
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
