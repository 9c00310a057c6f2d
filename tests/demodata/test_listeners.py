"""Listeners rate as designed: consistent but noisy, and in the order the captions deserve."""

import numpy as np

from demodata import listeners

from .conftest import read_csv


def _test_ratings(rated_set) -> dict[str, list[int]]:
    ratings: dict[str, list[int]] = {}
    for row in read_csv(rated_set.root / "meta_data" / "test.csv"):
        ratings.setdefault(row["wav_file_name"], []).append(int(row["score"]))
    return ratings


def test_two_halves_of_a_pairs_listeners_agree_closely_but_not_perfectly(rated_set):
    scores = np.array(list(_test_ratings(rated_set).values()))  # (items, 8)
    first, second = scores[:, :4].mean(axis=1), scores[:, 4:].mean(axis=1)
    r = np.corrcoef(first, second)[0, 1]
    assert 0.8 < r < 0.98


def test_matched_partial_and_unmatched_captions_get_high_middle_and_low_ratings(rated_set):
    ratings = _test_ratings(rated_set)
    groups: dict[str, list[float]] = {"match": [], "partial": [], "mismatch": []}
    for name, kind in rated_set.caption_kinds.items():
        groups[kind.split("/")[0]].append(np.mean(ratings[name]))
    means = {kind: float(np.mean(values)) for kind, values in groups.items()}
    assert all(len(values) > 50 for values in groups.values())
    assert means["match"] > 7 > means["partial"] > 3 > means["mismatch"]


def test_ratings_span_the_whole_scale(rated_set):
    scores = np.concatenate(list(_test_ratings(rated_set).values()))
    assert set(scores) == set(range(11))
    averages = [np.mean(r) for r in _test_ratings(rated_set).values()]
    assert min(averages) < 1 and max(averages) > 9


def test_a_listeners_bias_shifts_every_rating_they_give():
    rng = np.random.default_rng(0)
    panel = listeners.Panel(("lenient", "harsh"), np.array([2.0, -2.0]), np.array([0.5, 0.5]))
    who = np.tile([0, 1], (1000, 1))
    scores = listeners.rate(rng, np.full(1000, 5.0), who, panel)
    assert scores[:, 0].mean() > 6.5 and scores[:, 1].mean() < 3.5
    assert scores.min() >= 0 and scores.max() <= 10


def test_assigned_listeners_are_distinct_within_each_pair():
    who = listeners.assign(np.random.default_rng(0), items=2000, per_pair=8, pool=10)
    assert all(len(set(row)) == 8 for row in who.tolist())
