"""Small builders for the competition's objects, shared by the Django tests."""

import io
from datetime import UTC, datetime, timedelta

import numpy as np
from django.contrib.auth import get_user_model

from competition.models import Competition, Item, Membership, Phase, Score, Split, Submission, Team
from tests.datasets import write_dataset  # noqa: F401  (re-exported for the Django tests)

PASSWORD = "a-long-test-password-42"


def make_competition(
    slug="xacle", n_validation=12, n_test=12, n_train=4, test_fraction=None, seed=0
) -> Competition:
    """A competition with items and means (no audio files), the phases and their splits as
    import_dataset makes them."""
    rng = np.random.default_rng(seed)
    competition = Competition.objects.create(slug=slug, title=f"{slug} challenge")
    counts = [(Item.TRAIN, n_train), (Item.VALIDATION, n_validation), (Item.TEST, n_test)]
    number = 0
    for partition, count in counts:
        for _ in range(count):
            ratings = rng.integers(0, 11, size=4)
            Item.objects.create(
                competition=competition,
                wav_file_name=f"{number:05d}.wav",
                text=f"caption {number}",
                audio_path=f"wav/{partition}/{number:05d}.wav",
                partition=partition,
                mean_score=float(ratings.mean()),
                n_ratings=4,
            )
            number += 1
    validation = Phase.objects.create(competition=competition, kind=Phase.VALIDATION)
    test = Phase.objects.create(
        competition=competition,
        kind=Phase.TEST,
        leaderboard=Phase.LIVE if test_fraction else Phase.HIDDEN,
        public_fraction=test_fraction,
    )
    _split(validation, "all", Split.PUBLIC, list(validation.items()))
    test_items = list(test.items())
    if test_fraction:
        cut = round(len(test_items) * test_fraction)
        _split(test, "public", Split.PUBLIC, test_items[:cut])
        _split(test, "private", Split.PRIVATE, test_items[cut:])
    else:
        _split(test, "all", Split.PRIVATE, test_items)
    return competition


def _split(phase, name, visibility, items):
    split = Split.objects.create(phase=phase, name=name, visibility=visibility)
    split.items.set(items)
    return split


def make_user(username, *, staff=False):
    return get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=staff, is_superuser=staff
    )


def make_team(competition, name, *users) -> Team:
    team = Team.objects.create(competition=competition, name=name)
    for user in users:
        Membership.objects.create(team=team, user=user)
    return team


def truth_of(phase: Phase) -> np.ndarray:
    return np.array(list(phase.items().values_list("mean_score", flat=True)))


def csv_bytes(phase: Phase, predictions=None, header="wav_file_name,prediction_score") -> bytes:
    """A valid submission for the phase; by default the truth plus a little noise."""
    ids = list(phase.items().values_list("wav_file_name", flat=True))
    if predictions is None:
        rng = np.random.default_rng(len(ids))
        predictions = truth_of(phase) + rng.normal(0, 1.5, len(ids))
    lines = [header] + [f"{wav},{float(p)!r}" for wav, p in zip(ids, predictions, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def upload(phase: Phase, predictions=None, name="predictions.csv"):
    handle = io.BytesIO(csv_bytes(phase, predictions))
    handle.name = name
    return handle


def rewrite_csv(path, change):
    """Edit a CSV file in place: change(rows) mutates the list of rows."""
    import csv

    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with open(path, "w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def change_first_rating(rows):
    """A correction of the first rating of a per-rating file."""
    rows[1][2] = "10" if rows[1][2] != "10" else "0"


T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def scored(
    phase, team, system, metrics, minutes=0, baseline=False, status=Submission.SCORED, **per_split
):
    """A submission with a score on every split of the phase (per_split: other metrics by
    split name)."""
    submission = Submission.objects.create(
        team=team,
        phase=phase,
        system_name=system,
        original_filename="x.csv",
        predictions=np.linspace(0, 10, phase.items().count()).tobytes(),
        status=status,
        submitted_at=T0 + timedelta(minutes=minutes),
        is_baseline=baseline,
    )
    for split in phase.splits.all():
        srcc, lcc, ktau, mse = per_split.get(split.name, metrics)
        Score.objects.create(
            submission=submission, split=split, srcc=srcc, lcc=lcc, ktau=ktau, mse=mse, n=6
        )
    return submission


def description_yaml(system, **fields) -> str:
    """A valid description of the system (XACLE's YAML keys); `fields` replace the values."""
    from scoring.description import Description

    values = {
        "system_name": system, "audio_encoders": ["M2D-CLAP"], "text_encoders": ["M2D-CLAP"],
        "predictor": "Transformer + MLP", "losses": ["MSE", "ranking"], "parameters": 86_000_000,
        "external_data": [], "pretrained_models": [],
    }  # fmt: skip
    values.update(fields)
    return Description(**values).to_yaml()


def pdf_bytes(pages=2) -> bytes:
    """A real PDF with blank pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def package_zip(files: dict[str, bytes | str]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xacle_package(phase, systems, report: bytes | None = None, **overrides) -> bytes:
    """A package of the phase with a CSV and a YAML per system (and a report)."""
    files = {}
    for system in systems:
        files[f"{system}.csv"] = csv_bytes(phase)
        files[f"{system}.yaml"] = description_yaml(system)
    if report is not None:
        files["report.pdf"] = report
    files.update(overrides)
    return package_zip(files)
