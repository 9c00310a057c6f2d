"""The files follow the official XACLE layout, columns and audio format."""

import re
from collections import Counter

import soundfile as sf

from demodata import SPLITS, TTA_MODELS

from .conftest import TINY, read_csv

RATING_COLUMNS = ["wav_file_name", "text", "score", "listener_id"]
AVERAGE_COLUMNS = ["wav_file_name", "text", "average_score"]


def test_it_writes_the_official_meta_data_files_with_their_exact_columns(tiny_set):
    meta = tiny_set.root / "meta_data"
    for split in SPLITS:
        assert (meta / f"{split}.csv").read_text().splitlines()[0] == ",".join(RATING_COLUMNS)
        average = (meta / f"{split}_average.csv").read_text().splitlines()[0]
        assert average == ",".join(AVERAGE_COLUMNS)
    assert (meta / "item_subsets.csv").read_text().splitlines()[0] == "wav_file_name,subset"


def test_it_writes_mono_16_bit_16_khz_clips_of_the_asked_length(tiny_set):
    for split in SPLITS:
        for row in read_csv(tiny_set.root / "meta_data" / f"{split}_average.csv"):
            info = sf.info(tiny_set.root / "wav" / split / row["wav_file_name"])
            assert (info.samplerate, info.channels, info.subtype, info.format) == (
                16000,
                1,
                "PCM_16",
                "WAV",
            )
            assert info.frames == int(TINY.seconds * 16000)


def test_ids_continue_across_the_splits_with_five_digits(tiny_set):
    names = []
    for split in SPLITS:
        rows = read_csv(tiny_set.root / "meta_data" / f"{split}_average.csv")
        assert len(rows) == TINY.size(split)
        files = sorted(p.name for p in (tiny_set.root / "wav" / split).iterdir())
        assert files == [row["wav_file_name"] for row in rows]
        names += files
    assert names == [f"{i:05d}.wav" for i in range(TINY.total)]


def test_each_pair_has_four_listeners_in_train_and_validation_and_eight_in_test(tiny_set):
    for split, expected in (("train", 4), ("validation", 4), ("test", 8)):
        rows = read_csv(tiny_set.root / "meta_data" / f"{split}.csv")
        per_item = Counter(row["wav_file_name"] for row in rows)
        assert set(per_item.values()) == {expected}
        distinct = {(row["wav_file_name"], row["listener_id"]) for row in rows}
        assert len(distinct) == len(rows), "a listener rated one pair twice"
        assert all(0 <= int(row["score"]) <= 10 for row in rows)


def test_test_listeners_are_other_people_than_train_and_validation_listeners(tiny_set):
    meta = tiny_set.root / "meta_data"
    seen = {r["listener_id"] for s in ("train", "validation") for r in read_csv(meta / f"{s}.csv")}
    test = {row["listener_id"] for row in read_csv(meta / "test.csv")}
    assert seen and test and not seen & test
    assert all(re.fullmatch(r"[a-z0-9]{8}", i) for i in seen | test)


def test_average_score_is_the_mean_of_the_pairs_ratings(tiny_set):
    for split in SPLITS:
        ratings = {}
        for row in read_csv(tiny_set.root / "meta_data" / f"{split}.csv"):
            ratings.setdefault(row["wav_file_name"], []).append(int(row["score"]))
        for row in read_csv(tiny_set.root / "meta_data" / f"{split}_average.csv"):
            scores = ratings[row["wav_file_name"]]
            assert float(row["average_score"]) == sum(scores) / len(scores)


def test_the_result_describes_every_item_as_the_files_do(tiny_set):
    subsets = read_csv(tiny_set.root / "meta_data" / "item_subsets.csv")
    assert {row["wav_file_name"]: row["subset"] for row in subsets} == tiny_set.subsets
    assert len(tiny_set.latent) == TINY.total
    assert all(0 <= value <= 10 for value in tiny_set.latent.values())
    labels = {"natural"} | {f"synthetic/{model}" for model in TTA_MODELS}
    assert set(tiny_set.subsets.values()) <= labels
    for split in SPLITS:
        for row in read_csv(tiny_set.root / "meta_data" / f"{split}_average.csv"):
            assert tiny_set.captions[row["wav_file_name"]] == row["text"]
            assert tiny_set.splits[row["wav_file_name"]] == split


def test_it_leaves_no_partial_folder_behind(tiny_set):
    assert sorted(p.name for p in tiny_set.root.parent.iterdir()) == ["XACLE_dataset"]
