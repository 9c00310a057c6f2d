import pytest
from django.core.management import CommandError, call_command

from competition.models import Competition, Item, Phase, Rating, Split, Submission
from competition.submitting import submit
from tests.factories import change_first_rating, upload, write_dataset
from tests.factories import rewrite_csv as rewrite

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(tmp_path):
    return write_dataset(tmp_path)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    sent = []
    monkeypatch.setattr("competition.tasks.enqueue", sent.extend)
    monkeypatch.setattr("competition.tasks.enqueue", sent.extend)
    return sent


def test_it_creates_the_competition_with_its_phases_items_and_ratings(dataset):
    call_command("import_dataset", str(dataset), competition="demo", title="Demo")
    competition = Competition.objects.get(slug="demo")
    assert competition.title == "Demo"
    assert {p.kind: p.leaderboard for p in competition.phases.all()} == {
        "validation": Phase.LIVE,
        "test": Phase.HIDDEN,
    }
    assert Item.objects.filter(competition=competition, partition="train").count() == 6
    assert Item.objects.filter(competition=competition, partition="validation").count() == 8
    assert Rating.objects.filter(item__competition=competition).count() == 22 * 4
    item = Item.objects.get(wav_file_name="00006.wav")
    scores = list(item.ratings.values_list("score", flat=True))
    assert item.mean_score == pytest.approx(sum(scores) / 4)
    assert item.audio_path == "wav/validation/00006.wav"
    validation = competition.phases.get(kind="validation")
    assert [s.name for s in validation.splits.all()] == ["all"]
    assert validation.splits.get().items.count() == 8


def test_running_it_twice_changes_nothing(dataset):
    call_command("import_dataset", str(dataset), competition="demo")
    before = list(Rating.objects.order_by("pk").values_list("pk", "score"))
    versions = list(Phase.objects.order_by("pk").values_list("truth_version", flat=True))
    call_command("import_dataset", str(dataset), competition="demo")
    assert list(Rating.objects.order_by("pk").values_list("pk", "score")) == before
    assert list(Phase.objects.order_by("pk").values_list("truth_version", flat=True)) == versions


def test_a_corrected_rating_updates_the_mean_and_requeues_the_phase(
    dataset, no_broker, django_capture_on_commit_callbacks
):
    call_command("import_dataset", str(dataset), competition="demo")
    validation = Phase.objects.get(kind="validation")
    submission = submit(validation, _team(validation), "sys", upload(validation))
    Submission.objects.filter(pk=submission.pk).update(status=Submission.SCORED)
    no_broker.clear()
    version = validation.truth_version
    rewrite(dataset / "meta_data" / "validation.csv", change_first_rating)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_dataset", str(dataset), competition="demo")
    validation.refresh_from_db()
    assert validation.truth_version == version + 1
    item = Item.objects.get(wav_file_name="00006.wav")
    assert item.mean_score == pytest.approx(sum(item.ratings.values_list("score", flat=True)) / 4)
    submission.refresh_from_db()
    assert submission.status == Submission.QUEUED
    assert no_broker == [submission.pk]


def _team(phase):
    from competition.models import Team

    return Team.objects.create(competition=phase.competition, name="t")


def test_the_test_phase_can_be_cut_into_public_and_private_parts(dataset):
    call_command("import_dataset", str(dataset), competition="demo", test_public_fraction=0.25)
    test = Phase.objects.get(kind="test")
    splits = {s.name: s for s in test.splits.all()}
    assert splits["public"].visibility == Split.PUBLIC
    assert splits["private"].visibility == Split.PRIVATE
    assert splits["public"].items.count() == 2
    assert splits["private"].items.count() == 6
    assert test.leaderboard == Phase.LIVE
    validation = Phase.objects.get(kind="validation")
    assert [s.name for s in validation.splits.all()] == ["all"]
    # A later import without the option keeps the cut.
    call_command("import_dataset", str(dataset), competition="demo")
    assert set(test.splits.values_list("name", flat=True)) == {"public", "private"}


def test_it_reads_subset_labels_when_the_file_is_there(dataset):
    (dataset / "meta_data" / "item_subsets.csv").write_text(
        "wav_file_name,subset\n00006.wav,natural\n00007.wav,synthetic/AudioLDM\n"
    )
    call_command("import_dataset", str(dataset), competition="demo")
    assert Item.objects.get(wav_file_name="00007.wav").subsets == "synthetic/AudioLDM"


def test_it_accepts_a_test_set_published_without_ratings(dataset):
    (dataset / "meta_data" / "test_average.csv").unlink()

    def texts_only(rows):
        rows[:] = list(dict.fromkeys(tuple(row[:2]) for row in rows))

    rewrite(dataset / "meta_data" / "test.csv", texts_only)
    call_command("import_dataset", str(dataset), competition="demo")
    test_items = Item.objects.filter(partition="test")
    assert test_items.count() == 8
    assert not test_items.exclude(mean_score=None).exists()


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda d: (d / "meta_data" / "train.csv").unlink()
         or (d / "meta_data" / "train_average.csv").unlink(), "train.csv is missing"),
        (lambda d: (d / "wav" / "validation" / "00007.wav").unlink(), "00007.wav"),
        (lambda d: rewrite(d / "meta_data" / "validation.csv",
                           lambda rows: rows[2].__setitem__(2, "eleven")), "line 3"),
        (lambda d: rewrite(d / "meta_data" / "validation.csv",
                           lambda rows: rows[2].__setitem__(2, "12")), "line 3"),
        (lambda d: rewrite(d / "meta_data" / "validation.csv",
                           lambda rows: rows[0].__setitem__(2, "rating")), "validation.csv"),
    ],
    ids=["missing file", "missing wav", "not a number", "out of range", "wrong columns"],
)  # fmt: skip
def test_it_names_what_is_wrong_with_a_broken_dataset(dataset, breakage, message):
    breakage(dataset)
    with pytest.raises(CommandError, match=message):
        call_command("import_dataset", str(dataset), competition="demo")
    assert not Competition.objects.exists()


def test_it_refuses_an_id_in_two_splits(dataset):
    def duplicate(rows):
        rows.append(["00000.wav", "A dog barks", "5", "xx1"])

    rewrite(dataset / "meta_data" / "validation.csv", duplicate)
    with pytest.raises(CommandError, match="00000.wav is listed in both train and validation"):
        call_command("import_dataset", str(dataset), competition="demo")


def test_it_refuses_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        call_command("import_dataset", str(tmp_path / "nope"), competition="demo")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"competition": "bad slug!"}, "letters, digits"),
        ({"competition": "x" * 51}, "the limit is 50"),
        ({"competition": "demo", "title": "t" * 201}, "the limit is 200"),
    ],
)
def test_it_refuses_names_the_database_cannot_hold(dataset, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_dataset", str(dataset), **options)
    assert not Competition.objects.exists()


def test_it_names_a_file_that_is_not_utf8(dataset):
    path = dataset / "meta_data" / "item_subsets.csv"
    path.write_bytes(b"wav_file_name,subset\n00006.wav,caf\xe9\n")
    with pytest.raises(CommandError, match=r"item_subsets.csv, line 2: not UTF-8"):
        call_command("import_dataset", str(dataset), competition="demo")


def test_it_names_a_folder_where_a_file_should_be(dataset):
    (dataset / "meta_data" / "test_average.csv").unlink()
    (dataset / "meta_data" / "test.csv").unlink()
    (dataset / "meta_data" / "test.csv").mkdir()
    with pytest.raises(CommandError, match="test.csv"):
        call_command("import_dataset", str(dataset), competition="demo")


def test_pairs_taken_out_of_the_dataset_leave_the_phase(dataset):
    call_command("import_dataset", str(dataset), competition="demo")

    def drop_00006(rows):
        rows[:] = [row for row in rows if row[0] != "00006.wav"]

    for name in ("validation.csv", "validation_average.csv"):
        rewrite(dataset / "meta_data" / name, drop_00006)
    call_command("import_dataset", str(dataset), competition="demo")
    validation = Phase.objects.get(kind="validation")
    assert "00006.wav" not in validation.items().values_list("wav_file_name", flat=True)
    assert validation.splits.get().items.count() == 7
