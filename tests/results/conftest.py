"""The competition tests' named users and builders, with per-listener ratings and subset
labels on every item so the ceiling and the per-subset scores have data."""

import numpy as np
import pytest

from competition.models import Item, Rating
from results import subsets
from tests.competition.conftest import (  # noqa: F401
    _isolated,
    alice,
    anonymous,
    as_alice,
    as_olga,
    aurora,
    bob,
    borealis,
    enqueued,
    olga,
    scored_submission,
    test_phase,
    validation,
)
from tests.factories import make_competition

LABELS = ["natural", "synthetic/Tango", "synthetic/AudioGen"]


@pytest.fixture(autouse=True)
def _fresh_subset_cache():
    yield
    subsets.forget()


@pytest.fixture
def competition(db):
    """24 pairs per phase, the test phase cut in halves; 4 ratings per pair whose mean is
    the pair's mean, and a subset label on each pair."""
    competition = make_competition(n_validation=24, n_test=24, test_fraction=0.5)
    rng = np.random.default_rng(7)
    ratings = []
    for number, item in enumerate(Item.objects.filter(competition=competition)):
        # Listeners who agree, up to noise: the ceiling is well above 0.
        scores = np.clip(np.round(rng.uniform(0, 10) + rng.normal(0, 1.5, 4)), 0, 10)
        item.mean_score, item.n_ratings = float(scores.mean()), 4
        item.subsets = LABELS[number % 3]
        item.save(update_fields=["mean_score", "n_ratings", "subsets"])
        ratings += [Rating(item=item, listener_id=f"L{k}", score=s) for k, s in enumerate(scores)]
    Rating.objects.bulk_create(ratings)
    return competition


def noisy(phase, sd, seed):
    """Predictions: the truth plus noise of the given spread."""
    from tests.factories import truth_of

    truth = truth_of(phase)
    return truth + np.random.default_rng(seed).normal(0, sd, len(truth))
