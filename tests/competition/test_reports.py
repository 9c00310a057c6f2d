"""Technical reports: a real PDF (checked with pypdf), at most REPORT_MAX_BYTES with its own
upload limit, the page count shown; hidden before the test phase's reveal, linked on the
test board after it."""

from django.core.files.uploadedfile import SimpleUploadedFile

from competition import reveal, standings
from competition.models import Report
from tests.factories import pdf_bytes, scored

URL = "/api/competitions/xacle/report/"
FILE = "/c/xacle/teams/Aurora/report.pdf"


def post(client, data: bytes, name="report.pdf"):
    file = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(URL, {"file": file}, format="multipart")


def test_a_real_pdf_is_taken_with_its_page_count(api_alice, aurora, competition):
    response = post(api_alice, pdf_bytes(3))
    assert response.status_code == 201
    assert response.json()["pages"] == 3 and response.json()["team"] == "Aurora"
    assert api_alice.get(URL).json()["pages"] == 3
    # A new one replaces it.
    assert post(api_alice, pdf_bytes(5)).json()["pages"] == 5
    assert Report.objects.get(team=aurora).pages == 5


def test_a_file_that_is_not_a_pdf(api_alice, competition):
    response = post(api_alice, b"Hello, this is a Word file", name="report.pdf")
    assert response.status_code == 400
    assert response.json()["errors"] == ["report.pdf: The report is not a PDF file."]


def test_a_file_that_only_starts_like_a_pdf(api_alice, competition):
    response = post(api_alice, b"%PDF-1.7\n" + b"garbage " * 100)
    assert response.status_code == 400
    assert "not a readable PDF" in response.json()["errors"][0]
    assert Report.objects.count() == 0


def test_a_pdf_over_the_limit(api_alice, competition, settings):
    settings.REPORT_MAX_BYTES = 1000
    response = post(api_alice, pdf_bytes(1) + b"%" * 2000)
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["errors"][0]
    assert Report.objects.count() == 0


def test_the_report_limit_is_its_own(api_alice, competition, settings):
    # Over the submission limit, within the report limit: taken.
    settings.SUBMISSION_MAX_BYTES = 100
    data = pdf_bytes(1)
    assert len(data) > 100
    assert post(api_alice, data).status_code == 201


def test_hidden_before_the_reveal_linked_after(
    api_alice, as_alice, as_bob, as_olga, anonymous, aurora, test_phase
):
    post(api_alice, pdf_bytes(2))
    scored(test_phase, aurora, "Aurora_01", (0.5, 0.5, 0.4, 2.0))
    standings.rebuild(test_phase)
    assert as_alice.get(FILE).status_code == 200
    assert as_olga.get(FILE).status_code == 200
    assert as_bob.get(FILE).status_code == 404
    assert anonymous.get(FILE).status_code == 404
    board = "/c/xacle/leaderboard/test/"
    assert FILE not in anonymous.get(board).content.decode()
    reveal.reveal(test_phase)
    response = anonymous.get(FILE)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert FILE in anonymous.get(board).content.decode()


def test_the_page_uploads_and_shows_the_pages(as_alice, aurora, competition):
    file = SimpleUploadedFile("tr.pdf", pdf_bytes(4))
    response = as_alice.post("/c/xacle/systems/", {"action": "report", "report": file})
    assert response.status_code == 302
    assert "4 pages" in as_alice.get("/c/xacle/systems/").content.decode()
    bad = SimpleUploadedFile("tr.pdf", b"nope")
    response = as_alice.post("/c/xacle/systems/", {"action": "report", "report": bad})
    assert response.status_code == 400 and "not a PDF file" in response.content.decode()
