"""Scoring cost against a team's history: 2,000 submissions of one team, scored one at a
time as the workers do, first all to one system, then each to a system of its own (budget:
the last 100 cost at most 1.5x the first 100, in both).

The reference, in the same run: the first 100. Beside it, the cost of recomputing the
team's standings from its whole history, which is what every new score cost before
standings were folded in incrementally.

    BENCH_REDIS=redis://127.0.0.1:6379/N .venv/bin/python bench/standings.py
"""

import io
import tempfile
import time

import harness
import numpy as np

N_ITEMS, N_SUBMISSIONS, WINDOW = 1000, 2000, 100


def main():
    harness.setup_django("xacle_bench_standings", tempfile.mkdtemp())
    from competition import tasks

    tasks.enqueue = lambda ids: 0  # scored here, one at a time
    phase, means = harness.make_phase(N_ITEMS)
    rng = np.random.default_rng(1)
    files = [harness.submission_csv(phase, means + rng.normal(0, 2, N_ITEMS)) for _ in range(50)]
    print(f"scoring {N_SUBMISSIONS} submissions of one team ({N_ITEMS} pairs each)")
    for label, system in [("to one system", lambda i: "sys"),
                          ("each to a new system", lambda i: f"sys{i}")]:  # fmt: skip
        _run(phase, files, label, system)


def _run(phase, files, label, system):
    from competition import scorer, standings
    from competition.models import Team
    from competition.submitting import submit

    team = Team.objects.create(competition=phase.competition, name=label)
    ids = [
        submit(phase, team, system(i), io.BytesIO(files[i % 50]), check_open=False).pk
        for i in range(N_SUBMISSIONS)
    ]
    costs = []
    for submission_id in ids:
        start = time.perf_counter()
        scorer.score_submission(submission_id)
        costs.append(time.perf_counter() - start)
    first, last = np.mean(costs[:WINDOW]), np.mean(costs[-WINDOW:])
    start = time.perf_counter()
    standings.refresh_teams({(team.pk, phase.pk)})
    full = time.perf_counter() - start
    print(f"  {label}: first {WINDOW} {first * 1e3:.2f} ms each, last {WINDOW} "
          f"{last * 1e3:.2f} ms each; ratio {last / first:.2f}x "
          f"(budget <= 1.5x: {'met' if last / first <= 1.5 else 'MISSED'}); a full "
          f"recomputation of the team: {full * 1e3:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
