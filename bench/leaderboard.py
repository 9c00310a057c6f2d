"""The leaderboard with 1,000 teams and 20,000 submissions on PostgreSQL (budget: the by-team
view and the first 100-row page of the by-system view each <= 50 ms, and each no more than 2x
its time with 1,000 submissions — the reference, measured in the same run).

    .venv/bin/python bench/leaderboard.py
"""

import statistics
import tempfile
import time

import harness
import numpy as np

N_TEAMS, SMALL, LARGE = 1000, 1000, 20000


def main():
    harness.setup_django("xacle_bench_leaderboard", tempfile.mkdtemp())
    from django.db import connection

    from competition.models import Team

    phase, _ = harness.make_phase(10)
    split = phase.splits.get()
    teams = Team.objects.bulk_create(
        Team(competition=phase.competition, name=f"team{i:04d}") for i in range(N_TEAMS)
    )
    rng = np.random.default_rng(3)
    _add(phase, split, teams, SMALL, rng, 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    small = _time(phase, split)
    _add(phase, split, teams, LARGE - SMALL, rng, SMALL)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = _time(phase, split)
    print(f"leaderboard, {N_TEAMS} teams (median of 30 builds)")
    for view in ("by team", "by system, first 100"):
        ratio = large[view] / small[view]
        ok = large[view] <= 0.050 and ratio <= 2
        print(
            f"  {view:<22} {SMALL:>6} submissions {small[view] * 1e3:6.1f} ms | "
            f"{LARGE:>6} submissions {large[view] * 1e3:6.1f} ms | ratio {ratio:.2f}x "
            f"({'met' if ok else 'MISSED'})"
        )


def _add(phase, split, teams, count, rng, offset):
    from competition import standings
    from competition.models import Score, Submission

    submissions = Submission.objects.bulk_create(
        [
            Submission(
                team=teams[int(rng.integers(len(teams)))],
                phase=phase,
                system_name=f"sys{int(rng.integers(5))}",
                original_filename="x.csv",
                file=f"bench/{offset + i}.csv",
                predictions=b"",
                status=Submission.SCORED,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    Score.objects.bulk_create(
        [
            Score(
                submission=s,
                split=split,
                srcc=float(rng.uniform(0, 0.7)),
                lcc=float(rng.uniform(0, 0.7)),
                ktau=float(rng.uniform(0, 0.5)),
                mse=float(rng.uniform(2, 10)),
                n=10,
            )
            for s in submissions
        ],
        batch_size=2000,
    )
    standings.rebuild(phase)


def _time(phase, split) -> dict[str, float]:
    from competition import leaderboard

    views = {
        "by team": lambda: leaderboard.build(phase, split, "team"),
        "by system, first 100": lambda: leaderboard.build(phase, split, "system", limit=100),
    }
    result = {}
    for name, build in views.items():
        build()
        times = []
        for _ in range(30):
            start = time.perf_counter()
            build()
            times.append(time.perf_counter() - start)
        result[name] = statistics.median(times)
    return result


if __name__ == "__main__":
    main()
