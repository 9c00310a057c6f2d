"""Importing the official XACLE_dataset folder as a competition: safe to run again, and a
run with corrected ratings updates them and sends the affected submissions to be rescored."""

import csv
import hashlib
import hmac
import io
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from tqdm import tqdm

import scoring
from competition import dates, scorer, tasks, truth
from competition.models import Competition, Item, Phase, Rating, Split, Submission

PARTITIONS = [Item.TRAIN, Item.VALIDATION, Item.TEST]


class DatasetError(Exception):
    """The dataset folder cannot be imported; the message says what to fix."""


@dataclass
class PartitionData:
    ids: list[str]
    texts: dict[str, str]
    ratings: dict[str, list[tuple[str, float]]] | None  # None: no per-rating file
    means: dict[str, float] | None  # None: the truth is not released


@dataclass
class ImportReport:
    competition: Competition
    created: bool
    items_created: int = 0
    items_updated: int = 0
    items_removed: int = 0
    ratings_changed: int = 0
    phases_changed: list[str] = field(default_factory=list)
    # phase kind -> its submissions sent to be rescored
    requeued_by_phase: dict[str, list[int]] = field(default_factory=dict)

    @property
    def requeued_ids(self) -> list[int]:
        return [pk for ids in self.requeued_by_phase.values() for pk in ids]

    @property
    def requeued(self) -> int:
        return len(self.requeued_ids)


def read_dataset(root: Path) -> dict[str, PartitionData]:
    meta = root / "meta_data"
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder; give the path of the XACLE_dataset folder.")
    if not meta.is_dir():
        raise DatasetError(f"{meta} is missing: an XACLE_dataset folder holds meta_data/ and wav/.")
    data = {partition: _read_partition(meta, partition) for partition in PARTITIONS}
    seen: dict[str, str] = {}
    for partition, part in data.items():
        for wav in part.ids:
            if wav in seen:
                raise DatasetError(f"{wav} is listed in both {seen[wav]} and {partition}.")
            seen[wav] = partition
        _check_audio(root, partition, part.ids)
    return data


def _read_partition(meta: Path, partition: str) -> PartitionData:
    per_rating, average = meta / f"{partition}.csv", meta / f"{partition}_average.csv"
    if not per_rating.exists() and not average.exists():
        raise DatasetError(f"{per_rating} is missing (and so is {average.name}).")
    use_ratings = per_rating.exists()
    if use_ratings and _header(per_rating) == ["wav_file_name", "text"]:
        # The test set as published during the challenge: texts, no ratings.
        if not average.exists():
            return _texts_only(per_rating)
        use_ratings = False
    try:
        if use_ratings:
            found = scoring.read_truth(per_rating)
            ratings: dict[str, list[tuple[str, float]]] = {}
            for wav, listener, score in found.ratings or []:
                ratings.setdefault(wav, []).append((listener, score))
        else:
            found, ratings = scoring.read_truth(average), None
    except scoring.TruthError as exc:
        raise DatasetError(str(exc))
    except OSError as exc:
        raise DatasetError(f"{exc.filename or meta} cannot be read: {exc.strerror or exc}.")
    return PartitionData(
        ids=list(found.ids),
        texts=dict(zip(found.ids, found.texts, strict=True)),
        ratings=ratings,
        means={wav: float(mean) for wav, mean in zip(found.ids, found.means, strict=True)},
    )


def _read_text(path: Path) -> io.StringIO:
    try:
        return io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        raise DatasetError(f"{path}, line {line}: not UTF-8 text; save the file as UTF-8.")
    except OSError as exc:
        raise DatasetError(f"{path} cannot be read: {exc.strerror or exc}.")


def _header(path: Path) -> list[str]:
    return [column.strip() for column in next(csv.reader(_read_text(path)), [])]


def _texts_only(path: Path) -> PartitionData:
    ids, texts = [], {}
    for line, row in enumerate(csv.reader(_read_text(path)), start=1):
        if line == 1 or not row:
            continue
        if len(row) != 2 or not row[0].strip():
            raise DatasetError(f"{path}, line {line}: expected wav_file_name,text.")
        wav = row[0].strip()
        if wav in texts:
            raise DatasetError(f"{path}, line {line}: {wav} is listed twice.")
        ids.append(wav)
        texts[wav] = row[1]
    return PartitionData(ids=ids, texts=texts, ratings=None, means=None)


def _check_audio(root: Path, partition: str, ids: list[str]):
    folder = root / "wav" / partition
    if not folder.is_dir():
        raise DatasetError(f"{folder} is missing: the {partition} audio goes there.")
    present = set(os.listdir(folder))
    missing = [wav for wav in ids if wav not in present]
    if missing:
        shown = ", ".join(missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise DatasetError(
            f"{len(missing)} {partition} audio files are missing from {folder}: {shown}{more}."
        )


def read_subsets(root: Path, known: set[str]) -> dict[str, str]:
    path = root / "meta_data" / "item_subsets.csv"
    if not path.exists():
        return {}
    labels: dict[str, list[str]] = {}
    reader = csv.reader(_read_text(path))
    if [c.strip() for c in next(reader, [])] != ["wav_file_name", "subset"]:
        raise DatasetError(f"{path}, line 1: the header must be wav_file_name,subset.")
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != 2:
            raise DatasetError(f"{path}, line {line}: expected 2 columns, found {len(row)}.")
        wav, label = row[0].strip(), row[1].strip()
        if wav not in known:
            raise DatasetError(f"{path}, line {line}: {wav} is not in the data set.")
        if label and label not in labels.setdefault(wav, []):
            labels[wav].append(label)
    return {wav: ",".join(values) for wav, values in labels.items()}


@dataclass
class Dataset:
    """A data set folder read and checked, ready to be applied to a competition."""

    root: Path
    partitions: dict[str, PartitionData]
    subsets: dict[str, str]

    def ids(self, partition: str) -> list[str]:
        return self.partitions[partition].ids


def read(path) -> Dataset:
    """Read and check the folder as a whole; DatasetError says what to fix."""
    root = Path(path).resolve()
    data = read_dataset(root)
    subsets = read_subsets(root, {wav for part in data.values() for wav in part.ids})
    _check_lengths(data, subsets)
    return Dataset(root, data, subsets)


def import_dataset(
    path,
    slug: str,
    *,
    title: str | None = None,
    test_public_fraction: float | None = None,
    progress: bool = False,
    opens_at: dict | None = None,
    closes_at: dict | None = None,
) -> ImportReport:
    """Import (or update) the competition from the folder. `opens_at` / `closes_at` map a
    phase's kind to its new window's ends; the others are kept."""
    if test_public_fraction is not None and not 0 < test_public_fraction < 1:
        raise DatasetError("--test-public-fraction must be between 0 and 1, e.g. 0.3.")
    _check_names(slug, title)
    dataset = read(path)
    root = dataset.root
    with transaction.atomic():
        competition, created = Competition.objects.get_or_create(
            slug=slug, defaults={"title": title or slug, "dataset_root": str(root)}
        )
        if not created and (
            title and competition.title != title or competition.dataset_root != str(root)
        ):
            competition.title = title or competition.title
            competition.dataset_root = str(root)
            competition.save()
        report = ImportReport(competition, created)
        phases = _ensure_phases(competition, test_public_fraction)
        _set_windows(phases.values(), opens_at or {}, closes_at or {})
        apply_dataset(
            competition, dataset, phases, report, {Item.TEST: test_public_fraction}, progress
        )
    truth.forget()
    return report


def apply_dataset(
    competition: Competition,
    dataset: Dataset,
    phases: dict[str, Phase],
    report: ImportReport,
    fractions: dict[str, float | None] | None = None,
    progress: bool = False,
) -> None:
    """Bring the competition's items, ratings and splits to the data set's, inside the
    caller's transaction. A phase whose truth changed gets a new truth_version and its
    submissions are sent to be rescored once the transaction commits. `fractions` sets a
    phase's public fraction; a phase not named keeps its own cut. Call truth.forget() after
    the commit."""
    for partition in PARTITIONS:
        changed = _import_partition(
            competition, partition, dataset.partitions[partition], dataset.subsets, report,
            progress,
        )  # fmt: skip
        phase = phases.get(partition)
        if phase is None:
            continue
        changed |= _assign_splits(phase, (fractions or {}).get(partition))
        if changed:
            report.phases_changed.append(partition)
            Phase.objects.filter(pk=phase.pk).update(truth_version=phase.truth_version + 1)
            ids = scorer.requeue(Submission.objects.filter(phase=phase))
            report.requeued_by_phase[partition] = ids
            transaction.on_commit(lambda ids=ids: tasks.enqueue(ids))


def _check_names(slug: str, title: str | None):
    field = Competition._meta.get_field
    try:
        validate_slug(slug)
    except ValidationError:
        raise DatasetError(f"--competition {slug!r}: use letters, digits, - and _ only.")
    if len(slug) > field("slug").max_length:
        raise DatasetError(f"--competition is {len(slug)} characters; the limit is 50.")
    if title and len(title) > field("title").max_length:
        raise DatasetError(f"--title is {len(title)} characters; the limit is 200.")


def _check_lengths(data: dict[str, PartitionData], subsets: dict[str, str]):
    """What the database cannot hold is said here, naming the value, not as a crash."""
    limits = {
        "wav_file_name": Item._meta.get_field("wav_file_name").max_length,
        "listener_id": Rating._meta.get_field("listener_id").max_length,
        "subset labels": Item._meta.get_field("subsets").max_length,
    }
    for partition, part in data.items():
        values = [("wav_file_name", wav) for wav in part.ids]
        for ratings in (part.ratings or {}).values():
            values += [("listener_id", listener) for listener, _ in ratings]
        for kind, value in values:
            if len(value) > limits[kind]:
                raise DatasetError(
                    f"{partition}: the {kind} {value[:40]!r}… is longer than {limits[kind]}."
                )
    for wav, labels in subsets.items():
        if len(labels) > limits["subset labels"]:
            raise DatasetError(f"item_subsets.csv: the labels of {wav} exceed 200 characters.")


def _set_windows(phases, opens_at: dict, closes_at: dict) -> None:
    for phase in phases:
        if phase.kind not in opens_at and phase.kind not in closes_at:
            continue
        phase.opens_at = opens_at.get(phase.kind, phase.opens_at)
        phase.closes_at = closes_at.get(phase.kind, phase.closes_at)
        if phase.closes_at is not None and phase.closes_at <= phase.opens_at:
            raise DatasetError(
                f"The {phase.kind} phase would close ({dates.utc(phase.closes_at)}) before it "
                f"opens ({dates.utc(phase.opens_at)}); give --opens-at and --closes-at in order."
            )
        phase.save(update_fields=["opens_at", "closes_at"])


def _ensure_phases(competition: Competition, fraction: float | None) -> dict[str, Phase]:
    validation, _ = Phase.objects.get_or_create(
        competition=competition, kind=Phase.VALIDATION, defaults={"leaderboard": Phase.LIVE}
    )
    # A test phase cut into parts shows its public part live, as Kaggle does.
    test, _ = Phase.objects.get_or_create(
        competition=competition,
        kind=Phase.TEST,
        defaults={"leaderboard": Phase.LIVE if fraction else Phase.HIDDEN},
    )
    if fraction and test.leaderboard == Phase.HIDDEN:
        test.leaderboard = Phase.LIVE
        test.save(update_fields=["leaderboard"])
    return {Item.VALIDATION: validation, Item.TEST: test}


def _import_partition(
    competition, partition, part: PartitionData, subsets, report, progress
) -> bool:
    """Create or update the partition's items and ratings; True when anything a score
    depends on (the set of items, a mean) changed."""
    existing = {
        item.wav_file_name: item
        for item in Item.objects.filter(competition=competition, partition=partition)
    }
    old_ratings: dict[int, list[tuple[str, float]]] = {}
    for item_id, listener, score in Rating.objects.filter(item__in=existing.values()).values_list(
        "item_id", "listener_id", "score"
    ):
        old_ratings.setdefault(item_id, []).append((listener, score))
    changed = set(existing) != set(part.ids)
    to_create, to_update, rating_items, new_ratings = [], [], [], []
    bar = tqdm(part.ids, desc=f"{partition:>10}", unit="pair", disable=not progress, leave=False)
    for wav in bar:
        mean = part.means.get(wav) if part.means is not None else None
        ratings = sorted(part.ratings.get(wav, [])) if part.ratings is not None else None
        fields = {
            "text": part.texts[wav],
            "audio_path": f"wav/{partition}/{wav}",
            "subsets": subsets.get(wav, ""),
            "mean_score": mean,
            "n_ratings": len(ratings) if ratings is not None else 0,
        }
        item = existing.get(wav)
        if item is None:
            item = Item(competition=competition, wav_file_name=wav, partition=partition, **fields)
            to_create.append(item)
            new_ratings.append((item, ratings))
            continue
        if any(getattr(item, name) != value for name, value in fields.items()):
            changed |= item.mean_score != mean
            for name, value in fields.items():
                setattr(item, name, value)
            to_update.append(item)
        if ratings is not None and sorted(old_ratings.get(item.pk, [])) != ratings:
            rating_items.append(item.pk)
            new_ratings.append((item, ratings))
    # Pairs the organizers took out of the data set leave the phase (and its truth).
    stale = [existing[wav].pk for wav in set(existing) - set(part.ids)]
    Item.objects.filter(pk__in=stale).delete()
    report.items_removed += len(stale)
    Item.objects.bulk_create(to_create, batch_size=2000)
    Item.objects.bulk_update(to_update, list(fields), batch_size=2000)
    Rating.objects.filter(item_id__in=rating_items).delete()
    Rating.objects.bulk_create(
        [
            Rating(item=item, listener_id=listener, score=score)
            for item, ratings in new_ratings
            for listener, score in ratings or []
        ],
        batch_size=5000,
    )
    report.items_created += len(to_create)
    report.items_updated += len(to_update)
    report.ratings_changed += len(rating_items)
    return changed


def _assign_splits(phase: Phase, fraction: float | None) -> bool:
    """Make the phase's splits hold the wanted items; True when membership changed. The
    cut (its fraction and its secret seed) is kept on the phase, so a later import, with
    or without the option, keeps it."""
    if fraction is not None and phase.public_fraction != fraction:
        phase.public_fraction = fraction
        phase.save(update_fields=["public_fraction"])
    if phase.public_fraction and not phase.split_seed:
        phase.split_seed = secrets.token_hex(32)
        phase.save(update_fields=["split_seed"])
    items = list(phase.items().values_list("id", "wav_file_name"))
    item_ids = sorted(item_id for item_id, _ in items)
    if phase.public_fraction:
        ordered = [item_id for item_id, _ in sorted(items, key=lambda i: _rank(phase, i[1]))]
        cut = round(len(ordered) * phase.public_fraction)
        wanted = {
            "public": (Split.PUBLIC, ordered[:cut]),
            "private": (Split.PRIVATE, ordered[cut:]),
        }
    else:
        # A test phase that is not cut shows nothing of itself before the reveal.
        whole = Split.PRIVATE if phase.kind == Phase.TEST else Split.PUBLIC
        wanted = {"all": (whole, item_ids)}
    changed = phase.splits.exclude(name__in=wanted).exists()
    phase.splits.exclude(name__in=wanted).delete()
    for name, (visibility, members) in wanted.items():
        split, created = Split.objects.get_or_create(
            phase=phase, name=name, defaults={"visibility": visibility}
        )
        if split.visibility != visibility:
            split.visibility = visibility
            split.save(update_fields=["visibility"])
        if created or set(split.items.values_list("id", flat=True)) != set(members):
            split.items.set(members)
            changed = True
    return changed


def _rank(phase: Phase, wav_file_name: str) -> bytes:
    """An item's place in the phase's secret order: a keyed hash of its name, so the cut
    depends on nothing a participant sees (not ids, not the import order), and stays put
    for the items that stay when others are added or removed."""
    return hmac.new(phase.split_seed.encode(), wav_file_name.encode(), hashlib.sha256).digest()
