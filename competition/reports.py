"""Technical reports: one PDF per team and competition, checked with pypdf (a file that only
starts like a PDF is refused), its page count kept for the pages."""

import io
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from competition import submitting
from competition.models import Competition, Report, Team
from scoring.problems import Problem, SubmissionError

log = logging.getLogger(__name__)


def pdf_pages(data: bytes, name: str = "") -> int:
    """The page count of a real PDF, or SubmissionError saying what is wrong."""
    from pypdf import PdfReader  # only the report path needs it
    from pypdf.errors import PyPdfError

    file = name or None
    if not data.startswith(b"%PDF-"):
        raise SubmissionError([Problem(None, "The report is not a PDF file.", file)])
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise SubmissionError(
                [Problem(None, "The report is encrypted; upload it without a password.", file)]
            )
        pages = len(reader.pages)
    except SubmissionError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        log.info("unreadable PDF report: %s", exc)
        raise SubmissionError(
            [
                Problem(
                    None, "The report is not a readable PDF (the PDF library cannot open it).", file
                )
            ]  # fmt: skip
        )
    if pages < 1:
        raise SubmissionError([Problem(None, "The report has no pages.", file)])
    return pages


def check(data: bytes, name: str = "") -> int:
    if len(data) > settings.REPORT_MAX_BYTES:
        limit = settings.REPORT_MAX_BYTES / (1024 * 1024)
        raise SubmissionError(
            [Problem(None, f"The report is larger than the limit of {limit:g} MB.", name or None)]
        )
    return pdf_pages(data, name)


def store(competition: Competition, team: Team, data: bytes, filename: str, pages: int, user=None):
    """Keep the report as the team's (replacing an earlier one)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(team=team, competition=competition)
        report = report.first() or Report(team=team, competition=competition)
        old = report.file.name if report.pk else None
        report.original_filename = (filename or "report.pdf")[-255:]
        report.pages, report.size = pages, len(data)
        report.uploaded_by = user if user is not None and user.is_authenticated else None
        report.uploaded_at = timezone.now()
        report.file.save(f"{team.pk}-{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
        report.save()
        if old:
            storage = report.file.storage
            transaction.on_commit(lambda: storage.delete(old))
    return report


def upload(competition: Competition, team: Team, data: bytes, filename: str, user=None) -> Report:
    return store(competition, team, data, filename, check(data, filename), user)


def take_upload(request, competition: Competition, uploaded) -> Report:
    """The page's and the API's report upload: the same checks, the same words."""
    if getattr(request, "upload_too_large", False):
        raise SubmissionError.single(
            f"The report is larger than the limit of "
            f"{settings.REPORT_MAX_BYTES / (1024 * 1024):g} MB."
        )
    if uploaded is None:
        raise SubmissionError.single("Choose the PDF of your technical report.")
    data = submitting.read_upload(uploaded, settings.REPORT_MAX_BYTES)
    team = submitting.team_for(request.user, competition)
    return upload(competition, team, data, uploaded.name or "report.pdf", request.user)
