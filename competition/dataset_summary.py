"""What the imported data set holds, for the overview page: items per partition, clip
lengths and formats (read from the WAV headers), and the sources named by the subset labels
(natural, synthetic/MODEL). Cached: the headers are read once per import, not per visit."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from django.core.cache import cache
from django.db.models import Count, Max

from competition.models import Competition, Item

CACHE_SECONDS = 24 * 3600


@dataclass
class Summary:
    counts: dict[str, int]
    total: int
    clips_read: int = 0
    shortest: float | None = None
    longest: float | None = None
    median: float | None = None
    sample_rates: list[int] = field(default_factory=list)
    channels: list[int] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)  # (label, items)
    models: list[tuple[str, int]] = field(default_factory=list)  # synthetic/MODEL


def summary(competition: Competition) -> Summary | None:
    items = Item.objects.filter(competition=competition)
    stamp = items.aggregate(n=Count("id"), last=Max("id"))
    if not stamp["n"]:
        return None
    key = f"dataset-summary:{competition.pk}:{stamp['n']}:{stamp['last']}"
    found = cache.get(key)
    if found is None:
        found = _build(competition, items)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _build(competition, items) -> Summary:
    counts = {
        row["partition"]: row["n"]
        for row in items.values("partition").annotate(n=Count("id")).order_by()
    }
    order = [Item.TRAIN, Item.VALIDATION, Item.TEST]
    counts = {p: counts[p] for p in order if p in counts}
    result = Summary(counts=counts, total=sum(counts.values()))
    labels: Counter = Counter()
    models: Counter = Counter()
    durations, rates, channels = [], set(), set()
    root = Path(competition.dataset_root) if competition.dataset_root else None
    for audio_path, subsets in items.values_list("audio_path", "subsets").iterator():
        for label in filter(None, (part.strip() for part in subsets.split(","))):
            kind, _, model = label.partition("/")
            labels[kind] += 1
            if model:
                models[model] += 1
        info = _header(root, audio_path)
        if info is not None:
            durations.append(info.duration)
            rates.add(info.samplerate)
            channels.add(info.channels)
    if durations:
        result.clips_read = len(durations)
        result.shortest, result.longest = min(durations), max(durations)
        result.median = median(durations)
    result.sample_rates, result.channels = sorted(rates), sorted(channels)
    result.sources = sorted(labels.items(), key=lambda pair: (-pair[1], pair[0]))
    result.models = sorted(models.items())
    return result


def _header(root: Path | None, audio_path: str):
    if root is None:
        return None
    import soundfile

    try:
        return soundfile.info(str(root / audio_path))
    except (RuntimeError, OSError, soundfile.LibsndfileError):
        return None
