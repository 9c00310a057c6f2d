"""No leaks (issue 4): before the reveal no score of a hidden split reaches a participant,
through any page, API field, export, error message or count; another team's submission
answers 404; test ratings are never downloadable before the organizers publish them.
Organizers see everything."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from competition.models import Phase, Score
from tests.factories import csv_bytes

pytestmark = pytest.mark.django_db


def traces(score: Score) -> list[str]:
    """Every way a score's metrics could be written: on pages (4 decimals) and in JSON."""
    values = [score.srcc, score.lcc, score.ktau, score.mse]
    return [f"{v:.4f}" for v in values] + [json.dumps(v) for v in values]


def leaked(text: str, scores) -> list[str]:
    return [trace for score in scores for trace in traces(score) if trace in text]


@pytest.fixture
def alice_test(test_phase, aurora, scored_submission):
    """Alice's scored test submission: the public part is shown, the private part not."""
    return scored_submission(test_phase, aurora, "Aurora_test")


@pytest.fixture
def private_scores(alice_test):
    scores = list(alice_test.scores.filter(split__name="private"))
    assert scores, "the scorer scores the private split too"
    return scores


def participant_views(slug, submission_id):
    return [
        f"/c/{slug}/submissions/",
        f"/submissions/{submission_id}/",
        f"/c/{slug}/leaderboard/test/",
        f"/c/{slug}/leaderboard/test/?split=private",
        f"/c/{slug}/leaderboard/test/?split=private&by=system",
        f"/c/{slug}/leaderboard/test/?by=system",
        f"/c/{slug}/",
        f"/api/submissions/{submission_id}/",
        f"/api/competitions/{slug}/phases/test/submissions/",
        f"/api/competitions/{slug}/phases/test/leaderboard/?split=private",
        f"/api/competitions/{slug}/phases/test/leaderboard/?split=private&by=system",
        f"/api/competitions/{slug}/phases/test/leaderboard/",
        f"/api/competitions/{slug}/",
    ]


# Another team's submissions


def test_another_teams_submission_answers_404_on_pages(
    as_bob, validation, aurora, scored_submission
):
    submission = scored_submission(validation, aurora)
    assert as_bob.get(f"/submissions/{submission.pk}/").status_code == 404
    assert as_bob.get(f"/submissions/{submission.pk}/file/").status_code == 404


def test_another_teams_submission_answers_404_in_the_api(
    api_bob, validation, aurora, scored_submission
):
    submission = scored_submission(validation, aurora)
    assert api_bob.get(f"/api/submissions/{submission.pk}/").status_code == 404
    assert api_bob.get(f"/api/submissions/{submission.pk}/file/").status_code == 404


def test_a_missing_id_and_a_foreign_id_answer_alike(api_bob, validation, aurora, scored_submission):
    submission = scored_submission(validation, aurora)
    foreign = api_bob.get(f"/api/submissions/{submission.pk}/")
    missing = api_bob.get(f"/api/submissions/{submission.pk + 1000}/")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


def test_anonymous_visitors_get_no_submission(anonymous, api_anonymous, validation, aurora,
                                             scored_submission):  # fmt: skip
    submission = scored_submission(validation, aurora)
    page = anonymous.get(f"/submissions/{submission.pk}/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert api_anonymous.get(f"/api/submissions/{submission.pk}/").status_code in (401, 403)
    assert api_anonymous.get(
        "/api/competitions/xacle/phases/validation/submissions/"
    ).status_code in (401, 403)


def test_lists_hold_only_the_own_teams_submissions(
    as_bob, api_bob, validation, aurora, borealis, scored_submission
):
    scored_submission(validation, aurora, "Aurora_secret")
    mine = scored_submission(validation, borealis, "Borealis_01")
    page = as_bob.get("/c/xacle/submissions/").content.decode()
    assert "Borealis_01" in page and "Aurora_secret" not in page
    listed = api_bob.get("/api/competitions/xacle/phases/validation/submissions/").json()
    assert [s["id"] for s in listed] == [mine.pk]


def test_organizers_see_every_teams_submission(as_olga, api_olga, validation, aurora,
                                             scored_submission):  # fmt: skip
    submission = scored_submission(validation, aurora)
    assert as_olga.get(f"/submissions/{submission.pk}/").status_code == 200
    assert as_olga.get(f"/submissions/{submission.pk}/file/").status_code == 200
    assert api_olga.get(f"/api/submissions/{submission.pk}/").status_code == 200


# Hidden splits before the reveal


def test_no_page_or_api_answer_carries_a_private_score(
    as_alice, api_alice, alice_test, private_scores
):
    for url in participant_views("xacle", alice_test.pk):
        client = api_alice if url.startswith("/api/") else as_alice
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaked(response.content.decode(), private_scores) == [], url


def test_the_own_submission_shows_the_public_split_only(api_alice, alice_test):
    data = api_alice.get(f"/api/submissions/{alice_test.pk}/").json()
    assert [score["split"] for score in data["scores"]] == ["public"]


def test_a_hidden_leaderboard_has_no_rows_and_no_count(api_alice, api_anonymous, alice_test):
    for client in (api_alice, api_anonymous):
        for by in ("team", "system"):
            url = f"/api/competitions/xacle/phases/test/leaderboard/?split=private&by={by}"
            data = client.get(url).json()
            assert data["hidden"] is True
            assert data["rows"] == [] and data["total"] == 0


def test_a_hidden_leaderboard_page_shows_no_team_and_says_when(as_alice, test_phase, alice_test):
    test_phase.reveal_planned_at = timezone.make_aware(timezone.datetime(2026, 3, 1, 12, 0))
    test_phase.save()
    page = as_alice.get("/c/xacle/leaderboard/test/?split=private").content.decode()
    assert "hidden" in page and "2026-03-01 12:00 UTC" in page
    assert "Aurora" not in page.split("<main", 1)[1]


def test_a_fully_hidden_phase_shows_no_score_at_all(as_alice, api_alice, test_phase, alice_test):
    test_phase.leaderboard = Phase.HIDDEN
    test_phase.save()
    scores = list(alice_test.scores.all())
    assert api_alice.get(f"/api/submissions/{alice_test.pk}/").json()["scores"] == []
    for url in participant_views("xacle", alice_test.pk):
        client = api_alice if url.startswith("/api/") else as_alice
        assert leaked(client.get(url).content.decode(), scores) == [], url
    board = api_alice.get("/api/competitions/xacle/phases/test/leaderboard/").json()
    assert board["hidden"] is True and board["rows"] == []


def test_after_the_reveal_participants_see_the_private_split(api_alice, test_phase, alice_test):
    test_phase.leaderboard = Phase.REVEALED
    test_phase.save()
    data = api_alice.get(f"/api/submissions/{alice_test.pk}/").json()
    assert {score["split"] for score in data["scores"]} == {"public", "private"}
    board = api_alice.get("/api/competitions/xacle/phases/test/leaderboard/").json()
    assert board["split"] == "private" and board["rows"][0]["team"] == "Aurora"


def test_organizers_see_hidden_scores_and_boards(api_olga, as_olga, alice_test, private_scores):
    data = api_olga.get(f"/api/submissions/{alice_test.pk}/").json()
    assert {score["split"] for score in data["scores"]} == {"public", "private"}
    board = api_olga.get("/api/competitions/xacle/phases/test/leaderboard/?split=private").json()
    assert board["hidden"] is True and board["rows"][0]["srcc"] == private_scores[0].srcc
    page = as_olga.get("/c/xacle/leaderboard/test/?split=private").content.decode()
    assert f"{private_scores[0].srcc:.4f}" in page


def test_an_upload_error_names_no_truth(api_alice, test_phase):
    ids = list(test_phase.items().values_list("wav_file_name", flat=True))
    means = list(test_phase.items().values_list("mean_score", flat=True))
    body = "wav_file_name,prediction_score\n" + "".join(f"{w},oops\n" for w in ids[:-1])
    response = api_alice.post(
        "/api/competitions/xacle/phases/test/submissions/",
        {"file": SimpleUploadedFile("bad.csv", body.encode()), "system_name": "x"},
        format="multipart",
    )
    assert response.status_code == 400
    text = " ".join(response.json()["errors"])
    assert ids[-1] in text  # the missing pair is named ...
    assert not [m for m in means if f"{m!r}" in text or f"{m:.4f}" in text]  # ... not its truth


# Test ratings


def test_test_ratings_are_not_downloadable_before_they_are_published(as_alice, test_phase):
    texts = as_alice.get("/c/xacle/data/test.csv")
    body = b"".join(texts.streaming_content).decode()
    assert body.splitlines()[0] == "wav_file_name,text"
    assert as_alice.get("/c/xacle/data/test_average.csv").status_code == 404
    overview = as_alice.get("/c/xacle/").content.decode()
    assert "test_average.csv" not in overview


def test_published_test_ratings_are_downloadable(as_alice, test_phase):
    test_phase.ratings_published = True
    test_phase.save()
    average = as_alice.get("/c/xacle/data/test_average.csv")
    assert average.status_code == 200
    lines = b"".join(average.streaming_content).decode().splitlines()
    assert lines[0] == "wav_file_name,text,average_score" and len(lines) == 13


def test_organizers_may_download_unpublished_test_ratings(as_olga, competition):
    assert as_olga.get("/c/xacle/data/test_average.csv").status_code == 200


def test_the_sample_submission_carries_no_truth(api_anonymous, test_phase):
    response = api_anonymous.get("/api/competitions/xacle/phases/test/sample_submission/")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert {row.split(",")[1] for row in rows[1:]} == {"5.0"}


def test_a_closed_phase_refuses_uploads_without_scoring(api_alice, validation):
    validation.closes_at = timezone.now() - timedelta(days=1)
    validation.opens_at = timezone.now() - timedelta(days=10)
    validation.save()
    response = api_alice.post(
        "/api/competitions/xacle/phases/validation/submissions/",
        {"file": SimpleUploadedFile("p.csv", csv_bytes(validation)), "system_name": "x"},
        format="multipart",
    )
    assert response.status_code == 403 and "closed" in response.json()["errors"][0]
