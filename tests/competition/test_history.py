"""Score history charts: per system on My submissions (any metric), the best score on the
leaderboard; SVG made on the server, with a text alternative and a table; a hidden split's
numbers never enter a chart before the reveal."""

import io
import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from competition import svgchart
from competition.models import Phase, Submission
from tests.factories import truth_of

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def at(submission, hours):
    Submission.objects.filter(pk=submission.pk).update(submitted_at=T0 + timedelta(hours=hours))


def noisy(phase, scale, seed):
    truth = truth_of(phase)
    return truth + np.random.default_rng(seed).normal(0, scale, len(truth))


def history_section(page: str) -> str:
    return page.split('id="history-heading"', 1)[1].split("<h2>Submissions</h2>", 1)[0]


def test_my_submissions_charts_each_system_over_time(
    as_alice, aurora, borealis, validation, scored_submission
):
    first = scored_submission(validation, aurora, "Aurora_01", noisy(validation, 3, 1))
    second = scored_submission(validation, aurora, "Aurora_01", noisy(validation, 1.5, 2))
    scored_submission(validation, aurora, "Aurora_02", noisy(validation, 2, 3))
    rival = scored_submission(validation, borealis, "Borealis_01", noisy(validation, 0.01, 4))
    scored_submission(validation, borealis, "Base", noisy(validation, 1, 5), baseline=True)
    at(first, 0), at(second, 5)
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    section = history_section(page)
    assert section.count("<svg") == 2  # one chart per system
    assert 'role="img"' in section and "<title" in section and "<desc" in section
    assert "Aurora_01: SRCC on the validation split all over time" in section
    # The table view gives the same numbers.
    for submission in (first, second):
        assert f"{submission.scores.get().srcc:.4f}" in section
    assert "2026-05-01 12:00" in section and "2026-05-01 17:00" in section
    # The phase's best (another team's) and the baseline are drawn as lines.
    assert ">best</text>" in section and ">baseline</text>" in section
    assert f"Best of the phase: {rival.scores.get().srcc:.4f}" in section


def test_any_metric_can_be_chosen(as_alice, aurora, validation, scored_submission):
    submission = scored_submission(validation, aurora)
    mse = submission.scores.get().mse
    page = as_alice.get("/c/xacle/submissions/?metric=mse").content.decode()
    section = history_section(page)
    assert "Aurora_01: MSE on the validation" in section and f"{mse:.4f}" in section
    # An unknown metric falls back to SRCC.
    page = as_alice.get("/c/xacle/submissions/?metric=nonsense").content.decode()
    assert "Aurora_01: SRCC on the validation" in history_section(page)


def test_a_hidden_splits_numbers_never_enter_a_chart(
    as_alice, aurora, test_phase, scored_submission
):
    submission = scored_submission(test_phase, aurora)
    private = submission.scores.get(split__name="private")
    public = submission.scores.get(split__name="public")
    page = as_alice.get("/c/xacle/submissions/?metric=srcc").content.decode()
    section = history_section(page)
    assert "split public" in section and f"{public.srcc:.4f}" in section
    assert f"{private.srcc:.4f}" not in page
    # A leaderboard hidden as a whole: no chart of the test phase at all.
    Phase.objects.filter(pk=test_phase.pk).update(leaderboard=Phase.HIDDEN)
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    assert "<svg" not in page
    for score in submission.scores.all():
        assert f"{score.srcc:.4f}" not in page
    board = as_alice.get("/c/xacle/leaderboard/test/").content.decode()
    assert "<svg" not in board


def test_after_the_reveal_the_private_split_is_charted(
    as_alice, aurora, test_phase, scored_submission
):
    submission = scored_submission(test_phase, aurora)
    Phase.objects.filter(pk=test_phase.pk).update(leaderboard=Phase.REVEALED)
    page = as_alice.get("/c/xacle/submissions/").content.decode()
    private = submission.scores.get(split__name="private")
    assert "split private" in history_section(page)
    assert f"{private.srcc:.4f}" in history_section(page)


def test_the_leaderboard_charts_the_best_score_over_time(
    anonymous, aurora, borealis, validation, scored_submission
):
    weak = scored_submission(validation, aurora, "Aurora_01", noisy(validation, 3, 1))
    strong = scored_submission(validation, borealis, "Borealis_01", noisy(validation, 0.2, 2))
    weaker = scored_submission(validation, aurora, "Aurora_02", noisy(validation, 4, 3))
    at(weak, 0), at(strong, 2), at(weaker, 4)
    page = anonymous.get("/c/xacle/leaderboard/validation/").content.decode()
    section = page.split('id="best-heading"', 1)[1]
    assert section.count("<svg") == 1
    table = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # Only the submissions that raised the best are steps of the line.
    assert table.count("<tr>") == 2
    assert f"{strong.scores.get().srcc:.4f}" in table and "Borealis" in table
    assert f"{weaker.scores.get().srcc:.4f}" not in table


def test_no_chart_without_scores(as_alice, aurora, validation):
    assert "<svg" not in as_alice.get("/c/xacle/submissions/").content.decode()
    assert "<svg" not in as_alice.get("/c/xacle/leaderboard/validation/").content.decode()


def test_labels_are_escaped_in_the_svg():
    chart = svgchart.Chart(
        '<script>alert("t")</script>',
        "a & b",
        "SRCC",
        [svgchart.Series("<b>x</b>", [(T0, 0.5), (T0 + timedelta(days=1), 0.6)])],
        [svgchart.Level('"><script>', 0.55)],
    )
    svg = svgchart.render(chart, "c1")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg


def test_points_are_placed_by_time_and_value():
    chart = svgchart.Chart(
        "t", "d", "SRCC", [svgchart.Series("s", [(T0, 0.2), (T0 + timedelta(days=2), 0.8)])]
    )
    svg = svgchart.render(chart, "c2")
    (a, b) = [tuple(map(float, p)) for p in re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', svg)]
    assert a[0] < b[0]  # later is further right
    assert a[1] > b[1]  # higher is further up
    assert svgchart.render(svgchart.Chart("t", "d", "SRCC", []), "c3") == ""


def test_late_and_disqualified_submissions_never_enter_a_chart_before_their_time(
    anonymous, as_alice, aurora, borealis, validation, scored_submission
):
    from django.core.management import call_command

    from competition import standings

    weak = scored_submission(validation, aurora, "Aurora_01", noisy(validation, 3, 1))
    cheat = scored_submission(validation, borealis, "Borealis_01", noisy(validation, 0.1, 2))
    late = scored_submission(validation, aurora, "Aurora_late", noisy(validation, 0.2, 3))
    Submission.objects.filter(pk=late.pk).update(is_late=True)
    at(weak, 0), at(cheat, 2), at(late, 4)
    standings.rebuild(validation)
    call_command(
        "disqualify",
        competition="xacle",
        submission=cheat.pk,
        reason="Copied.",
        stdout=io.StringIO(),
    )
    board = anonymous.get("/c/xacle/leaderboard/validation/").content.decode()
    best = board.split('id="best-heading"', 1)[1].split("</tbody>", 1)[0]
    assert "Borealis" not in best and f"{late.scores.get().srcc:.4f}" not in best
    assert f"{weak.scores.get().srcc:.4f}" in best
    mine = history_section(as_alice.get("/c/xacle/submissions/").content.decode())
    assert "Aurora_01" in mine and "Aurora_late" not in mine
