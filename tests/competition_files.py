"""A competition file in a folder, as an organizer keeps one: competition.yaml, its
description beside it, the data set and a reference system's run folder."""

import numpy as np

import scoring
from tests.datasets import write_dataset

# write_dataset numbers the items in order: 6 train, 8 validation, 8 test.
IDS = {
    "validation": [f"{n:05d}.wav" for n in range(6, 14)],
    "test": [f"{n:05d}.wav" for n in range(14, 22)],
}
SEED = "a" * 64

# The example, with a reference system and an approved resource.
EXAMPLE = """\
slug: xacle-2027
title: XACLE Challenge 2027
description: overview.md          # Markdown, relative to this file
rules: |
  One team per participant.
  External data must be approved.
data: XACLE_dataset
resource_cutoff: 2025-05-31
max_team_size: 5
phases:
  validation:
    opens_at: 2026-09-01T00:00:00Z
    closes_at: 2027-01-31T23:59:59Z
    max_submissions_per_day: 5
    max_submissions_total: null
  test:
    opens_at: 2027-01-15T00:00:00Z
    closes_at: 2027-01-31T23:59:59Z
    public_fraction: 0.5
    max_submissions_per_day: 3
    max_final: 4
    final_selection_closes_at: 2027-02-02T23:59:59Z
    accept_late: false
    require_description: true
references:
  - run: runs/baseline-2026
    name: Baseline_2026
resources:
  - kind: model
    name: BEATs
    url: https://github.com/microsoft/unilm
    release_date: 2022-12-18
    trained_on: AudioSet
"""


def write_run(folder, offset=0.0):
    folder.mkdir(parents=True, exist_ok=True)
    for kind, ids in IDS.items():
        values = np.linspace(1, 9, len(ids)) + offset
        scoring.write_submission(folder / f"inference_result_for_{kind}.csv", ids, values)
    return folder


def make_folder(root, text=EXAMPLE):
    """The folder, with competition.yaml holding `text`; returns the file's path."""
    write_dataset(root)
    (root / "overview.md").write_text("# XACLE 2027\n\nPredict **relevance**.\n")
    write_run(root / "runs" / "baseline-2026")
    path = root / "competition.yaml"
    path.write_text(text)
    return path


def line_with(text: str, fragment: str) -> int:
    """The number of the first line of `text` holding `fragment`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)
