"""The upload form, My submissions, one submission and its file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from competition.models import Submission
from tests.factories import PASSWORD, csv_bytes, upload

pytestmark = pytest.mark.django_db


def post(client, phase="validation", system="Aurora_01", file=None):
    data = {"phase": phase, "system_name": system}
    if file is not None:
        data["file"] = file
    return client.post("/c/xacle/submit/", data)


def bad_file(phase, name="bad.csv"):
    ids = list(phase.items().values_list("wav_file_name", flat=True))
    lines = ["wav_file_name,prediction_score", f"{ids[0]},nan", f"{ids[1]},3.0", f"{ids[1]},4.0"]
    lines += [f"{wav},5" for wav in ids[2:-1]]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def test_the_form_offers_the_phases(as_alice, competition):
    page = as_alice.get("/c/xacle/submit/").content.decode()
    assert 'value="validation"' in page and 'value="test"' in page
    assert page.index('value="validation"') < page.index('value="test"')
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page


def test_a_valid_file_is_stored_queued_and_sent_on_commit(
    as_alice, validation, aurora, alice, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_alice, file=upload(validation))
    assert response.status_code == 302 and response["Location"] == "/c/xacle/submissions/"
    submission = Submission.objects.get()
    assert (submission.team, submission.submitted_by, submission.status) == (
        aurora,
        alice,
        Submission.QUEUED,
    )
    assert submission.original_filename == "predictions.csv"
    assert enqueued == [submission.pk]
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    assert "Aurora_01" in page and "queued" in page and "live.js" in page


def test_a_bad_file_lists_its_problems_by_line_and_stores_nothing(as_alice, validation, enqueued):
    response = post(as_alice, file=bad_file(validation))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file was not accepted" in page
    assert "Line 2:" in page and "Line 4:" in page
    assert Submission.objects.count() == 0 and enqueued == []


def test_only_csv_files_are_taken(as_alice, validation):
    file = SimpleUploadedFile("predictions.xlsx", csv_bytes(validation))
    response = post(as_alice, file=file)
    assert response.status_code == 400
    assert "is not a CSV file" in response.content.decode()
    assert Submission.objects.count() == 0


def test_a_missing_file_or_name_is_said(as_alice, validation):
    assert "Choose a CSV file" in post(as_alice).content.decode()
    response = post(as_alice, system=" ", file=upload(validation))
    assert response.status_code == 400 and Submission.objects.count() == 0


def test_a_file_over_the_limit_is_refused_while_streaming(as_alice, validation, settings):
    settings.SUBMISSION_MAX_BYTES = 200
    response = post(as_alice, file=upload(validation))
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert Submission.objects.count() == 0


def test_a_body_far_over_the_limit_is_refused_unread(alice, validation, settings):
    settings.SUBMISSION_MAX_BYTES = 1000
    client = Client()
    client.force_login(alice)
    huge = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 5000))
    response = client.post(
        "/c/xacle/submit/", {"phase": "validation", "system_name": "a", "file": huge}
    )
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert Submission.objects.count() == 0


def test_my_submissions_show_scores_with_four_decimals(
    as_alice, validation, aurora, scored_submission
):
    submission = scored_submission(validation, aurora)
    score = submission.scores.get()
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    assert f"{score.srcc:.4f}" in page and f"{score.mse:.4f}" in page
    assert repr(score.srcc) not in page
    assert "scored" in page and "live.js" not in page


def test_a_failed_submission_shows_its_reason(as_alice, validation, aurora, scored_submission):
    submission = scored_submission(validation, aurora)
    Submission.objects.filter(pk=submission.pk).update(status="failed", reason="The pairs changed.")
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    assert "failed" in page and "The pairs changed." in page


def test_the_team_downloads_its_original_file(as_alice, validation, aurora, scored_submission):
    submission = scored_submission(validation, aurora)
    response = as_alice.get(f"/submissions/{submission.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == csv_bytes(validation)
    assert 'filename="predictions.csv"' in response["Content-Disposition"]


def test_every_team_member_sees_the_teams_submissions(validation, aurora, bob, scored_submission):
    from competition.models import Membership

    Membership.objects.create(team=aurora, user=bob)
    submission = scored_submission(validation, aurora)
    client = Client()
    client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert client.get(f"/submissions/{submission.pk}/").status_code == 200


def test_the_submission_page_polls_while_pending(as_alice, validation, aurora):
    from competition import submitting

    submission = submitting.submit(validation, aurora, "Aurora_01", upload(validation))
    page = as_alice.get(f"/submissions/{submission.pk}/").content.decode()
    assert f'data-pending="{submission.pk}"' in page and 'data-api="/api/submissions/0/"' in page
    assert "live.js" in page


def test_no_submissions_yet(as_alice):
    assert "No submissions yet" in as_alice.get("/c/xacle/submissions/").content.decode()


def test_a_too_large_upload_is_logged_in_one_line_without_a_traceback(alice, validation, settings):
    import io
    import logging

    # Far over every upload limit (a package's and a report's are their own).
    settings.SUBMISSION_MAX_BYTES = settings.PACKAGE_MAX_BYTES = settings.REPORT_MAX_BYTES = 1000
    from config.logfilters import Brief

    (handler,) = [
        h
        for h in logging.getLogger("django.security.RequestDataTooBig").handlers
        if any(isinstance(f, Brief) for f in h.filters)
    ]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        client = Client()
        client.force_login(alice)
        huge = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 5000))
        client.post("/c/xacle/submit/", {"phase": "validation", "system_name": "a", "file": huge})
    finally:
        handler.setStream(previous)
    logged = stream.getvalue()
    assert "larger than the limit" in logged
    assert "Traceback" not in logged and len(logged.strip().splitlines()) == 1
