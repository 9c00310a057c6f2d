"""Which systems a phase's results are about, with both ranks: the one seam to the
leaderboard's ranking. The systems and their ranks are the leaderboard's own
(`competition.leaderboard`: once a phase with a final selection has closed, only the teams'
final systems, chosen or automatic; never a late or disqualified submission). Nothing
else here ranks.
"""

from dataclasses import dataclass
from datetime import datetime

from competition import leaderboard
from competition.models import Phase, Split


@dataclass(frozen=True)
class RankedSystem:
    team: str
    team_id: int
    system: str
    submission_id: int
    srcc: float
    lcc: float
    ktau: float
    mse: float
    n: int
    baseline: bool
    submitted_at: datetime
    system_rank: int | None  # None for a baseline
    team_rank: int | None  # the rank of the team's best system among teams

    @property
    def key(self) -> tuple[int, str]:
        return (self.team_id, self.system)


def deciding_split(phase: Phase) -> Split:
    """The split that decides the phase's ranks: the private part of a cut phase, else
    the whole phase."""
    splits = list(phase.splits.all())
    private = [s for s in splits if s.visibility == Split.PRIVATE]
    if len(splits) > 1 and private:
        return private[0]
    return splits[0]


def ranked_systems(phase: Phase, split: Split | None = None) -> list[RankedSystem]:
    """Every system of the phase on `split` (default: the deciding split), in board order,
    with its system rank and its team's rank. Read as an organizer: callers decide who
    may see the result."""
    split = split or deciding_split(phase)
    rows = leaderboard.build(phase, split, leaderboard.SYSTEM, organizer=True).rows
    # The board gives the team rank on the team's best system; every system of the team
    # carries it here.
    team_rank = {row.team_id: row.team_rank for row in rows if row.team_rank is not None}
    return [
        RankedSystem(
            team=row.team,
            team_id=row.team_id,
            system=row.system,
            submission_id=row.submission_id,
            srcc=row.srcc,
            lcc=row.lcc,
            ktau=row.ktau,
            mse=row.mse,
            n=row.n,
            baseline=row.baseline,
            submitted_at=row.submitted_at,
            system_rank=row.system_rank,
            team_rank=None if row.baseline else team_rank.get(row.team_id),
        )
        for row in rows
    ]
