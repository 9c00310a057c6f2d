"""The client reads the server's `code`: a closed phase, a phase not open yet and a spent
quota print the server's message and exit 2 at once; only a throttle's 429 (no code, a
Retry-After of at most 60 s) is waited out. Selecting finals: select / unselect."""

from __future__ import annotations

import pytest

from tests.xacle_cli.canned import scored
from tests.xacle_cli.fake_server import Answer

SUBMIT = "/api/competitions/xacle/phases/validation/submissions/"


@pytest.mark.parametrize(
    "status, code, message, headers",
    [
        (403, "phase_closed", "The test phase closed at 2026-01-31 23:59 UTC.", {}),
        (403, "phase_not_open", "The validation phase opens at 2026-02-01 00:00 UTC.", {}),
        (
            429,
            "quota_exceeded",
            "Your team has made its 3 submissions to the validation phase for today (UTC); "
            "the next one is possible at 2026-03-02 00:00 UTC.",
            {"Retry-After": "30"},
        ),
        (429, "quota_exceeded", "Your team has made all 5 submissions the phase allows.", {}),
    ],
)
def test_a_refusal_with_a_code_prints_the_message_and_is_not_retried(
    api, cli, predictions, status, code, message, headers
):
    api.on("POST", SUBMIT, Answer(status, {"errors": [message], "code": code}, headers))
    result, out, err = cli("submit", predictions, "--system", "A_01")
    assert (result, out, err) == (2, "", message + "\n")
    assert len(api.requests) == 1 and cli.slept == []
    assert "token" not in err


def test_a_throttle_asking_for_more_than_a_minute_is_not_waited_out(api, cli, predictions):
    api.on("POST", SUBMIT, Answer(429, {"detail": "Throttled."}, {"Retry-After": "61"}))
    result, _, err = cli("submit", predictions, "--system", "A_01")
    assert result == 2 and cli.slept == [] and len(api.requests) == 1
    assert "throttling your requests; try again in 61 s" in err


def test_a_throttle_of_a_minute_is_waited_out(api, cli, predictions):
    api.on(
        "POST",
        SUBMIT,
        Answer(429, {"detail": "Throttled."}, {"Retry-After": "60"}),
        Answer(201, scored(status="queued", scores=[])),
    )
    assert cli("submit", predictions, "--system", "A_01")[0] == 0
    assert cli.slept == [60.0]


def test_submit_says_what_is_left(api, cli, predictions):
    quota = {"per_day": 3, "total": None, "used_today": 1, "used_total": 1, "extra": 0,
             "left_today": 2, "left_total": None, "left": 2, "next_at": None}  # fmt: skip
    api.on("POST", SUBMIT, Answer(201, scored(status="queued", scores=[], quota=quota)))
    status, out, err = cli("submit", predictions, "--system", "A_01")
    assert (status, out) == (0, "17\n")
    assert err == "Submissions left: 2 of 3 today (UTC).\n"


def test_select_and_unselect(api, cli):
    api.on("POST", "/api/submissions/17/select/", Answer(200, scored(final=True)))
    api.on("POST", "/api/submissions/17/unselect/", Answer(200, scored(final=False)))
    assert cli("select", "17") == (0, "Submission 17 (Aurora_01) is now final.\n", "")
    assert cli("unselect", "17") == (0, "Submission 17 (Aurora_01) is no longer final.\n", "")
    assert [r.method for r in api.requests] == ["POST", "POST"]


def test_a_refused_selection_prints_the_reason(api, cli):
    reason = "Your team has selected 4 final submissions, the most the test phase allows; ..."
    api.on(
        "POST",
        "/api/submissions/17/select/",
        Answer(409, {"errors": [reason], "code": "selection_refused"}),
    )
    assert cli("select", "17") == (2, "", reason + "\n")


def test_phase_shows_the_state_the_quota_and_the_finals(api, cli):
    api.on(
        "GET",
        "/api/competitions/xacle/phases/test/",
        Answer(
            200,
            {
                "kind": "test", "state": "open", "opens_at": "2026-01-01T00:00:00Z",
                "closes_at": "2026-01-31T23:59:00Z",
                "quota": {"per_day": 3, "total": None, "used_today": 3, "used_total": 3,
                          "extra": 0, "left_today": 0, "left_total": None, "left": 0,
                          "next_at": "2026-01-11T00:00:00Z"},
                "finals": {"max_final": 4, "selected": 1, "closes_at": "2026-01-31T23:59:00Z",
                           "open": True},
            },
        ),
    )  # fmt: skip
    status, out, _ = cli("phase", "--phase", "test")
    assert status == 0
    assert out.splitlines() == [
        "Test phase: open; opens 2026-01-01 00:00 UTC, closes 2026-01-31 23:59 UTC.",
        "Submissions left: 0 of 3 today (UTC). Next possible at 2026-01-11 00:00 UTC.",
        "Final submissions selected: 1 of 4 (selection open until 2026-01-31 23:59 UTC).",
    ]
