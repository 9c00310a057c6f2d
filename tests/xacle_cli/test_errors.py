"""Every problem ends in one plain line on stderr and exit status 2, never a traceback;
throttling is waited out as the server asks."""

from __future__ import annotations

import pytest

from tests.xacle_cli.canned import scored
from tests.xacle_cli.fake_server import Answer
from xacle_cli.api import ApiError, Client, retry_after

SUBMIT = "/api/competitions/xacle/phases/validation/submissions/"
ONE = "/api/submissions/17/"


def test_a_refused_file_prints_the_servers_lines(api, cli, predictions):
    lines = ["Line 2: the prediction_score is not a number (nan).", "3 pairs are missing."]
    api.on("POST", SUBMIT, Answer(400, {"errors": lines}))
    status, out, err = cli("submit", predictions, "--system", "A_01")
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "The server refused the submission; nothing was stored:",
        *(f"  {line}" for line in lines),
    ]


def test_without_a_token_it_asks_for_one(api, cli, monkeypatch):
    monkeypatch.delenv("XACLE_TOKEN")
    api.on("GET", ONE, Answer(401, {"detail": "Authentication credentials were not provided."}))
    assert cli("status", "17")[::2] == (
        2,
        "This needs your API token: pass --token or XACLE_TOKEN.\n",
    )


@pytest.mark.parametrize("code", [401, 403])
def test_a_refused_token_says_check_your_token(api, cli, code):
    api.on("GET", ONE, Answer(code, {"detail": "Invalid token."}))
    status, _, err = cli("status", "17")
    assert status == 2
    assert err == (
        "The server refused your token (Invalid token); check your token "
        "(--token or XACLE_TOKEN).\n"
    )
    assert api.requests[0].headers["Authorization"] == "Token alices-token"


def test_a_404_names_what_was_not_found(api, cli):
    status, _, err = cli("status", "17")
    assert (status, err) == (2, f"Not found on {api.url}: submission 17 of your team.\n")
    status, _, err = cli("leaderboard", "--competition", "nope", "--phase", "test")
    assert "a competition 'nope' with a test phase" in err
    status, _, err = cli("leaderboard", "--split", "private")
    assert err.rstrip().endswith("with a validation phase and a split 'private'.")


def test_a_server_failure_is_one_line_without_the_html(api, cli):
    api.on("GET", ONE, Answer(500, "<html><body>Server Error (500)</body></html>"))
    status, out, err = cli("status", "17")
    assert (status, out) == (2, "")
    assert err == "The server failed (500 Internal Server Error); try again later.\n"


def test_a_refused_connection_is_one_line(cli, closed_port):
    status, _, err = cli("status", "17", "--url", f"http://127.0.0.1:{closed_port}")
    assert status == 2
    assert err == (
        f"Could not connect to http://127.0.0.1:{closed_port} (connection refused): "
        "is the server up, and are --url or XACLE_URL right?\n"
    )


def test_a_server_that_does_not_answer_in_time_is_one_line(api, cli):
    api.on("GET", ONE, Answer(body=scored(), delay=0.5))
    status, _, err = cli("status", "17", timeout=0.1)
    assert (status, err) == (2, f"{api.url} did not answer within 0.1 s; try again later.\n")


def test_an_answer_that_is_not_json_is_one_line(api, cli):
    api.on("GET", ONE, Answer(200, "<html>a router's login page</html>"))
    status, _, err = cli("status", "17")
    assert status == 2 and "did not answer as the competition's API does" in err


def test_an_answer_of_the_wrong_shape_is_one_line(api, cli):
    api.on("GET", ONE, Answer(200, [1, 2]))
    status, _, err = cli("status", "17")
    assert status == 2 and "did not answer as the competition's API does" in err


def test_a_redirected_upload_is_not_sent_on_as_a_read(api, cli, predictions):
    moved = "https://xacle.example.org" + SUBMIT
    api.on("POST", SUBMIT, Answer(301, "", {"Location": moved}))
    status, _, err = cli("submit", predictions, "--system", "A_01")
    assert status == 2 and len(api.requests) == 1
    assert (
        err == f"The server redirected the request to {moved}; point --url (or XACLE_URL) there.\n"
    )


def test_throttled_requests_wait_as_asked_and_go_again(api, cli, predictions):
    api.on(
        "POST",
        SUBMIT,
        Answer(429, {"detail": "Request was throttled."}, {"Retry-After": "3"}),
        Answer(429, {"detail": "Request was throttled."}, {"Retry-After": "1"}),
        Answer(201, scored(status="queued", scores=[])),
    )
    status, out, err = cli("submit", predictions, "--system", "A_01")
    assert (status, out) == (0, "17\n")
    assert cli.slept == [3.0, 1.0]
    assert err.count("Throttled by the server") == 2
    assert [r.method for r in api.requests] == ["POST"] * 3


def test_throttling_that_does_not_end_is_one_line(api, cli):
    api.on("GET", ONE, Answer(429, {}, {"Retry-After": "2"}))
    status, _, err = cli("status", "17", retries=2)
    assert status == 2 and len(api.requests) == 3 and cli.slept == [2.0, 2.0]
    assert err.endswith("The server is throttling your requests; try again in 2 s.\n")


def test_a_wait_longer_than_the_limit_is_not_waited(api, cli):
    api.on("GET", ONE, Answer(429, {}, {"Retry-After": "86400"}))
    status, _, err = cli("status", "17")
    assert (status, cli.slept, len(api.requests)) == (2, [], 1)
    assert "try again in 86400 s" in err


def test_retry_after_reads_seconds_and_dates():
    assert retry_after("7") == 7.0
    assert retry_after(None) == 1.0 and retry_after("soon") == 1.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_waiting_gives_up_after_the_timeout(api):
    api.on("GET", ONE, Answer(body=scored(status="scoring", scores=[])))
    with pytest.raises(ApiError, match="still scoring after 0 s; follow it with: .* status 17"):
        Client(api.url).wait(17, timeout=0)


def test_an_unreadable_file_or_no_competition_is_one_line(cli, api, tmp_path, monkeypatch):
    status, _, err = cli("submit", str(tmp_path / "missing.csv"), "--system", "A")
    assert status == 2
    assert err.endswith("missing.csv: cannot be read (No such file or directory).\n")
    monkeypatch.delenv("XACLE_COMPETITION")
    two = [{"slug": "xacle", "title": "X"}, {"slug": "other", "title": "O"}]
    api.on("GET", "/api/competitions/", Answer(body=two))
    status, _, err = cli("leaderboard")
    assert status == 2 and err.startswith("Name the competition: pass --competition SLUG")
    assert "this server has: xacle, other" in err


def test_the_servers_only_competition_needs_no_name(cli, api, monkeypatch):
    monkeypatch.delenv("XACLE_COMPETITION")
    api.on("GET", "/api/competitions/", Answer(body=[{"slug": "solo", "title": "S"}]))
    api.on("GET", "/api/competitions/solo/phases/validation/sample_submission/",
           Answer(body=b"wav_file_name,prediction_score\n"))  # fmt: skip
    status, out, _ = cli("sample")
    assert status == 0 and out.startswith("wav_file_name,prediction_score")


@pytest.mark.parametrize("url", ["xacle.example.org", "file:///etc/passwd", "http//x", "http:x"])
def test_an_address_that_is_not_a_web_servers_is_one_line(cli, url):
    status, _, err = cli("status", "17", "--url", url)
    assert status == 2
    assert err == f"{url!r} is not a server's address; give one like https://xacle.example.org.\n"


def test_a_submit_carries_an_idempotency_key_and_retries_a_5xx_with_the_same_one(
    api, cli, predictions
):
    api.on(
        "POST",
        SUBMIT,
        Answer(502, "<html>Bad Gateway</html>"),
        Answer(503, {"errors": ["The server is busy for a moment."]}),
        Answer(200, scored(status="queued", scores=[])),  # the replay of a stored submit
    )
    status, out, err = cli("submit", predictions, "--system", "A_01")
    assert (status, out) == (0, "17\n")
    keys = [r.headers.get("Idempotency-Key") for r in api.requests]
    assert len(keys) == 3 and keys[0] and len(set(keys)) == 1
    assert cli.slept == [1.0, 2.0] and err.count("Trying again") == 2


def test_a_dropped_connection_on_submit_is_retried_with_the_same_key(
    api, cli, predictions, closed_port, monkeypatch
):
    from xacle_cli import api as client_module

    real_send, calls = client_module.Client._send, []

    def flaky(self, *args, **kwargs):
        calls.append(args[-1])  # the extra headers, with the key
        if len(calls) == 1:
            raise self._unreachable(ConnectionResetError("Connection reset by peer"))
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(client_module.Client, "_send", flaky)
    api.on("POST", SUBMIT, Answer(201, scored(status="queued", scores=[])))
    status, out, _ = cli("submit", predictions, "--system", "A_01")
    assert (status, out) == (0, "17\n")
    assert calls[0] == calls[1] and calls[0]["Idempotency-Key"]


def test_two_submits_never_share_a_key(api, cli, predictions):
    api.on("POST", SUBMIT, Answer(201, scored(status="queued", scores=[])))
    cli("submit", predictions, "--system", "A_01")
    cli("submit", predictions, "--system", "A_01")
    keys = {r.headers.get("Idempotency-Key") for r in api.requests}
    assert len(keys) == 2


def test_reads_are_not_retried_on_a_5xx(api, cli):
    api.on("GET", ONE, Answer(503, {"errors": ["busy"]}))
    assert cli("status", "17")[0] == 2 and len(api.requests) == 1
