"""Uploads of submission files, shared by the web form and the API.

`SizeLimitUploadHandler` (first in FILE_UPLOAD_HANDLERS) enforces SUBMISSION_MAX_BYTES
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
from competition import submitting
from competition.models import Phase, Submission

ACCEPTED_SUFFIXES = (".csv",)
# Room for the other form fields and the multipart boundaries around the file.
ENVELOPE_BYTES = 1024 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > settings.SUBMISSION_MAX_BYTES + ENVELOPE_BYTES:
            mark_too_large(self.request)
            raise RequestDataTooBig(too_large_message())
        self.received = 0
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if self.received > settings.SUBMISSION_MAX_BYTES:
            mark_too_large(self.request)
            raise SkipFile()
        return raw_data  # the next handler stores it

    def file_complete(self, file_size):
        return None


def mark_too_large(request):
    if request is not None:
        request.upload_too_large = True


def too_large_message() -> str:
    # The same words submitting.read_upload uses, whichever of the two checks fires first.
    return submitting.too_large_message(settings.SUBMISSION_MAX_BYTES)


def refusal(*messages: str) -> "scoring.SubmissionError":
    return scoring.SubmissionError([scoring.Problem(None, message) for message in messages])


def accept_upload(request, phase: Phase, system_name: str, uploaded) -> Submission:
    """Submit an uploaded file for the user's team (a team of one if they have none);
    raise scoring.SubmissionError, with nothing stored, when it cannot be taken (Refused
    when the phase takes none now, whatever the file)."""
    submitting.check_window(phase, timezone.now())
    if getattr(request, "upload_too_large", False):
        raise refusal(too_large_message())
    if uploaded is None:
        raise refusal("Choose a CSV file to upload.")
    name = PurePath(uploaded.name or "").name
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise refusal(f"{name or 'The file'} is not a CSV file: upload a .csv file.")
    submitting.check_system_name(system_name)
    team = submitting.team_for(request.user, phase.competition)
    return submitting.submit(phase, team, system_name, uploaded, filename=name, user=request.user)
