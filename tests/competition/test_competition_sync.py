"""manage.py load_competition: creates the competition from its file or brings it to the
file's state, all or nothing, and says what changed, field by field."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from competition import competition_file, competition_sync, scorer
from competition.models import (
    Competition,
    Item,
    Phase,
    ResourceDeclaration,
    Split,
    Submission,
    Team,
)
from competition.submitting import submit
from tests.competition_files import SEED, line_with, make_folder, write_run
from tests.factories import change_first_rating, upload
from tests.factories import rewrite_csv as rewrite

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(tmp_path):
    return make_folder(tmp_path)


def load(path, *args) -> str:
    out = io.StringIO()
    call_command("load_competition", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused(path, *args) -> tuple[CommandError, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_competition", str(path), *args, stdout=io.StringIO(), stderr=err)
    return caught.value, err.getvalue()


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def snapshot() -> dict:
    """Every setting and row a load may touch, to compare before and after."""
    return {
        "competitions": list(Competition.objects.order_by("pk").values()),
        "phases": list(Phase.objects.order_by("pk").values()),
        "splits": sorted(Split.items.through.objects.values_list("split_id", "item_id")),
        "items": list(Item.objects.order_by("pk").values("pk", "mean_score")),
        "submissions": list(Submission.objects.order_by("pk").values_list("pk", "status")),
        "resources": list(ResourceDeclaration.objects.order_by("pk").values()),
        "teams": list(Team.objects.order_by("pk").values_list("pk", "name")),
    }


def participant_submission(kind="test") -> Submission:
    phase = Phase.objects.get(kind=kind)
    team, _ = Team.objects.get_or_create(competition=phase.competition, name="Aurora")
    return submit(phase, team, "Aurora_01", upload(phase), check_open=False)


def test_it_creates_the_competition_with_every_setting_of_the_file(
    path, _isolated, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = load(path)
    assert out.startswith(f"Created xacle-2027 from {path}.")
    competition = Competition.objects.get(slug="xacle-2027")
    assert competition.title == "XACLE Challenge 2027"
    assert competition.description == "# XACLE 2027\n\nPredict **relevance**."
    assert competition.rules.startswith("One team per participant.")
    assert competition.dataset_root == str(path.parent / "XACLE_dataset")
    assert str(competition.resource_cutoff) == "2025-05-31"
    validation, test = (competition.phases.get(kind=k) for k in ("validation", "test"))
    assert validation.opens_at == datetime(2026, 9, 1, tzinfo=UTC)
    assert (validation.max_submissions_per_day, validation.max_submissions_total) == (5, None)
    assert (validation.max_final, validation.leaderboard) == (0, Phase.LIVE)
    assert test.closes_at == datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC)
    assert (test.public_fraction, test.max_final, test.require_description) == (0.5, 4, True)
    assert test.leaderboard == Phase.LIVE and len(test.split_seed) == 64
    assert sorted(s.name for s in test.splits.all()) == ["private", "public"]
    assert test.splits.get(name="public").items.count() == 4
    assert Item.objects.filter(competition=competition).count() == 22
    baseline = Submission.objects.filter(is_baseline=True, system_name="Baseline_2026")
    assert baseline.count() == 2 and baseline.first().team.is_organizer
    assert sorted(_isolated) == sorted(baseline.values_list("pk", flat=True))  # sent to score
    [resource] = ResourceDeclaration.objects.filter(competition=competition)
    assert (resource.name, resource.status, resource.team) == ("BEATs", "approved", None)


def test_loading_the_same_file_twice_changes_nothing_and_says_so(path):
    load(path)
    before = snapshot()
    out = load(path)
    assert out == f"Unchanged: xacle-2027 already matches {path}.\n"
    assert snapshot() == before


def test_a_changed_date_and_quota_are_updated_and_printed_field_by_field(path):
    load(path)
    edit(
        path,
        "closes_at: 2027-01-31T23:59:59Z\n    public",
        "closes_at: 2027-02-01T12:00Z\n    public",
    )
    edit(path, "max_submissions_per_day: 5", "max_submissions_per_day: 8")
    edit(path, "title: XACLE Challenge 2027", "title: XACLE 2027")
    out = load(path)
    assert out.splitlines() == [
        f"Updated xacle-2027 from {path}: 3 changes.",
        "  title: 'XACLE Challenge 2027' -> 'XACLE 2027'",
        "  phases.validation.max_submissions_per_day: 5 -> 8",
        "  phases.test.closes_at: 2027-01-31 23:59:59 UTC -> 2027-02-01 12:00 UTC",
    ]
    test = Phase.objects.get(kind="test")
    assert test.closes_at == datetime(2027, 2, 1, 12, tzinfo=UTC)
    assert Phase.objects.get(kind="validation").max_submissions_per_day == 8


def test_a_key_taken_out_goes_back_to_its_default(path):
    load(path)
    edit(path, "    max_final: 4\n", "")
    edit(path, "    require_description: true\n", "")
    out = load(path)
    assert "  phases.test.require_description: true -> false" in out.splitlines()
    test = Phase.objects.get(kind="test")
    assert (test.max_final, test.require_description) == (4, False)


def test_changed_ratings_are_imported_and_the_phase_rescored(
    path, _isolated, django_capture_on_commit_callbacks
):
    load(path)
    submission = participant_submission("validation")
    phase = submission.phase
    scorer.score_many(list(Submission.objects.filter(phase=phase).values_list("pk", flat=True)))
    rewrite(path.parent / "XACLE_dataset" / "meta_data" / "validation.csv", change_first_rating)
    with django_capture_on_commit_callbacks(execute=True):
        out = load(path)
    assert "  data: 0 items added, 1 updated, 0 removed; ratings changed on 1" in out
    # The participant's submission and the reference system's.
    assert "phases.validation: its ground truth or its cut changed; 2 submissions sent" in out
    assert Phase.objects.get(pk=phase.pk).truth_version == phase.truth_version + 1
    queued = Submission.objects.filter(phase=phase, status=Submission.QUEUED)
    assert sorted(_isolated) == sorted(queued.values_list("pk", flat=True))
    assert submission.pk in _isolated


@pytest.mark.parametrize(
    "old, new, key",
    [("public_fraction: 0.5", "public_fraction: 0.25", "public_fraction"),
     ("public_fraction: 0.5", f"public_fraction: 0.5\n    split_seed: {SEED}", "split_seed")],
)  # fmt: skip
def test_a_new_cut_of_a_phase_with_submissions_is_refused_without_recut(path, old, new, key):
    load(path)
    participant_submission("test")
    before = snapshot()
    edit(path, old, new)
    error, err = refused(path)
    assert error.returncode == 2
    line = line_with(path.read_text(), new.splitlines()[-1])
    assert f"{path}, line {line}, phases.test.{key}: the test phase has 1 submissions" in err
    assert "add --recut" in err
    assert snapshot() == before

    out = load(path, "--recut")
    assert f"phases.test.{key}" in out
    test = Phase.objects.get(kind="test")
    public = test.splits.get(name="public").items.count()
    assert (test.public_fraction, public) == ((0.25, 2) if key == "public_fraction" else (0.5, 4))
    assert Submission.objects.get(is_baseline=False).status == Submission.QUEUED  # rescored


def test_a_new_cut_needs_no_recut_where_no_participant_submitted(path):
    load(path)
    edit(path, "public_fraction: 0.5", "public_fraction: 0.25")
    assert "  phases.test.public_fraction: 0.5 -> 0.25" in load(path).splitlines()


def test_the_same_seed_gives_the_same_cut_anywhere(path, tmp_path_factory):
    edit(path, "public_fraction: 0.5", f"public_fraction: 0.5\n    split_seed: {SEED}")
    load(path)
    edit(path, "slug: xacle-2027", "slug: elsewhere")
    load(path)

    def public(slug):
        split = Split.objects.get(phase__competition__slug=slug, name="public")
        return sorted(split.items.values_list("wav_file_name", flat=True))

    assert public("xacle-2027") == public("elsewhere")
    assert Phase.objects.get(competition__slug="elsewhere", kind="test").split_seed == SEED


def test_a_dry_run_prints_the_changes_and_writes_nothing(path, _isolated, settings):
    out = load(path, "--dry-run")
    assert out.splitlines()[:2] == [
        "Dry run: nothing was written.",
        f"Created xacle-2027 from {path}.",
    ]
    assert "  references.Baseline_2026: registered" in out
    assert not Competition.objects.exists() and not Item.objects.exists()
    assert _isolated == [] and not (settings.MEDIA_ROOT / "submissions").exists()

    load(path)
    before = snapshot()
    edit(path, "max_team_size: 5", "max_team_size: 3")
    edit(path, "public_fraction: 0.5", "public_fraction: 0.25")
    write_run(path.parent / "runs" / "baseline-2026", offset=0.5)
    out = load(path, "--dry-run")
    assert "  max_team_size: 5 -> 3" in out and "  phases.test.public_fraction: 0.5 -> 0.25" in out
    assert "  references.Baseline_2026: new predictions, registered again" in out
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_failure_half_way_leaves_the_database_as_it_was(path, monkeypatch):
    load(path)
    before = snapshot()
    edit(path, "max_team_size: 5", "max_team_size: 3")
    edit(path, "max_submissions_per_day: 3", "max_submissions_per_day: 9")
    rewrite(path.parent / "XACLE_dataset" / "meta_data" / "test.csv", change_first_rating)
    write_run(path.parent / "runs" / "baseline-2026", offset=0.5)

    def fail(*args):
        raise RuntimeError("the disk is full")

    # After the settings, the phases, the data and the references: before the resources.
    monkeypatch.setattr(competition_sync, "_resources", fail)
    with pytest.raises(RuntimeError):
        load(path)
    assert snapshot() == before
    monkeypatch.undo()
    assert "max_team_size: 5 -> 3" in load(path)


def test_a_bad_file_exits_2_with_every_problem_and_changes_nothing(path):
    load(path)
    before = snapshot()
    edit(path, "max_team_size: 5", "max_team_size: five")
    edit(path, "public_fraction: 0.5", "public_fraction: 3")
    error, err = refused(path)
    assert error.returncode == 2 and "2 problems in" in str(error)
    text = path.read_text()
    assert err.splitlines() == [
        f"{path}, line {line_with(text, 'max_team_size')}, max_team_size: expected a whole "
        "number, got 'five'",
        f"{path}, line {line_with(text, 'public_fraction')}, phases.test.public_fraction: must "
        "be between 0 and 1 (both excluded), e.g. 0.3; got 3",
    ]
    assert snapshot() == before


def test_reference_systems_follow_the_file(path):
    load(path)
    first = set(Submission.objects.filter(is_baseline=True).values_list("pk", flat=True))
    assert "Baseline_2026" not in load(path)  # the same predictions: kept as they are
    write_run(path.parent / "runs" / "svr", offset=1)
    edit(
        path,
        "    name: Baseline_2026\n",
        "    name: Baseline_2026\n  - run: runs/svr\n    name: SVR\n",
    )
    out = load(path)
    assert "  references.SVR: registered" in out
    assert first < set(Submission.objects.filter(is_baseline=True).values_list("pk", flat=True))
    svr = set(Submission.objects.filter(system_name="SVR").values_list("pk", flat=True))
    write_run(path.parent / "runs" / "svr", offset=2)
    assert "  references.SVR: new predictions, registered again" in load(path)
    again = Submission.objects.filter(system_name="SVR")
    assert again.count() == 2 and not svr & set(again.values_list("pk", flat=True))
    assert float(again.first().prediction_array()[0]) == 3.0  # 1 + the new offset
    edit(path, "  - run: runs/baseline-2026\n    name: Baseline_2026\n", "")
    assert "  references.Baseline_2026: removed" in load(path)
    names = set(Submission.objects.filter(is_baseline=True).values_list("system_name", flat=True))
    assert names == {"SVR"}


def test_a_refused_reference_file_is_a_problem_of_the_file(path, monkeypatch):
    """A file the reader accepted but the submit path refuses (here: a name another of the
    organizers' systems has in another case) leaves nothing behind."""
    load(path)
    organizers = Team.objects.get(is_organizer=True)
    submit(
        Phase.objects.get(kind="validation"),
        organizers,
        "svr",
        upload(Phase.objects.get(kind="validation")),
        check_open=False,
    )
    before = snapshot()
    write_run(path.parent / "runs" / "svr", offset=1)
    edit(
        path,
        "    name: Baseline_2026\n",
        "    name: Baseline_2026\n  - run: runs/svr\n    name: SVR\n",
    )
    error, err = refused(path)
    assert error.returncode == 2
    assert f"line {line_with(path.read_text(), '- run: runs/svr')}, references.SVR: " in err
    assert "already has a system named svr" in err
    assert snapshot() == before


def test_approved_resources_follow_the_file(path):
    load(path)
    edit(path, "trained_on: AudioSet", "trained_on: AudioSet-2M")
    edit(path, "resources:\n", "resources:\n  - kind: dataset\n    name: Clotho\n"
         "    url: https://zenodo.org/records/3490684\n    release_date: 2019-10-22\n")  # fmt: skip
    out = load(path)
    assert "  resources.BEATs.trained_on: 'AudioSet' -> 'AudioSet-2M'" in out
    assert "  resources.Clotho: added" in out
    edit(path, "  - kind: model\n    name: BEATs\n", "  - kind: model\n    name: BEATs-gone\n")
    out = load(path)
    assert "  resources.BEATs: removed" in out and "  resources.BEATs-gone: added" in out
    names = ResourceDeclaration.objects.values_list("name", flat=True)
    assert sorted(names) == ["BEATs-gone", "Clotho"]


def test_resources_are_matched_by_name_as_the_census_compares_them_and_teams_keep_theirs(path):
    from competition import resources

    load(path)
    competition = Competition.objects.get()
    team = Team.objects.create(competition=competition, name="Aurora")
    declared = resources.declare(
        competition, team, {"kind": "dataset", "name": "Clotho", "url": "https://zenodo.org/x",
                            "release_date": "2019-10-22"},
    )  # fmt: skip
    first = ResourceDeclaration.objects.get(team=None)
    edit(path, "name: BEATs", "name: beats")
    out = load(path)
    assert "  resources.beats.name: 'BEATs' -> 'beats'" in out and "removed" not in out
    assert ResourceDeclaration.objects.get(team=None).pk == first.pk
    declared.refresh_from_db()
    assert declared.status == ResourceDeclaration.PENDING  # the team's, left to the review


def test_a_revealed_phase_stays_revealed(path):
    from competition.reveal import reveal

    load(path)
    reveal(Phase.objects.get(kind="test"), now=datetime(2027, 2, 10, tzinfo=UTC))
    out = load(path)
    test = Phase.objects.get(kind="test")
    assert test.is_revealed and "leaderboard" not in out


def test_the_function_reports_the_same_as_the_command(path):
    spec = competition_file.read(path)
    outcome = competition_sync.load(spec, dry_run=True)
    assert outcome.created and outcome.queued == []
    assert competition_sync.summary(outcome, path)[1] == f"Created xacle-2027 from {path}."
