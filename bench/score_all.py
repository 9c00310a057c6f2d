"""`score_all --sync` over 2,000 stored 3,000-pair submissions on PostgreSQL (budget: >= 500
submissions per second).

The reference, in the same run: computing the same metrics with `scoring` alone, no database;
the ratio is what reading and writing PostgreSQL costs on top.

    .venv/bin/python bench/score_all.py
"""

import tempfile
import time

import harness
import numpy as np

N_ITEMS, N_SUBMISSIONS = 3000, 2000


def main():
    harness.setup_django("xacle_bench_score_all", tempfile.mkdtemp())
    from django.core.management import call_command

    import scoring
    from competition.models import Submission, Team

    phase, means = harness.make_phase(N_ITEMS)
    team = Team.objects.create(competition=phase.competition, name="bench")
    rng = np.random.default_rng(2)
    predictions = [means + rng.normal(0, 2, N_ITEMS) for _ in range(N_SUBMISSIONS)]
    Submission.objects.bulk_create(
        [
            Submission(
                team=team,
                phase=phase,
                system_name=f"sys{i}",
                original_filename="x.csv",
                file=f"bench/{i}.csv",
                predictions=p.tobytes(),
            )
            for i, p in enumerate(predictions)
        ],
        batch_size=500,
    )

    start = time.perf_counter()
    prepared = scoring.prepare(means)
    for p in predictions:
        prepared.evaluate(p)
    reference = time.perf_counter() - start

    start = time.perf_counter()
    call_command("score_all", competition=phase.competition.slug, sync=True)
    elapsed = time.perf_counter() - start
    scored = Submission.objects.filter(status=Submission.SCORED).count()
    rate = scored / elapsed
    print(f"score_all --sync: {scored} submissions of {N_ITEMS} pairs in {elapsed:.2f} s")
    print(f"  {rate:.0f} submissions/s ({'met' if rate >= 500 else 'MISSED'}: budget >= 500/s)")
    print(f"  reference, metrics alone: {N_SUBMISSIONS / reference:.0f} submissions/s")
    print(f"  ratio score_all / metrics alone: {elapsed / reference:.2f}x the time")


if __name__ == "__main__":
    main()
