"""The demo competition a newcomer lands on: a data set made here, set up from the example
competition file (demodata/xacle-demo/), teams whose systems range from weak to strong, a
baseline row, and a participant account to log in with."""

import io
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

import scoring
from competition import competition_file, competition_sync, descriptions, references, scorer, truth
from competition.models import (
    Competition,
    Membership,
    Phase,
    Submission,
    SystemDescription,
    Team,
)
from competition.submitting import submit
from scoring.description import Description

log = logging.getLogger(__name__)

SLUG = "xacle-demo"
USERNAME, PASSWORD = "demo", "demo-xacle-2026"


@dataclass(frozen=True)
class DemoSystem:
    team: str
    system: str
    noise: float  # standard deviation around the latent relevance
    scale: float = 1.0  # a ranking-only system predicts on the wrong scale
    offset: float = 0.0
    constant: bool = False
    baseline: bool = False


SYSTEMS = [
    # Invented teams (never the real XACLE teams with made-up scores). Noise levels put the
    # demo's SRCCs near the published ones (0.64 at the top, the baseline near 0.33) on the
    # demo data, whose listeners agree more than real ones.
    DemoSystem("Heron_Lab", "Heron_Lab_01", noise=3.6),
    DemoSystem("Heron_Lab", "Heron_Lab_02", noise=4.2),
    DemoSystem("Kestrel_AI", "Kestrel_AI_01", noise=3.8),
    # Trained with a ranking loss only: it orders well but its numbers are off the scale.
    DemoSystem("Otter_Uni", "Otter_Uni_01", noise=3.7, scale=0.3, offset=9.0),
    DemoSystem("Lynx_Tech", "Lynx_Tech_01", noise=4.5),
    DemoSystem("Marten_Inst", "Marten_Inst_01", noise=5.5),
    DemoSystem("Marten_Inst", "Marten_Inst_02", noise=6.5),
    DemoSystem("Flat_Line", "Flat_Line_01", noise=0.0, constant=True),
    DemoSystem("Demo_Team", "Demo_Team_01", noise=7.0),
    DemoSystem("Organizers", "Baseline", noise=8.0, baseline=True),
]

# Their descriptions, spelled as teams spell them (the census counts M2D-CLAP = m2d clap).
DESCRIBED = {
    "Heron_Lab_01": ("M2D-CLAP", "M2D-CLAP", "Transformer + MLP", ["MSE", "ranking"], 86_000_000,
                   [], ["M2D-CLAP"]),
    "Heron_Lab_02": ("m2d clap", "RoBERTa", "Transformer + MLP", ["MSE"], 210_000_000,
                   ["Clotho"], ["M2D-CLAP", "RoBERTa"]),
    "Kestrel_AI_01": ("BEATs", "RoBERTa", "cross-attention + MLP", ["MSE", "contrastive"],
                          180_000_000, [], ["BEATs", "RoBERTa"]),
    "Otter_Uni_01": ("M2D_CLAP", "M2D_CLAP", "MLP", ["ranking"], 3_000_000, [], ["M2D-CLAP"]),
    "Lynx_Tech_01": ("M2D-CLAP", "M2D-CLAP", "LSTM", ["MSE"], 12_000_000, ["Clotho"],
                     ["M2D-CLAP"]),
    "Marten_Inst_01": ("BEATs", "BERT", "SVR", ["MSE"], 400_000, [], ["BEATs", "BERT"]),
    "Marten_Inst_02": ("BEATs", "BERT", "Transformer+MLP", ["MSE"], 1_200_000, [],
                    ["BEATs", "BERT"]),
    "Flat_Line_01": ("none", "none", "constant", ["MSE"], 1, [], []),
    "Demo_Team_01": ("BEATs", "BERT", "MLP", ["MSE"], 500_000, [], ["BEATs", "BERT"]),
    "Baseline": ("BEATs", "RoBERTa", "Transformer + MLP", ["MSE"], 130_000_000, [],
                 ["BEATs", "RoBERTa"]),
}  # fmt: skip


def description_of(system: DemoSystem) -> str:
    audio, text, predictor, losses, parameters, data, models = DESCRIBED[system.system]
    return Description(
        system_name=system.system, audio_encoders=[audio], text_encoders=[text],
        predictor=predictor, losses=losses, parameters=parameters, external_data=data,
        pretrained_models=models, notes="A demo system: its predictions are simulated.",
    ).to_yaml()  # fmt: skip


def data_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo"


# The demo's competition file, kept in the repository as the example of one.
EXAMPLE = Path(__file__).resolve().parents[1] / "demodata" / "xacle-demo"
BASELINE = next(system for system in SYSTEMS if system.baseline)


def example_file(root: Path, latent: dict[str, float]) -> Path:
    """The example competition file, copied beside the data set, with the baseline's run
    folder it names (the baseline's simulated predictions, as baseline.predict writes them)."""
    out = data_dir()
    for source in EXAMPLE.iterdir():
        if source.is_file():
            shutil.copyfile(source, out / source.name)
    run = out / "runs" / BASELINE.system
    run.mkdir(parents=True, exist_ok=True)
    for kind in (Phase.VALIDATION, Phase.TEST):
        ids = sorted(os.listdir(root / "wav" / kind))
        path = run / references.RUN_FILE.format(kind=kind)
        scoring.write_submission(path, ids, predictions(BASELINE, ids, latent))
    return out / "competition.yaml"


def ensure_dataset(progress=None) -> tuple[Path, dict[str, float]]:
    """The demo data set and its latent relevances, made on first use."""
    from demodata import DatasetSpec, make_dataset

    out = data_dir()
    root, latent_file = out / "XACLE_dataset", out / "latent.json"
    if not (latent_file.exists() and (root / "meta_data" / "test_average.csv").exists()):
        result = make_dataset(out, DatasetSpec(), progress, force=True)
        for note in result.notes:
            log.info("%s", note)
        latent_file.write_text(json.dumps(result.latent, sort_keys=True))
    return root, json.loads(latent_file.read_text())


def predictions(system: DemoSystem, ids: list[str], latent: dict[str, float]) -> np.ndarray:
    rng = np.random.default_rng(_seed(system))
    values = np.array([latent[wav] for wav in ids])
    if system.constant:
        return np.full(len(ids), 5.0)
    noisy = values + rng.normal(0.0, system.noise, len(ids))
    # A regression model shrinks what it is unsure of towards the middle of the scale.
    shrink = 10.0 / (10.0 + system.noise**2)
    calibrated = 5.0 + shrink * (noisy - 5.0)
    return np.round(calibrated * system.scale + system.offset, 4)


def _seed(system: DemoSystem) -> int:
    # Stable across runs (str hash is salted per process).
    return sum(ord(c) * 31**i for i, c in enumerate(system.system)) % 2**32


def build(progress=None) -> tuple[Competition, list[int]]:
    """Make everything that is missing; return the competition and the submissions sent to
    be scored. The competition is made from its file, as any competition is; once made, it
    keeps what its organizers changed since (in the admin, with register_baseline), and
    `load_competition` on the file brings it back."""
    root, latent = ensure_dataset(progress)
    path = example_file(root, latent)
    made = []
    if not Competition.objects.filter(slug=SLUG).exists():
        made += competition_sync.load(competition_file.read(path)).queued
    competition = Competition.objects.get(slug=SLUG)
    user = _demo_user(competition)
    for phase in competition.phases.order_by("kind"):
        ids = truth.phase_ids(phase)
        for system in SYSTEMS:
            made += _submit_once(phase, system, ids, latent, user)
    return competition, made


def _demo_user(competition):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=USERNAME)
    if created:
        user.set_password(PASSWORD)
        user.save()
    team, _ = Team.objects.get_or_create(competition=competition, name="Demo_Team")
    Membership.objects.get_or_create(user=user, competition=competition, defaults={"team": team})
    return user


def _submit_once(phase: Phase, system: DemoSystem, ids, latent, user) -> list[int]:
    team, _ = Team.objects.get_or_create(
        competition=phase.competition,
        name=system.team,
        defaults={"is_organizer": system.baseline},
    )
    if Submission.objects.filter(phase=phase, team=team, system_name=system.system).exists():
        if not SystemDescription.objects.filter(
            phase=phase, team=team, system_name=system.system
        ).exists():  # a demo made before descriptions existed
            descriptions.give(phase, team, system.system, description_of(system))
        return []
    values = predictions(system, ids, latent)
    body = "wav_file_name,prediction_score\n" + "".join(
        f"{wav},{value!r}\n" for wav, value in zip(ids, values.tolist(), strict=True)
    )
    with transaction.atomic():
        submission = submit(
            phase,
            team,
            system.system,
            io.BytesIO(body.encode()),
            filename=f"{system.system}_{phase.kind}.csv",
            user=user if system.team == "Demo_Team" else None,
            is_baseline=system.baseline,
            check_open=False,
            description=description_of(system),
        )
    return [submission.pk]


def finish_scoring(ids: list[int], wait_seconds: float = 20.0, progress: bool = False) -> None:
    """Return when the submissions are scored: by the workers if one answers, else here."""
    import time

    if ids and _worker_answers():
        deadline = time.monotonic() + wait_seconds
        pending = Submission.objects.filter(
            pk__in=ids, status__in=[Submission.QUEUED, Submission.SCORING]
        )
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    left = list(
        Submission.objects.filter(
            pk__in=ids, status__in=[Submission.QUEUED, Submission.SCORING]
        ).values_list("pk", flat=True)
    )
    scorer.score_in_batches(left, progress=progress)


def _worker_answers() -> bool:
    from config.celery import app

    try:
        return bool(app.control.ping(timeout=1.0))
    except Exception:  # the file-system broker cannot broadcast: assume no worker
        return False
