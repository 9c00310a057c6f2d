"""Uploads of submission files, shared by the web form and the API.

`SizeLimitUploadHandler` (first in FILE_UPLOAD_HANDLERS) enforces each kind of file's limit
(SUBMISSION_MAX_BYTES for a CSV, PACKAGE_MAX_BYTES for a ZIP, REPORT_MAX_BYTES for a PDF)
while the body streams in, so an oversized file is never held whole: a request that
announces a body far over the limit is refused before any of it is read, and a file that
grows past the limit is dropped chunk by chunk while the other form fields still arrive
(the CSRF token among them, so the form can say what went wrong).
"""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils import timezone

import scoring
from competition import packages, submitting
from competition.models import Phase, Submission

ACCEPTED_SUFFIXES = (".csv",)
PACKAGE_SUFFIXES = (".zip",)
REPORT_SUFFIXES = (".pdf",)
# Room for the other form fields and the multipart boundaries around the file.
ENVELOPE_BYTES = 1024 * 1024
DESCRIPTION_MAX_BYTES = 64 * 1024


def limit_for(filename: str) -> int:
    """The upload limit of a file, by its kind."""
    name = (filename or "").lower()
    if name.endswith(PACKAGE_SUFFIXES):
        return settings.PACKAGE_MAX_BYTES
    if name.endswith(REPORT_SUFFIXES):
        return settings.REPORT_MAX_BYTES
    return settings.SUBMISSION_MAX_BYTES


def largest_limit() -> int:
    return max(settings.SUBMISSION_MAX_BYTES, settings.PACKAGE_MAX_BYTES, settings.REPORT_MAX_BYTES)


class SizeLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > largest_limit() + ENVELOPE_BYTES:
            mark_too_large(self.request, largest_limit())
            raise RequestDataTooBig(too_large_message(largest_limit()))
        self.received = 0
        self.limit = settings.SUBMISSION_MAX_BYTES
        return None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.limit = limit_for(file_name)

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if self.received > self.limit:
            mark_too_large(self.request, self.limit)
            raise SkipFile()
        return raw_data  # the next handler stores it

    def file_complete(self, file_size):
        return None


def mark_too_large(request, limit: int):
    if request is not None:
        request.upload_too_large = limit


def too_large_message(limit: int | None = None) -> str:
    # The same words submitting.read_upload uses, whichever of the two checks fires first.
    return submitting.too_large_message(limit or settings.SUBMISSION_MAX_BYTES)


def refusal(*messages: str) -> "scoring.SubmissionError":
    return scoring.SubmissionError([scoring.Problem(None, message) for message in messages])


def is_package(uploaded) -> bool:
    return uploaded is not None and (uploaded.name or "").lower().endswith(PACKAGE_SUFFIXES)


def read_description(value) -> str | bytes | None:
    """The optional description given beside a CSV: text, or an uploaded YAML file."""
    if value is None or value == "":
        return None
    if hasattr(value, "read"):
        return submitting.read_upload(value, DESCRIPTION_MAX_BYTES)
    return str(value)


def accept_upload(
    request, phase: Phase, system_name: str, uploaded, description=None, on_stored=None
) -> list[Submission]:
    """Submit an uploaded CSV (with its optional description) or an XACLE package for the
    user's team (a team of one if they have none); raise scoring.SubmissionError, with
    nothing stored, when it cannot be taken (Refused when the phase takes none now,
    whatever the file). A package gives one submission per system. on_stored(submissions)
    runs inside the transaction that stores them."""
    submitting.check_window(phase, timezone.now())
    if getattr(request, "upload_too_large", False):
        raise refusal(too_large_message(request.upload_too_large))
    if uploaded is None:
        raise refusal("Choose a CSV file (or an XACLE package, .zip) to upload.")
    name = PurePath(uploaded.name or "").name
    if is_package(uploaded):
        data = submitting.read_upload(uploaded, settings.PACKAGE_MAX_BYTES)
        team = submitting.team_for(request.user, phase.competition)
        return packages.submit_package(phase, team, data, user=request.user, on_stored=on_stored)
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise refusal(
            f"{name or 'The file'} is not a CSV file: upload a .csv file or an XACLE package "
            "(.zip)."
        )
    submitting.check_system_name(system_name)
    text = read_description(description)
    team = submitting.team_for(request.user, phase.competition)
    return [
        submitting.submit(
            phase, team, system_name, uploaded, filename=name, user=request.user,
            description=text, on_stored=on_stored,
        )
    ]  # fmt: skip
