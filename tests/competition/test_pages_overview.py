"""The home page, the competition overview and the data downloads."""

import io
import zipfile

import pytest

from competition.models import Competition, Item
from competition.views.downloads import zip_stream
from tests.factories import make_competition

pytestmark = pytest.mark.django_db


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_home_goes_to_the_only_competition(anonymous, competition):
    response = anonymous.get("/")
    assert response.status_code == 302 and response["Location"] == "/c/xacle/"


def test_home_lists_several_competitions(anonymous, competition):
    make_competition(slug="other")
    page = anonymous.get("/").content.decode()
    assert "/c/xacle/" in page and "/c/other/" in page


def test_home_without_competitions_says_how_to_make_one(anonymous, db):
    page = anonymous.get("/").content.decode()
    assert "load_competition" in page and "import_dataset" in page


def test_the_description_and_the_rules_are_markdown_rendered_safely(anonymous, competition):
    competition.description = "# About\n\nPredict **relevance**.\n\n<script>alert(1)</script>"
    competition.rules = "1. One team each\n2. See [the paper](https://example.org/paper)"
    competition.save()
    page = anonymous.get("/c/xacle/").content.decode()
    assert "<h1>About</h1>" in page and "<strong>relevance</strong>" in page
    assert "<ol>" in page and 'href="https://example.org/paper"' in page
    assert "<script>alert(1)" not in page
    make_competition(slug="other")  # two: the home page lists them, as plain text
    listed = anonymous.get("/").content.decode()
    assert "About Predict relevance." in " ".join(listed.split()) and "**" not in listed


def test_the_overview_explains_the_competition(anonymous, competition):
    page = anonymous.get("/c/xacle/").content.decode()
    for words in ["Task", "semantic relevance", "Submission format",
                  "wav_file_name,prediction_score", "SRCC", "LCC", "KTAU", "MSE",
                  "ranked by SRCC", "Timeline", "Rules",
                  "/c/xacle/leaderboard/validation/", "/c/xacle/leaderboard/test/",
                  "/api/competitions/xacle/phases/validation/sample_submission/"]:  # fmt: skip
        assert words in page, words


def test_the_overview_shows_the_timeline_and_hidden_splits(anonymous, test_phase):
    page = anonymous.get("/c/xacle/").content.decode()
    assert test_phase.opens_at.strftime("%Y-%m-%d") in page
    assert "private</a> (6 pairs, hidden)" in page


def test_visitors_are_asked_to_log_in_for_the_data(anonymous, competition):
    page = anonymous.get("/c/xacle/").content.decode()
    assert "to download the audio" in page and "train.csv" not in page
    assert anonymous.get("/c/xacle/data/train.csv").status_code == 302


def test_participants_see_the_downloads(as_alice):
    page = as_alice.get("/c/xacle/").content.decode()
    for name in ["train.csv", "train_average.csv", "validation.csv", "validation_average.csv",
                 "test.csv", "train_wav.zip", "validation_wav.zip", "test_wav.zip"]:  # fmt: skip
        assert name in page, name


def test_the_ratings_csv_has_the_official_columns(as_alice, competition):
    item = Item.objects.get(competition=competition, wav_file_name="00007.wav")
    item.ratings.create(listener_id="L1", score=7)
    item.ratings.create(listener_id="L2", score=4.5)
    lines = content(as_alice.get("/c/xacle/data/validation.csv")).decode().splitlines()
    assert lines == ["wav_file_name,text,score,listener_id",
                     "00007.wav,caption 7,7,L1", "00007.wav,caption 7,4.5,L2"]  # fmt: skip


def test_the_average_csv_has_one_line_per_pair(as_alice, validation):
    lines = content(as_alice.get("/c/xacle/data/validation_average.csv")).decode().splitlines()
    assert lines[0] == "wav_file_name,text,average_score"
    assert len(lines) == 1 + validation.items().count()


def test_unknown_data_files_are_404(as_alice):
    for name in ["nothing.csv", "train_other.csv", "secret_average.csv"]:
        assert as_alice.get(f"/c/xacle/data/{name}").status_code == 404


@pytest.fixture
def dataset(tmp_path, competition):
    for item in Item.objects.filter(competition=competition):
        path = tmp_path / item.audio_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF" + item.wav_file_name.encode() * 100)
    competition.dataset_root = str(tmp_path)
    competition.save()
    return tmp_path


def test_the_audio_of_a_partition_streams_as_a_zip(as_alice, dataset):
    response = as_alice.get("/c/xacle/data/validation_wav.zip")
    assert response.streaming and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(content(response)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert len(names) == 12 and names[0] == "wav/validation/00004.wav"
    assert archive.read(names[0]) == (dataset / names[0]).read_bytes()


def test_one_wav_can_be_fetched(as_alice, dataset):
    response = as_alice.get("/c/xacle/data/wav/train/00001.wav")
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert content(response) == (dataset / "wav/train/00001.wav").read_bytes()
    assert as_alice.get("/c/xacle/data/wav/test/00001.wav").status_code == 404


def test_audio_paths_never_leave_the_dataset_root(as_alice, dataset, competition):
    secret = dataset.parent / "secret.wav"
    secret.write_bytes(b"secret")
    Item.objects.filter(wav_file_name="00001.wav").update(audio_path="../secret.wav")
    assert as_alice.get("/c/xacle/data/wav/train/00001.wav").status_code == 404
    names = zipfile.ZipFile(
        io.BytesIO(content(as_alice.get("/c/xacle/data/train_wav.zip")))
    ).namelist()
    assert "wav/train/00001.wav" not in names and len(names) == 3


def test_the_zip_stream_is_a_valid_archive_of_many_chunks(tmp_path):
    files = []
    for number in range(3):
        path = tmp_path / f"{number}.wav"
        path.write_bytes(bytes([number]) * 5000)
        files.append((f"wav/{number}.wav", path))
    chunks = list(zip_stream(files + [("wav/missing.wav", None)], chunk_size=1024))
    assert len(chunks) > 3 and all(chunks)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.namelist() == ["wav/0.wav", "wav/1.wav", "wav/2.wav"]
    assert archive.read("wav/2.wav") == bytes([2]) * 5000


def test_no_audio_without_a_dataset_root(as_alice, competition):
    assert Competition.objects.get().dataset_root == ""
    assert as_alice.get("/c/xacle/data/wav/train/00001.wav").status_code == 404


def test_the_overview_describes_the_imported_data_set(tmp_path, anonymous):
    import io

    from django.core.management import call_command

    from tests.factories import write_dataset

    root = write_dataset(tmp_path, n_train=6, n_validation=8, n_test=8)
    lines = ["wav_file_name,subset"] + [
        f"{n:05d}.wav,{'natural' if n % 2 else 'synthetic/AudioLDM'}" for n in range(22)
    ]
    (root / "meta_data" / "item_subsets.csv").write_text("\n".join(lines) + "\n")
    call_command("import_dataset", str(root), competition="made", stdout=io.StringIO())
    page = anonymous.get("/c/made/").content.decode()
    text = " ".join(page.split('id="dataset-summary">', 1)[1].split("</p>", 1)[0].split())
    assert "The imported data set has 22 items: 6 train, 8 validation, 8 test." in text
    assert "Clips last 0.1 seconds each; WAV at 16,000 Hz, mono." in text
    assert "Sources: natural (11), synthetic (11)" in text
    assert "1 text-to-audio model: AudioLDM (11)" in text
    assert "10 seconds each" not in page  # no fixed text about another data set
