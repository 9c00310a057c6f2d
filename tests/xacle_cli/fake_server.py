"""A fake API server: http.server in a thread on 127.0.0.1 (port 0) that gives canned
answers by method and path and records every request it gets."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int = 200
    body: Any = b""  # bytes or str as they are; anything else as JSON
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def payload(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "text/csv"
        if isinstance(self.body, str):
            return self.body.encode(), "text/html"
        return json.dumps(self.body).encode(), "application/json"


@dataclass
class Seen:
    method: str
    path: str  # with the query
    headers: dict[str, str]
    body: bytes


class FakeApi:
    """Answers queued per (method, path) are given in order, the last one again and again;
    an unknown route is a 404 as DRF words it."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.requests: list[Seen] = []
        self.url = ""

    def on(self, method: str, path: str, *answers: Answer) -> None:
        self.routes.setdefault((method, path), []).extend(answers)

    def next(self, method: str, path: str) -> Answer:
        answers = self.routes.get((method, path))
        if not answers:
            return Answer(404, {"detail": "Not found."})
        return answers.pop(0) if len(answers) > 1 else answers[0]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        api = self.server.api
        api.requests.append(Seen(self.command, self.path, dict(self.headers), body))
        answer = api.next(self.command, urlsplit(self.path).path)
        time.sleep(answer.delay)
        payload, content_type = answer.payload()
        self.send_response(answer.status)
        for name, value in {"Content-Type": content_type, **answer.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping (the timeout test) does not hold us
    api: FakeApi

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The client that gave up waiting (the timeout test) has hung up: not a fault.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve() -> Iterator[FakeApi]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.api = FakeApi()
    server.api.url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll interval: shutdown() waits for one.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield server.api
    finally:
        server.shutdown()
        server.server_close()
