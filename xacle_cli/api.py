"""A small client for the competition's REST API, on the standard library alone.

Every problem a participant can meet (no server, a wrong token, a wrong name, a server
fault, throttling that does not end, a timeout) is raised as ApiError with one plain line,
so that the command line never shows a traceback."""

from __future__ import annotations

import email.utils
import http.client
import json
import mimetypes
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from xacle_cli import __version__

USER_AGENT = f"xacle-cli/{__version__}"
PENDING = ("queued", "scoring")
TOKEN_HINT = "--token or XACLE_TOKEN"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# A throttle's 429 asking for a longer wait than this is not waited out.
MAX_THROTTLE_WAIT = 60.0
EXAMPLE_URL = "https://xacle.example.org"


class ApiError(Exception):
    """A request that did not succeed. str(error) is the one line to show; `lines` holds
    the server's own messages when it sent any (a refused file's problems, by line)."""

    def __init__(self, message: str, lines: Sequence[str] = (), status: int | None = None):
        super().__init__(message)
        self.lines = list(lines)
        self.status = status


def encode_multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes]]
) -> tuple[bytes, str]:
    """A multipart/form-data body and the Content-Type that goes with it.

    files maps a field name to (filename, content); the part's type is guessed from the
    filename. The boundary is random, so it cannot occur in a CSV by accident."""
    boundary = f"xacle-{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(_part(boundary, name, None, value.encode()))
    for name, (filename, content) in files.items():
        parts.append(_part(boundary, name, filename, content))
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _part(boundary: str, name: str, filename: str | None, content: bytes) -> bytes:
    disposition = f'form-data; name="{_quoted(name)}"'
    head = f"--{boundary}\r\n"
    if filename is not None:
        disposition += f'; filename="{_quoted(filename)}"'
        kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        head += f"Content-Disposition: {disposition}\r\nContent-Type: {kind}\r\n"
    else:
        head += f"Content-Disposition: {disposition}\r\n"
    return head.encode() + b"\r\n" + content + b"\r\n"


def _quoted(value: str) -> str:
    # As browsers do (HTML spec): a quote or a line break would end the header early.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def retry_after(value: str | None, default: float = 1.0) -> float:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


class _ReadsFollowRedirects(urllib.request.HTTPRedirectHandler):
    """Follows the redirects of reads only. urllib would turn a redirected upload into a
    GET without the file; better to tell the participant where the server is."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if req.get_method() not in ("GET", "HEAD"):
            return None  # urllib then raises the 3xx as an HTTPError, read below
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_ReadsFollowRedirects())


class Client:
    """The API of one server, as one participant (token) or anonymously (no token).

    A throttle's 429 (one without a `code`) is retried after the server's Retry-After, up to
    `retries` times, unless the wait asked for is longer than `max_wait` seconds: a
    throttled request was refused whole, so sending it again, even an upload, cannot make
    a second submission. An answer with a `code` (phase_closed, phase_not_open,
    quota_exceeded, ...) is the server's final word: never retried, its message shown. An
    upload also carries an Idempotency-Key, so a dropped connection or a 5xx is retried too
    (after 1, 2, 4 ... s): if the first try was stored after all, the server answers it
    again instead of storing a second submission."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        retries: int = 5,
        max_wait: float = MAX_THROTTLE_WAIT,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] = lambda message: None,
    ):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            # urllib would also open file:// and ftp:// addresses, or fail with a traceback.
            raise ApiError(f"{url!r} is not a server's address; give one like {EXAMPLE_URL}.")
        self.url = url.rstrip("/")
        self.token = token or None
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep
        self.log = log

    # The endpoints. `missing` words the 404 of each: what was asked for and not found.

    def submit(
        self,
        competition: str,
        phase: str,
        system_name: str,
        filename: str,
        content: bytes,
        description: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        """Upload a CSV (with an optional description: (filename, YAML)) or an XACLE
        package (.zip) for the caller's team; the new submission, or for a package
        {"submissions": [...], "quota": ...}. A refused file raises ApiError whose `lines`
        are the server's messages."""
        files = {"file": (filename, content)}
        if description is not None:
            files["description"] = description
        body, content_type = encode_multipart({"system_name": system_name}, files)
        answer = self.request(
            "POST",
            f"{_phase_path(competition, phase)}submissions/",
            body=body,
            content_type=content_type,
            missing=_phase_words(competition, phase),
            refused="The server refused the submission; nothing was stored:",
            idempotency_key=uuid.uuid4().hex,
        )
        return self._json(answer)

    def phase(self, competition: str, phase: str) -> dict[str, Any]:
        """The phase: its state and window, and the caller's quota and final selection."""
        return self.get_json(
            _phase_path(competition, phase), missing=_phase_words(competition, phase)
        )

    def select(self, submission_id: int, final: bool = True) -> dict[str, Any]:
        """Mark the submission final (or, final=False, not final); the submission."""
        action = "select" if final else "unselect"
        return self._json(
            self.request(
                "POST",
                f"/api/submissions/{submission_id}/{action}/",
                missing=f"submission {submission_id} of your team",
            )
        )

    def competitions(self) -> list[dict[str, Any]]:
        """Every competition on the server: slug and title."""
        return self.get_json("/api/competitions/", missing="the list of competitions", expect=list)

    def submission(self, submission_id: int) -> dict[str, Any]:
        return self.get_json(
            f"/api/submissions/{submission_id}/",
            missing=f"submission {submission_id} of your team",
        )

    def submissions(self, competition: str, phase: str) -> list[dict[str, Any]]:
        """The caller's team's submissions in the phase, newest first."""
        return self.get_json(
            f"{_phase_path(competition, phase)}submissions/",
            missing=_phase_words(competition, phase),
            expect=list,
        )

    def leaderboard(
        self, competition: str, phase: str, by: str = "team", split: str | None = None
    ) -> dict[str, Any]:
        query = {"by": by, **({"split": split} if split else {})}
        missing = _phase_words(competition, phase)
        if split:
            missing += f" and a split {split!r}"
        try:
            return self.get_json(
                f"{_phase_path(competition, phase)}leaderboard/", query=query, missing=missing
            )
        except ApiError as error:
            if error.status != 404 or not split:
                raise
            names = self._split_names(competition, phase)
            if names is None:
                raise
            raise ApiError(
                f"The {phase} phase of {competition!r} has no split {split!r}; its splits: "
                f"{', '.join(names)}.",
                status=404,
            )

    def _split_names(self, competition: str, phase: str) -> list[str] | None:
        """The phase's split names, or None where the competition or phase is missing."""
        try:
            found = self.get_json(
                f"/api/competitions/{_segment(competition)}/", missing=repr(competition)
            )
        except ApiError:
            return None
        for entry in found.get("phases", []):
            if entry.get("kind") == phase:
                return [split["name"] for split in entry.get("splits", [])]
        return None

    def sample_submission(self, competition: str, phase: str) -> bytes:
        """A valid CSV to start from (every pair of the phase, a placeholder score)."""
        return self.request(
            "GET",
            f"{_phase_path(competition, phase)}sample_submission/",
            missing=_phase_words(competition, phase),
        )

    def wait(self, submission_id: int, *, timeout: float, interval: float = 1.0) -> dict[str, Any]:
        """Poll the submission until it is scored or failed and return it; ApiError when it
        is still pending after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            submission = self.submission(submission_id)
            if submission["status"] not in PENDING:
                return submission
            if time.monotonic() + interval > deadline:
                raise ApiError(
                    f"Submission {submission_id} is still {submission['status']} after "
                    f"{timeout:g} s; follow it with: python -m xacle_cli status {submission_id}"
                )
            self.sleep(interval)

    # The transport.

    def get_json(
        self,
        path: str,
        *,
        missing: str,
        query: dict[str, str] | None = None,
        expect: type = dict,
    ) -> Any:
        return self._json(self.request("GET", path, query=query, missing=missing), expect)

    def request(
        self,
        method: str,
        path: str,
        *,
        missing: str,
        query: dict[str, str] | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        refused: str = "The server refused the request:",
        idempotency_key: str | None = None,
    ) -> bytes:
        """The body of a 2xx answer; ApiError for anything else. `missing` names what a 404
        means here, `refused` introduces the server's messages of a 400. With an
        idempotency key, a lost answer or a 5xx is retried: the request is safe to repeat."""
        address = self.url + path
        if query:
            address += "?" + urllib.parse.urlencode(query)
        extra = {IDEMPOTENCY_HEADER: idempotency_key} if idempotency_key else {}
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                status, reason, headers, answer = self._send(
                    method, address, body, content_type, extra
                )
            except ApiError as error:
                if not idempotency_key or last:
                    raise
                self._again(error, attempt)
                continue
            if idempotency_key and status >= 500 and not last:
                self._again(ApiError(f"The server failed ({status} {reason})."), attempt)
                continue
            if status != 429 or _code(answer):
                break
            wait = retry_after(headers.get("Retry-After"))
            if attempt == self.retries or wait > self.max_wait:
                raise ApiError(
                    f"The server is throttling your requests; try again in {wait:.0f} s.",
                    status=429,
                )
            self.log(f"Throttled by the server; trying again in {wait:.0f} s.")
            self.sleep(wait)
        if 200 <= status < 300:
            return answer
        raise self._error(status, reason, headers, answer, missing, refused)

    def _again(self, error: ApiError, attempt: int) -> None:
        wait = min(2.0**attempt, 30.0)
        self.log(f"{error} Trying again in {wait:.0f} s (safe: the request has a key).")
        self.sleep(wait)

    def _send(
        self,
        method: str,
        address: str,
        body: bytes | None,
        content_type: str | None,
        extra: dict[str, str] | None = None,
    ) -> tuple[int, str, http.client.HTTPMessage, bytes]:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **(extra or {})}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(address, data=body, headers=headers, method=method)
        try:
            try:
                with _OPENER.open(request, timeout=self.timeout) as answer:
                    return answer.status, answer.reason, answer.headers, answer.read()
            except urllib.error.HTTPError as error:  # 3xx to 5xx: still an answer to read
                with error:
                    return error.code, error.reason, error.headers, error.read()
        except urllib.error.URLError as error:
            raise self._unreachable(error.reason)
        except (OSError, http.client.HTTPException) as error:
            raise self._unreachable(error)

    def _unreachable(self, reason: object) -> ApiError:
        # socket.timeout is TimeoutError from Python 3.10 on; named for older ones.
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return ApiError(
                f"{self.url} did not answer within {self.timeout:g} s; try again later."
            )
        if isinstance(reason, ConnectionRefusedError):
            return ApiError(
                f"Could not connect to {self.url} (connection refused): is the server up, "
                "and are --url or XACLE_URL right?"
            )
        text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        return ApiError(f"Could not talk to {self.url}: {text}.")

    def _error(
        self,
        status: int,
        reason: str,
        headers: http.client.HTTPMessage,
        body: bytes,
        missing: str,
        refused: str,
    ) -> ApiError:
        lines, detail = _messages(body)
        if _code(body) and lines:
            # The server's own words (a closed phase, a spent quota, a refused selection).
            return ApiError(lines[0], lines[1:], status)
        if status == 400:
            return ApiError(refused, lines or [detail or "(no reason given)"], status)
        if status in (401, 403) and not self.token:
            return ApiError(f"This needs your API token: pass {TOKEN_HINT}.", status=status)
        if status in (401, 403):
            said = f" ({detail.rstrip('.')})" if detail else ""
            return ApiError(
                f"The server refused your token{said}; check your token ({TOKEN_HINT}).",
                status=status,
            )
        if 300 <= status < 400:
            return ApiError(
                f"The server redirected the request to {headers.get('Location')}; "
                "point --url (or XACLE_URL) there.",
                status=status,
            )
        if status == 404:
            return ApiError(f"Not found on {self.url}: {missing}.", status=status)
        if status >= 500:
            return ApiError(
                f"The server failed ({status} {reason}); try again later.", status=status
            )
        said = f": {detail}" if detail else ""
        return ApiError(
            f"Unexpected answer from the server, {status} {reason}{said}", status=status
        )

    def _json(self, body: bytes, expect: type = dict) -> Any:
        """The answer's JSON, which must be an `expect` (an object, or a list)."""
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, expect):
            raise ApiError(
                f"{self.url} did not answer as the competition's API does; "
                "is it the competition server (--url)?"
            )
        return data


def _phase_path(competition: str, phase: str) -> str:
    return f"/api/competitions/{_segment(competition)}/phases/{_segment(phase)}/"


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _phase_words(competition: str, phase: str) -> str:
    return f"a competition {competition!r} with a {phase} phase"


def _code(body: bytes) -> str:
    """The `code` of an error answer (e.g. quota_exceeded), or '' when it has none."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("code") or "") if isinstance(data, dict) else ""


def _messages(body: bytes) -> tuple[list[str], str]:
    """The server's messages in an error's body ({"errors": [...]}, or DRF's older
    {"detail": "..."}) and the one that says it all, if there is one. Nothing for a body
    that is not JSON (an HTML page from a proxy)."""
    try:
        data = json.loads(body)
    except ValueError:
        return [], ""
    if not isinstance(data, dict):
        return [], ""
    errors = data.get("errors")
    lines = [str(line) for line in errors] if isinstance(errors, list) else []
    detail = data.get("detail") or (lines[0] if len(lines) == 1 else "")
    return lines, str(detail)
