"""The competition's reference systems (the baselines): submitted by the organizers' own
team, one submission per phase and name, marked on every leaderboard and never ranked.
`manage.py register_baseline` and the competition file register them the same way."""

from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction

import scoring
from competition import truth
from competition.models import Competition, Phase, Submission, Team
from competition.submitting import submit

ORGANIZERS = "Organizers"
# What baseline.predict writes into a run folder, one file per phase.
RUN_FILE = "inference_result_for_{kind}.csv"


class FileRejected(Exception):
    """A reference system's file was not accepted: `error` says why, `path` which file."""

    def __init__(self, path: Path, error: scoring.SubmissionError):
        self.path, self.error = path, error
        super().__init__("\n".join(self.messages()))

    def messages(self) -> list[str]:
        """Each problem, named with the file ("inference_result_for_test.csv, line 3: ...")."""
        return file_messages(self.path, self.error)


def file_messages(path: Path, error: scoring.SubmissionError) -> list[str]:
    lines = [str(problem.in_file(path.name)) for problem in error.problems]
    return lines + error.messages()[len(error.problems) :]  # "… and N more problems"


def organizer_team(competition: Competition) -> Team:
    """The organizers' own team; never a participant's team that happens to share the name."""
    team = Team.objects.filter(competition=competition, is_organizer=True).first()
    if team is None:
        name, number = ORGANIZERS, 2
        while Team.look_alikes(competition, name).exists():
            name, number = f"{ORGANIZERS} {number}", number + 1
        team = Team.objects.create(competition=competition, name=name, is_organizer=True)
    return team


def registered(competition: Competition) -> dict[str, dict[str, Submission]]:
    """The reference systems: name -> phase kind -> its (latest) submission."""
    found: dict[str, dict[str, Submission]] = {}
    rows = Submission.objects.filter(
        phase__competition=competition, team__is_organizer=True, is_baseline=True
    ).select_related("phase")
    for submission in rows.order_by("submitted_at", "pk"):
        found.setdefault(submission.system_name, {})[submission.phase.kind] = submission
    return found


def same_predictions(phase: Phase, submission: Submission | None, path: Path) -> bool:
    """Whether the file holds exactly the predictions already registered for the phase."""
    if submission is None:
        return False
    new = truth.submission_reader(phase).read(path, settings.SUBMISSION_MAX_BYTES)
    return np.array_equal(new, submission.prediction_array())


def remove(competition: Competition, name: str) -> int:
    rows = Submission.objects.filter(
        phase__competition=competition, team__is_organizer=True, is_baseline=True, system_name=name
    )
    return rows.delete()[1].get(Submission._meta.label, 0)


def register(competition: Competition, name: str, files: dict[Phase, Path]) -> list[Submission]:
    """Submit the files as the reference system `name`, in place of an earlier one of that
    name; FileRejected (nothing stored) when a file is at fault."""
    team = organizer_team(competition)
    made = []
    with transaction.atomic():
        remove(competition, name)
        for phase, path in files.items():
            try:
                with open(path, "rb") as handle:
                    made.append(
                        submit(
                            phase,
                            team,
                            name,
                            handle,
                            filename=path.name,
                            is_baseline=True,
                            check_open=False,
                        )  # fmt: skip
                    )
            except scoring.SubmissionError as exc:
                raise FileRejected(path, exc)
    return made
