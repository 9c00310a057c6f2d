"""Submit-to-scored latency through Redis, a real Celery worker and PostgreSQL: 200
sequential submissions of a 3,000-pair validation file (budget: p50 <= 60 ms, p99 <= 250 ms).

The reference, in the same run: the same submit + score done in this process, with no broker
and no worker; the ratio is what the distributed path costs on top.

    .venv/bin/python bench/submit_latency.py
"""

import io
import tempfile
import time
from pathlib import Path

import harness
import numpy as np

N_ITEMS, N_SUBMISSIONS = 3000, 200


def main():
    var = tempfile.mkdtemp()
    env = harness.setup_django("xacle_bench_latency", var)
    from competition import scorer
    from competition.models import Submission, Team
    from competition.submitting import submit

    phase, means = harness.make_phase(N_ITEMS)
    team = Team.objects.create(competition=phase.competition, name="bench")
    rng = np.random.default_rng(1)
    files = [harness.submission_csv(phase, means + rng.normal(0, 2, N_ITEMS)) for _ in range(20)]

    # Reference: everything in this process, no broker, no worker.
    import competition.tasks as tasks

    real_enqueue = tasks.enqueue
    tasks.enqueue = lambda ids: 0
    local = []
    for i in range(50):
        start = time.perf_counter()
        submission = submit(phase, team, f"local{i}", io.BytesIO(files[i % 20]))
        scorer.score_submission(submission.pk)
        local.append(time.perf_counter() - start)
    tasks.enqueue = real_enqueue

    worker = harness.start_worker(env, Path(var) / "worker.log")
    try:
        for i in range(5):  # warm the worker's truth cache and connections
            _round_trip(submit, phase, team, f"warm{i}", files[i], Submission)
        latencies = [
            _round_trip(submit, phase, team, f"sys{i}", files[i % 20], Submission)
            for i in range(N_SUBMISSIONS)
        ]
    finally:
        worker.terminate()
        worker.wait(30)
    p50, p99 = harness.percentile(latencies, 50), harness.percentile(latencies, 99)
    ref50 = harness.percentile(local, 50)
    print(f"submit-to-scored over {N_SUBMISSIONS} submissions of {N_ITEMS} pairs")
    print(f"  through Redis + worker + PostgreSQL: p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms")
    print(f"  reference, in one process:           p50 {ref50 * 1e3:.1f} ms")
    print(f"  ratio p50 distributed / in-process:  {p50 / ref50:.2f}x")
    print(f"  budget: p50 <= 60 ms ({'met' if p50 <= 0.060 else 'MISSED'}), "
          f"p99 <= 250 ms ({'met' if p99 <= 0.250 else 'MISSED'})")  # fmt: skip


def _round_trip(submit, phase, team, name, body, Submission) -> float:
    """From the upload to the worker's scored_at stamp (same clock, same machine), so that
    this process's polling does not count, nor slow the worker down by much."""
    start = time.time()
    submission = submit(phase, team, name, io.BytesIO(body))
    status = Submission.objects.filter(pk=submission.pk).values_list("status", "scored_at")
    while (row := status[0])[0] not in (Submission.SCORED, Submission.FAILED):
        time.sleep(0.005)
    return row[1].timestamp() - start


if __name__ == "__main__":
    main()
