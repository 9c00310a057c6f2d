"""The leaderboard, sample submission and competition endpoints, and the schema."""

import pytest

from competition.models import Phase, Team
from tests.factories import truth_of

pytestmark = pytest.mark.django_db

URL = "/api/competitions/xacle/phases/{}/leaderboard/"
ROW = {"rank", "team", "system", "srcc", "lcc", "ktau", "mse", "n", "submissions",
       "last_submitted_at", "baseline"}  # fmt: skip


@pytest.fixture
def board(validation, aurora, borealis, competition, scored_submission):
    truth = truth_of(validation)
    good = scored_submission(validation, aurora, "Aurora_good", truth * 0.9 + 0.3)
    scored_submission(validation, aurora, "Aurora_weak", truth[::-1])
    scored_submission(validation, borealis, "Borealis_01", truth * 0.5 + (truth > 5))
    organizers = Team.objects.create(competition=competition, name="Organizers", is_organizer=True)
    scored_submission(validation, organizers, "Baseline", truth * 0.1 + (truth > 7), baseline=True)
    return good


def test_the_leaderboard_by_team(api_anonymous, board):
    data = api_anonymous.get(URL.format("validation")).json()
    assert {"phase", "split", "hidden", "rows"} <= set(data)
    assert (data["phase"], data["split"], data["hidden"]) == ("validation", "all", False)
    assert all(set(row) >= ROW for row in data["rows"])
    aurora = next(row for row in data["rows"] if row["team"] == "Aurora")
    assert aurora["system"] == "Aurora_good" and aurora["submissions"] == 2
    assert aurora["rank"] == 1 and aurora["srcc"] == board.scores.get().srcc  # full precision


def test_the_leaderboard_by_system(api_anonymous, board):
    data = api_anonymous.get(URL.format("validation") + "?by=system").json()
    systems = [row["system"] for row in data["rows"]]
    assert {"Aurora_good", "Aurora_weak", "Borealis_01", "Baseline"} == set(systems)
    baseline = next(row for row in data["rows"] if row["baseline"])
    assert baseline["rank"] is None and baseline["system"] == "Baseline"


def test_a_bad_view_is_a_400_and_an_unknown_split_a_404(api_anonymous, competition):
    response = api_anonymous.get(URL.format("validation") + "?by=everyone")
    assert response.status_code == 400 and "errors" in response.json()
    assert api_anonymous.get(URL.format("validation") + "?split=nope").status_code == 404
    assert api_anonymous.get(URL.format("validation") + "?limit=x").status_code == 400


def test_the_leaderboard_pages_with_offset_and_limit(api_anonymous, board):
    data = api_anonymous.get(URL.format("validation") + "?by=system&limit=2&offset=1").json()
    assert len(data["rows"]) == 2 and data["total"] == 4


def test_a_cut_phase_shows_its_public_part_until_the_reveal(api_anonymous, test_phase):
    assert api_anonymous.get(URL.format("test")).json()["split"] == "public"
    test_phase.leaderboard = Phase.REVEALED
    test_phase.save()
    assert api_anonymous.get(URL.format("test")).json()["split"] == "private"


def test_a_hidden_split_has_no_rows(api_anonymous, test_phase):
    data = api_anonymous.get(URL.format("test") + "?split=private").json()
    assert data["hidden"] is True and data["rows"] == []


def test_the_sample_submission_lists_every_pair(api_anonymous, validation):
    response = api_anonymous.get("/api/competitions/xacle/phases/validation/sample_submission/")
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "wav_file_name,prediction_score"
    ids = list(validation.items().values_list("wav_file_name", flat=True))
    assert [line.split(",")[0] for line in lines[1:]] == ids


def test_the_sample_submission_is_accepted(api_alice, api_anonymous, validation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sample = api_anonymous.get("/api/competitions/xacle/phases/validation/sample_submission/")
    body = b"".join(sample.streaming_content)
    response = api_alice.post(
        "/api/competitions/xacle/phases/validation/submissions/",
        {"file": SimpleUploadedFile("sample.csv", body), "system_name": "sample"},
        format="multipart",
    )
    assert response.status_code == 201


def test_the_competition_with_its_phases(api_anonymous, competition, test_phase):
    data = api_anonymous.get("/api/competitions/xacle/").json()
    assert data["slug"] == "xacle" and data["title"] == competition.title
    assert [phase["kind"] for phase in data["phases"]] == ["validation", "test"]
    test = data["phases"][1]
    assert test["state"] == "open" and test["leaderboard"] == "live"
    assert test["opens_at"] and test["closes_at"] is None and test["ratings_published"] is False
    assert [(s["name"], s["visible"], s["size"]) for s in test["splits"]] == [
        ("public", True, 6), ("private", False, 6)
    ]  # fmt: skip


def test_an_unknown_competition_is_404(api_anonymous, db):
    assert api_anonymous.get("/api/competitions/nope/").status_code == 404


def test_the_schema_and_its_docs(api_anonymous, db):
    schema = api_anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ["/api/competitions/{slug}/", "/api/submissions/{submission_id}/",
                 "/api/competitions/{slug}/phases/{phase}/submissions/",
                 "/api/competitions/{slug}/phases/{phase}/leaderboard/",
                 "/api/competitions/{slug}/phases/{phase}/sample_submission/"]:  # fmt: skip
        assert path in paths, path
    assert api_anonymous.get("/api/docs/").status_code == 200
