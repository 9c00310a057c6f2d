"""Fixtures of the client's tests: a fake API server, and the command line run against it
as alice, a participant of the competition xacle."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tests.xacle_cli.fake_server import serve
from xacle_cli.__main__ import main


@pytest.fixture
def api():
    with serve() as fake:
        yield fake


@pytest.fixture
def predictions(tmp_path):
    """A small CSV to upload (the fake server does not read it)."""
    path = tmp_path / "predictions.csv"
    path.write_text("wav_file_name,prediction_score\n00004.wav,5\n")
    return str(path)


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch):
    for name in ("XACLE_URL", "XACLE_TOKEN", "XACLE_COMPETITION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cli(api, capsys, monkeypatch):
    """Run `python -m xacle_cli ARGS` against the fake server as a participant of the
    competition xacle; returns (exit status, stdout, stderr). Its waits (throttled, polling)
    are recorded in cli.slept instead of slept."""
    monkeypatch.setenv("XACLE_URL", api.url)
    monkeypatch.setenv("XACLE_TOKEN", "alices-token")
    monkeypatch.setenv("XACLE_COMPETITION", "xacle")

    def run(*args: str, **client_options: Any) -> tuple[int, str, str]:
        client_options.setdefault("sleep", run.slept.append)
        status = main(list(args), **client_options)
        out, err = capsys.readouterr()
        return status, out, err

    run.slept = []
    return run
