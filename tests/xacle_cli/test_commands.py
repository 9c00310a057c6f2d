"""The commands against a fake server: what each sends and what it prints."""

from __future__ import annotations

import json

import pytest

from tests.xacle_cli.canned import board, scored
from tests.xacle_cli.fake_server import Answer

PHASE = "/api/competitions/xacle/phases/{}/"
ONE = "/api/submissions/17/"
SAMPLE = b"wav_file_name,prediction_score\n00004.wav,5.0\n00005.wav,5.0\n"
QUEUED = scored(status="queued", scores=[])


@pytest.fixture
def predictions(tmp_path):
    path = tmp_path / "my predictions.csv"
    path.write_bytes(SAMPLE)
    return str(path)


def test_submit_uploads_the_file_as_the_participant_and_prints_the_id(api, cli, predictions):
    api.on("POST", PHASE.format("test") + "submissions/", Answer(201, QUEUED))
    status, out, err = cli("submit", predictions, "--system", "Aurora_01", "--phase", "test")
    assert (status, out, err) == (0, "17\n", "")
    (request,) = api.requests
    assert request.headers["Authorization"] == "Token alices-token"
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="system_name"\r\n\r\nAurora_01\r\n' in request.body
    assert b'filename="my predictions.csv"' in request.body and SAMPLE in request.body


def test_submit_and_wait_follows_the_submission_until_scored(api, cli, predictions):
    api.on("POST", PHASE.format("validation") + "submissions/", Answer(201, QUEUED))
    api.on("GET", ONE, Answer(body=QUEUED), Answer(body=QUEUED | {"status": "scoring"}),
           Answer(body=scored()))  # fmt: skip
    status, out, err = cli("submit", predictions, "--system", "Aurora_01", "--wait")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "17" and lines[1].startswith("Submission 17 scored")
    assert lines[3].split() == ["all", "0.6123", "0.6000", "0.4500", "2.1000", "12"]
    assert err == "Waiting for submission 17 to be scored...\n"
    assert [r.path for r in api.requests].count(ONE) == 3 and cli.slept == [1.0, 1.0]


def test_a_failed_submission_exits_1_with_the_reason(api, cli, predictions):
    api.on("POST", PHASE.format("validation") + "submissions/", Answer(201, QUEUED))
    api.on("GET", ONE, Answer(body=scored(status="failed", scores=[], reason="No truth.")))
    status, out, _ = cli("submit", predictions, "--system", "Aurora_01", "--wait")
    assert status == 1 and out.splitlines()[-1] == "Reason: No truth."


def test_submit_wait_json_prints_only_the_scored_submission(api, cli, predictions):
    api.on("POST", PHASE.format("validation") + "submissions/", Answer(201, QUEUED))
    api.on("GET", ONE, Answer(body=scored()))
    status, out, _ = cli("submit", predictions, "--system", "A", "--wait", "--json")
    assert status == 0 and json.loads(out) == scored()


def test_status_prints_the_submission(api, cli):
    api.on("GET", ONE, Answer(body=scored()))
    status, out, _ = cli("status", "17")
    assert status == 0 and out.startswith("Submission 17 scored: system Aurora_01")
    assert json.loads(cli("status", "17", "--json")[1])["scores"][0]["srcc"] == 0.61234567


def test_leaderboard_asks_for_the_view_and_split_and_prints_a_table(api, cli):
    api.on("GET", PHASE.format("test") + "leaderboard/", Answer(body=board(phase="test")))
    status, out, _ = cli("leaderboard", "--phase", "test", "--by", "system", "--split", "public")
    assert status == 0 and out.startswith("Leaderboard: test phase")
    assert len(out.splitlines()) == 5
    assert api.requests[0].path.endswith("/leaderboard/?by=system&split=public")
    status, out, _ = cli("leaderboard", "--phase", "test", "--json")
    assert json.loads(out) == board(phase="test")
    assert api.requests[1].path.endswith("/leaderboard/?by=team")


def test_sample_prints_the_csv_or_writes_it_to_a_file(api, cli, tmp_path):
    api.on("GET", PHASE.format("validation") + "sample_submission/", Answer(body=SAMPLE))
    assert cli("sample") == (0, SAMPLE.decode(), "")
    target = tmp_path / "sample.csv"
    status, out, err = cli("sample", "-o", str(target))
    assert (status, out) == (0, "")
    assert err == f"Wrote the validation sample submission (2 rows) to {target}.\n"
    assert target.read_bytes() == SAMPLE


def test_submissions_lists_the_teams_submissions(api, cli):
    listing = [scored(id=18, status="queued", scores=[]), scored()]
    api.on("GET", PHASE.format("validation") + "submissions/", Answer(body=listing))
    status, out, _ = cli("submissions")
    assert status == 0 and [line.split()[0] for line in out.splitlines()] == ["ID", "18", "17"]


def test_settings_may_stand_before_or_after_the_command(api, cli, monkeypatch, closed_port):
    monkeypatch.setenv("XACLE_URL", f"http://127.0.0.1:{closed_port}")
    monkeypatch.delenv("XACLE_TOKEN")
    api.on("GET", ONE, Answer(body=scored()))
    assert cli("--url", api.url, "--token", "t1", "status", "17")[0] == 0
    assert cli("status", "17", "--url", api.url, "--token", "t2")[0] == 0
    assert [r.headers["Authorization"] for r in api.requests] == ["Token t1", "Token t2"]


def test_the_competition_option_overrides_the_environment(api, cli):
    api.on("GET", "/api/competitions/other/phases/validation/leaderboard/", Answer(body=board()))
    assert cli("leaderboard", "--competition", "other")[0] == 0
