"""manage.py dump_competition writes the competition's file back: load -> dump gives the
same file (modulo formatting), and dump -> load on a fresh database the same competition."""

import io
from pathlib import Path

import numpy as np
import pytest
import yaml
from django.core.management import call_command

from competition import competition_file
from competition.models import Competition, Item, Phase, ResourceDeclaration, Submission, Team
from tests.competition_files import SEED, make_folder, write_run

pytestmark = pytest.mark.django_db

# Every key written out, as dump_competition writes it, so that a dump can be compared.
EXPLICIT = f"""\
slug: xacle-2027
title: XACLE Challenge 2027
description: description.md
rules: rules.md
data: XACLE_dataset
resource_cutoff: 2025-05-31
max_team_size: 4
phases:
  validation:
    opens_at: 2026-09-01T00:00:00Z
    closes_at: 2027-01-31T23:59:59Z
    reveal_planned_at: null
    leaderboard: live
    max_submissions_per_day: 5
    max_submissions_total: null
    public_fraction: null
    split_seed: null
    max_final: 0
    final_selection_closes_at: null
    accept_late: false
    require_description: false
    ratings_published: true
  test:
    opens_at: 2027-01-15T00:00:00Z
    closes_at: 2027-01-31T23:59:59Z
    reveal_planned_at: 2027-02-10T09:00:00Z
    leaderboard: live
    max_submissions_per_day: 3
    max_submissions_total: 30
    public_fraction: 0.5
    split_seed: {SEED}
    max_final: 2
    final_selection_closes_at: 2027-02-02T23:59:59Z
    accept_late: true
    require_description: true
    ratings_published: false
references:
  - name: Baseline_2026
    run: references/Baseline_2026
resources:
  - kind: model
    name: BEATs
    url: https://github.com/microsoft/unilm
    release_date: 2022-12-18
    trained_on: AudioSet
"""


@pytest.fixture
def folder(tmp_path):
    path = make_folder(tmp_path, EXPLICIT)
    (tmp_path / "description.md").write_text("# XACLE 2027\n\nPredict **relevance**.\n")
    (tmp_path / "rules.md").write_text("One team per participant.\n")
    write_run(tmp_path / "references" / "Baseline_2026")
    return path


def load(path):
    call_command("load_competition", str(path), stdout=io.StringIO())


def dump(*args) -> str:
    out = io.StringIO()
    call_command("dump_competition", "xacle-2027", *args, stdout=out)
    return out.getvalue()


def settings_of(slug="xacle-2027") -> dict:
    """What a competition is, without its row ids: to compare two databases' competitions."""
    competition = Competition.objects.get(slug=slug)
    fields = ["title", "description", "rules", "resource_cutoff", "max_team_size"]
    phases = {}
    for phase in competition.phases.all():
        values = {f: getattr(phase, f) for f in ["opens_at", "closes_at", "reveal_planned_at",
                  "leaderboard", "max_submissions_per_day", "max_submissions_total",
                  "public_fraction", "split_seed", "max_final", "final_selection_closes_at",
                  "accept_late", "require_description", "ratings_published"]}  # fmt: skip
        values["splits"] = {
            split.name: sorted(split.items.values_list("wav_file_name", flat=True))
            for split in phase.splits.all()
        }
        phases[phase.kind] = values
    references = {
        (s.system_name, s.phase.kind): s.prediction_array().tolist()
        for s in Submission.objects.filter(phase__competition=competition, is_baseline=True)
    }
    resources = list(
        ResourceDeclaration.objects.filter(competition=competition).values_list(
            "kind", "name", "url", "release_date", "trained_on", "status"
        )
    )
    items = sorted(
        Item.objects.filter(competition=competition).values_list(
            "wav_file_name", "partition", "mean_score", "text"
        )
    )
    return {
        **{f: getattr(competition, f) for f in fields},
        "phases": phases,
        "references": references,
        "resources": resources,
        "items": items,
    }


def test_load_then_dump_gives_the_same_file(folder):
    load(folder)
    out = folder.parent / "dumped.yaml"
    dump("--out", str(out))
    assert yaml.safe_load(out.read_text()) == yaml.safe_load(EXPLICIT)
    assert (
        folder.parent / "description.md"
    ).read_text() == "# XACLE 2027\n\nPredict **relevance**.\n"


def test_dump_then_load_on_a_fresh_database_gives_the_same_competition(folder, tmp_path_factory):
    load(folder)
    before = settings_of()
    bundle = tmp_path_factory.mktemp("moved") / "xacle-2027" / "competition.yaml"
    dump("--out", str(bundle))
    Competition.objects.all().delete()  # a fresh database, as far as competitions go
    assert not (Item.objects.exists() or Phase.objects.exists() or Team.objects.exists())
    load(bundle)
    assert settings_of() == before


def test_dump_to_standard_output_has_absolute_paths_and_the_texts_inline(folder, tmp_path):
    load(folder)
    text = dump()
    document = yaml.safe_load(text)
    assert document["data"] == str(tmp_path / "XACLE_dataset")
    assert document["description"] == "# XACLE 2027\n\nPredict **relevance**.\n"
    files = document["references"][0]["files"]
    assert set(files) == {"validation", "test"} and all(
        Path(f).is_absolute() for f in files.values()
    )
    assert "split_seed is secret" in text.splitlines()[2]
    # It loads as it is, from anywhere, and changes nothing.
    elsewhere = tmp_path / "elsewhere" / "c.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(text)
    out = io.StringIO()
    call_command("load_competition", str(elsewhere), stdout=out)
    assert out.getvalue().startswith("Unchanged")


def test_a_dumped_competition_reads_back_as_the_same_spec(folder, tmp_path):
    load(folder)
    out = tmp_path / "again" / "competition.yaml"
    dump("--out", str(out))
    first, second = competition_file.read(folder), competition_file.read(out)
    assert first.phases == second.phases
    assert (first.description, first.rules, first.data) == (
        second.description,
        second.rules,
        second.data,
    )
    for a, b in zip(first.references, second.references, strict=True):
        for kind in ("validation", "test"):
            left = np.loadtxt(a.files[kind], delimiter=",", skiprows=1, usecols=1)
            right = np.loadtxt(b.files[kind], delimiter=",", skiprows=1, usecols=1)
            assert np.array_equal(left, right)


def test_a_competition_without_texts_dumps_them_as_null(folder):
    load(folder)
    Competition.objects.update(description="", rules="")
    document = yaml.safe_load(dump())
    assert document["description"] is None and document["rules"] is None


def test_a_reference_on_one_phase_only_is_left_out_and_the_dump_says_so(folder):
    from competition.references import organizer_team
    from competition.submitting import submit
    from tests.factories import upload

    load(folder)
    phase = Phase.objects.get(kind="validation")
    submit(phase, organizer_team(phase.competition), "Oracle", upload(phase), is_baseline=True,
           check_open=False)  # fmt: skip
    text = dump()
    assert "# Left out: the reference system Oracle, registered for validation only" in text
    assert [r["name"] for r in yaml.safe_load(text)["references"]] == ["Baseline_2026"]
