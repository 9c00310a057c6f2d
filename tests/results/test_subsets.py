"""Per-subset scores: written by the worker beside the split scores, the same metrics as
scoring on the subset's pairs, replaced on rescoring and removed on failure."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import scoring
from competition import scorer, submitting
from competition.models import Submission
from results.models import SubsetScore
from results.subsets import labels
from tests.factories import truth_of, upload
from tests.results.conftest import noisy

pytestmark = pytest.mark.django_db


def test_labels_name_the_family_and_the_model():
    assert labels("synthetic/Tango") == ["synthetic", "synthetic/Tango"]
    assert labels("natural") == ["natural"]
    assert labels(" natural , synthetic/Tango 2,") == ["natural", "synthetic", "synthetic/Tango 2"]
    assert labels("") == []


def test_scoring_writes_each_subset_of_each_split(test_phase, aurora, scored_submission):
    submission = scored_submission(test_phase, aurora, predictions=noisy(test_phase, 2, 1))
    rows = SubsetScore.objects.filter(submission=submission)
    names = {(row.split.name, row.subset) for row in rows}
    for split in ("public", "private"):
        for name in ("natural", "synthetic", "synthetic/Tango", "synthetic/AudioGen"):
            assert (split, name) in names
    # The numbers are the scorer's, on exactly the subset's pairs of the split.
    truth = truth_of(test_phase)
    predictions = submission.prediction_array()
    items = list(test_phase.items())
    for row in rows:
        members = set(row.split.items.values_list("pk", flat=True))
        index = [
            pos
            for pos, item in enumerate(items)
            if item.pk in members and row.subset in labels(item.subsets)
        ]
        expected = scoring.evaluate(truth[index], predictions[index])
        assert row.n == len(index)
        assert row.srcc == pytest.approx(expected.srcc)
        assert row.mse == pytest.approx(expected.mse)


def test_rescoring_replaces_them_and_failing_removes_them(test_phase, aurora, scored_submission):
    submission = scored_submission(test_phase, aurora)
    count = SubsetScore.objects.filter(submission=submission).count()
    scorer.score_many(scorer.requeue(Submission.objects.filter(pk=submission.pk)))
    assert SubsetScore.objects.filter(submission=submission).count() == count
    # A submission whose phase changed under it fails: its subset scores go with its scores.
    Submission.objects.filter(pk=submission.pk).update(
        predictions=np.zeros(3).tobytes(), status=Submission.QUEUED
    )
    assert scorer.score_submission(submission.pk) == Submission.FAILED
    assert not SubsetScore.objects.filter(submission=submission).exists()


def test_a_failure_in_the_subsets_never_fails_the_scoring(
    test_phase, aurora, scored_submission, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("results.subsets.score_subsets", broken)
    submission = scored_submission(test_phase, aurora)
    assert submission.status == Submission.SCORED
    assert submission.scores.count() == 2


def test_a_first_score_writes_its_subsets_without_reading_or_deleting_again(test_phase, aurora):
    submission = submitting.submit(test_phase, aurora, "Aurora_01", upload(test_phase))
    with CaptureQueriesContext(connection) as queries:
        scorer.score_submission(submission.pk)
    sql = [query["sql"] for query in queries.captured_queries]
    # The scorer's own read of the predictions serves the subsets too, and a submission
    # never scored before has no old subset rows to delete.
    assert sum('"competition_submission"."predictions"' in q for q in sql) == 1
    assert not [q for q in sql if q.startswith("DELETE") and "results_subsetscore" in q]
    assert SubsetScore.objects.filter(submission=submission).count() > 4
