"""The data participants download: CSVs written from the database in the official
`meta_data/` layout, and the audio, streamed from `Competition.dataset_root`.

Test ratings are written only once the organizers publish them; before that `test.csv`
has the texts alone, as the public file had during the challenge. Audio comes only from
paths stored on items, resolved inside the dataset root: no request names a path.
"""

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.urls import reverse

from competition import csv_safe
from competition.access import get_competition, is_organizer
from competition.models import Competition, Item, Phase, Rating

log = logging.getLogger(__name__)

RATINGS, AVERAGE, TEXTS = "ratings", "average", "texts"
HEADERS = {
    RATINGS: ["wav_file_name", "text", "score", "listener_id"],
    AVERAGE: ["wav_file_name", "text", "average_score"],
    TEXTS: ["wav_file_name", "text"],
}
PARTITIONS = [Item.TRAIN, Item.VALIDATION, Item.TEST]


@dataclass(frozen=True)
class Download:
    name: str
    url: str
    what: str


def ratings_public(user, competition: Competition, partition: str) -> bool:
    """Train and validation ratings are public; test ratings once published."""
    if partition != Item.TEST or is_organizer(user):
        return True
    phase = competition.phases.filter(kind=Phase.TEST).first()
    return bool(phase and phase.ratings_published)


def csv_kind(user, competition: Competition, filename: str) -> tuple[str, str] | None:
    """(partition, kind) that a meta_data file name stands for, for this user; None when
    there is no such file or the user may not have it."""
    stem = filename.removesuffix(".csv")
    partition, _, suffix = stem.partition("_")
    if partition not in PARTITIONS or suffix not in ("", "average") or stem == filename:
        return None
    public = ratings_public(user, competition, partition)
    if suffix == "average":
        return (partition, AVERAGE) if public else None
    return (partition, RATINGS if public else TEXTS)


def catalogue(user, competition: Competition) -> list[Download]:
    """What the overview page offers this user."""
    slug = competition.slug
    files = []
    for partition in PARTITIONS:
        if not competition.items.filter(partition=partition).exists():
            continue
        for filename in (f"{partition}.csv", f"{partition}_average.csv"):
            found = csv_kind(user, competition, filename)
            if found is None:
                continue
            url = reverse("download_csv", args=[slug, filename])
            files.append(Download(filename, url, _describe(*found)))
        url = reverse("download_audio", args=[slug, partition])
        files.append(Download(f"{partition}_wav.zip", url, f"the {partition} audio (WAV)"))
    return files


def _describe(partition: str, kind: str) -> str:
    return {
        RATINGS: f"every {partition} rating: one line per listener and pair",
        AVERAGE: f"the mean {partition} rating of each pair",
        TEXTS: f"the {partition} pairs and their texts (no ratings)",
    }[kind]


def csv_rows(competition: Competition, partition: str, kind: str):
    items = Item.objects.filter(competition=competition, partition=partition)
    if kind == RATINGS:
        ratings = Rating.objects.filter(item__in=items).order_by("item__wav_file_name", "id")
        for wav, text, score, listener in ratings.values_list(
            "item__wav_file_name", "item__text", "score", "listener_id"
        ).iterator(chunk_size=5000):
            yield [wav, text, _number(score), listener]
    elif kind == AVERAGE:
        for wav, text, mean in items.values_list("wav_file_name", "text", "mean_score").iterator(
            chunk_size=5000
        ):
            yield [wav, text, "" if mean is None else _number(mean)]
    else:
        yield from items.values_list("wav_file_name", "text").iterator(chunk_size=5000)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """A CSV download, streamed; cells a spreadsheet would run as formulas are neutralised."""
    writer = csv_safe.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def download_csv(request, slug, filename):
    competition = get_competition(slug)
    found = csv_kind(request.user, competition, filename)
    if found is None:
        raise Http404("No such file")
    partition, kind = found
    rows = csv_rows(competition, partition, kind)
    return csv_response(filename, HEADERS[kind], rows)


def audio_path(competition: Competition, item: Item) -> Path | None:
    """The item's WAV inside the dataset root, or None (missing, or pointing outside)."""
    if not competition.dataset_root:
        return None
    root = Path(competition.dataset_root).resolve()
    path = (root / item.audio_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


@login_required
def download_wav(request, slug, partition, wav_file_name):
    competition = get_competition(slug)
    item = Item.objects.filter(
        competition=competition, partition=partition, wav_file_name=wav_file_name
    ).first()
    path = audio_path(competition, item) if item else None
    if path is None:
        raise Http404("No such audio file")
    return FileResponse(open(path, "rb"), content_type="audio/wav", filename=item.wav_file_name)


@login_required
def download_audio(request, slug, partition):
    """A ZIP of the partition's WAVs, written while it is sent: nothing is built on disk,
    and memory holds one chunk at a time, whatever the size of the partition."""
    competition = get_competition(slug)
    items = Item.objects.filter(competition=competition, partition=partition)
    if partition not in PARTITIONS or not items.exists():
        raise Http404("No such partition")
    files = (
        (f"wav/{partition}/{item.wav_file_name}", audio_path(competition, item))
        for item in items.only("wav_file_name", "audio_path").iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(zip_stream(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{partition}_wav.zip"'
    return response


class _Pipe:
    """A write-only file for zipfile: it collects what is written until taken."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> list[bytes]:
        """What was written since the last take, as one chunk (none if nothing was)."""
        data = b"".join(self.chunks)
        self.chunks.clear()
        return [data] if data else []


def zip_stream(files, chunk_size: int = 1 << 20):
    """Yield a stored (uncompressed: WAV hardly compresses) ZIP of (arcname, path) pairs;
    a path of None (a missing file) is left out and logged."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for arcname, path in files:
            if path is None:
                log.warning("audio for %s is missing from the dataset root", arcname)
                continue
            info = zipfile.ZipInfo.from_file(path, arcname)
            with open(path, "rb") as source, archive.open(info, "w") as target:
                while chunk := source.read(chunk_size):
                    target.write(chunk)
                    yield from pipe.take()
            yield from pipe.take()
    yield from pipe.take()
