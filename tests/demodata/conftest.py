import csv
from pathlib import Path

import pytest

from demodata import DatasetSpec, make_dataset

TINY = DatasetSpec(train=20, validation=10, test=10, seconds=0.5, seed=7)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def tiny_set(tmp_path_factory):
    """A 20/10/10 set of 0.5 s clips, made once for the read-only tests."""
    return make_dataset(tmp_path_factory.mktemp("tiny"), TINY)


@pytest.fixture(scope="session")
def rated_set(tmp_path_factory):
    """600 test pairs with 8 listeners each: enough for statistics, short clips for speed."""
    spec = DatasetSpec(train=0, validation=0, test=600, seconds=0.2, seed=11)
    return make_dataset(tmp_path_factory.mktemp("rated"), spec, animal_dir=None)
