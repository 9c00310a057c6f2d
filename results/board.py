"""What the results add to a leaderboard page (answering competition's
`leaderboard_extras`): the SRCC interval and leader-group marker per row, and the human
ceiling as a reference line. Read from the stored analysis only."""

from competition.access import is_organizer, may_see_results
from competition.models import Phase
from results.models import Analysis

GROUP_NOTE = (
    "The interval is the 95% bootstrap confidence interval of SRCC (1,000 resamples of the "
    "pairs); ● marks the systems whose SRCC is not significantly below the leader's "
    "(each comes out at least as good as the leader in 2.5% or more of the resamples)."
)


def shows_intervals(phase: Phase, user) -> bool:
    """On the revealed test leaderboard for everyone; on any analysed board for organizers."""
    revealed_test = phase.kind == Phase.TEST and phase.leaderboard == Phase.REVEALED
    return revealed_test or is_organizer(user)


def extras(board, user, offset: int = 0) -> dict:
    if board.hidden and not is_organizer(user):
        return {}
    analysis = Analysis.objects.filter(split=board.split).first()
    if analysis is None:
        return {}
    found: dict = {}
    ceiling = analysis.ceiling
    if ceiling is not None and may_see_results(board.phase, user):
        rows = board.rows
        position = next((i for i, r in enumerate(rows) if r.srcc < ceiling["srcc"]), len(rows))
        # The line stands among the rows where its SRCC falls, on the page that holds it.
        on_page = (position > 0 or offset == 0) and (
            position < len(rows) or offset + len(rows) >= board.total
        )
        found["ceiling"] = ceiling
        found["ceiling_position"] = position if on_page else -1
    if shows_intervals(board.phase, user):
        intervals = {iv.submission_id: iv for iv in analysis.systems.all()}
        if intervals:
            found["intervals"] = intervals
            found["intervals_note"] = GROUP_NOTE
            found["analysis"] = analysis
    return found
