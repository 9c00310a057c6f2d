"""The production layout across hosts (network namespaces, see cluster.py): uploads through
nginx to two web hosts, two worker hosts scoring, and hosts failing or cut off mid-burst.

Every scenario ends with the same check (`settle`): every upload that was answered 201 ends
`scored`, with the scores recomputed here from the file and the data set's ratings, each
status change and each score written once, and each participant's upload stored once
whatever the retries. The figures (per-host counts, recovery times) are printed at the end
and written to $XACLE_HOSTS_REPORT when set.
"""

import ast
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import scoring
from tests.integration import cluster as hosts
from tests.integration.conftest import _unavailable
from tests.integration.hosts_client import submission_csv, upload_body

REPORT: dict[str, dict] = {}
SUBMISSIONS = f"/api/competitions/{hosts.COMPETITION}/phases/validation/submissions/"


@pytest.fixture(scope="module")
def cluster():
    if os.geteuid() != 0:
        pytest.skip("the cluster tests make network namespaces (ip netns), which needs root")
    refused = hosts.netns_available()
    if refused:
        pytest.skip(refused)
    if not os.path.exists("/usr/sbin/nginx"):
        _unavailable("nginx is not installed (apt-get install nginx; .ci/run does)")
    with hosts.Cluster(n_items=200, clients=8) as built:
        REPORT["setup"] = {"seconds": round(built.timings["ready"], 1)}
        yield built
    _write_report()


@pytest.fixture
def healthy(cluster, request):
    """Each scenario starts from the whole cluster up, and leaves it so."""
    started = time.monotonic()
    _restore(cluster)
    yield cluster
    _restore(cluster)
    REPORT.setdefault("test_seconds", {})[request.node.name] = round(time.monotonic() - started, 1)


def _restore(cluster):
    for host in cluster.hosts:
        cluster.signal_host(host, signal.SIGCONT)
    cluster.redis_reachable(True)
    for host in hosts.WORKER_HOSTS:
        cluster.link(host, True)
    for host in hosts.WEB_HOSTS:
        if not cluster.pids(host):
            cluster.start_web(host)
    if "work3" in cluster.hosts and cluster.pids("work3"):
        cluster.signal_host("work3", signal.SIGTERM)
        deadline = time.monotonic() + 30
        while cluster.pids("work3") and time.monotonic() < deadline:
            time.sleep(0.1)
        cluster.signal_host("work3", signal.SIGKILL)


def _write_report():
    text = json.dumps(REPORT, indent=2, sort_keys=True)
    print("\nhosts report:\n" + text)
    if os.environ.get("XACLE_HOSTS_REPORT"):
        Path(os.environ["XACLE_HOSTS_REPORT"]).write_text(text)


# -- what every scenario checks ------------------------------------------------------------
def truth(cluster) -> dict[str, float]:
    path = cluster.dataset / "meta_data" / "validation_average.csv"
    with open(path) as handle:
        return {row["wav_file_name"]: float(row["average_score"]) for row in csv.DictReader(handle)}


def expected_scores(cluster, system: str) -> dict[int, scoring.Result]:
    """The scores a system's file must get on every split, computed here."""
    if not hasattr(cluster, "split_truth"):
        means = truth(cluster)
        rows = cluster.query(
            "SELECT s.id, i.wav_file_name FROM competition_split s "
            "JOIN competition_phase p ON p.id = s.phase_id "
            "JOIN competition_split_items si ON si.split_id = s.id "
            "JOIN competition_item i ON i.id = si.item_id "
            "WHERE p.kind = 'validation' ORDER BY i.wav_file_name"
        )
        members: dict[int, list[str]] = {}
        for split_id, wav in rows:
            members.setdefault(split_id, []).append(wav)
        cluster.split_truth = {
            split_id: (wavs, np.array([means[w] for w in wavs]))
            for split_id, wavs in members.items()
        }
    values = dict(zip(cluster.ids, _predictions(cluster, system), strict=True))
    return {
        split_id: scoring.evaluate(means, np.array([values[w] for w in wavs]))
        for split_id, (wavs, means) in cluster.split_truth.items()
    }


def _predictions(cluster, system: str) -> list[float]:
    body = submission_csv(system, cluster.ids).decode().splitlines()[1:]
    return [float(line.split(",")[1]) for line in body]


def settle(cluster, attempts: list[dict], timeout: float = 120) -> dict:
    """Wait until every accepted upload is scored and check the outcome (see the module's
    docstring); return per-host counts and when the last one was scored."""
    assert attempts, "the participants' programs made no request"
    uploads: dict[str, list[dict]] = {}
    for attempt in sorted(attempts, key=lambda a: (a["system"], a["attempt"])):
        uploads.setdefault(attempt["system"], []).append(attempt)
    unanswered = {s: a[-1] for s, a in uploads.items() if a[-1]["status"] not in (200, 201)}
    assert not unanswered, f"uploads never accepted: {list(unanswered.items())[:5]}"
    for system, tries in uploads.items():
        ids = {a["id"] for a in tries if a["status"] in (200, 201)}
        assert len(ids) == 1, f"{system} was answered with different submissions: {ids}"
        assert [a["status"] for a in tries].count(201) <= 1, f"{system} created twice: {tries}"
        assert len({a["key"] for a in tries}) == 1, f"{system} retried under another key"
    answered = {system: tries[-1]["id"] for system, tries in uploads.items()}

    stored = dict(
        cluster.query(
            "SELECT system_name, array_agg(id) FROM competition_submission "
            "WHERE system_name = ANY(%s) GROUP BY system_name",
            list(answered),
        )
    )
    twice = {system: ids for system, ids in stored.items() if len(ids) != 1}
    assert not twice, f"uploads stored more than once: {twice}"
    assert {system: ids[0] for system, ids in stored.items()} == answered

    wanted = list(answered.values())
    deadline = time.monotonic() + timeout
    while True:
        waiting = cluster.query(
            "SELECT id, status FROM competition_submission WHERE id = ANY(%s) "
            "AND status <> 'scored'",
            wanted,
        )
        if not waiting:
            break
        assert time.monotonic() < deadline, f"not scored within {timeout} s: {waiting[:10]}"
        time.sleep(0.2)

    stored_scores: dict[int, dict[int, tuple]] = {}
    for submission_id, split_id, *values in cluster.query(
        "SELECT submission_id, split_id, srcc, lcc, ktau, mse, n FROM competition_score "
        "WHERE submission_id = ANY(%s)",
        wanted,
    ):
        stored_scores.setdefault(submission_id, {})[split_id] = tuple(values)
    for system, submission_id in answered.items():
        want = expected_scores(cluster, system)
        got = stored_scores.get(submission_id, {})
        assert set(got) == set(want), f"{system}: scores on splits {set(got)}, not {set(want)}"
        for split_id, result in want.items():
            assert got[split_id] == pytest.approx(
                (result.srcc, result.lcc, result.ktau, result.mse, result.n), rel=1e-9, abs=1e-12
            ), system

    audit = cluster.query(
        "SELECT submission_id, what, split_id, status, host(client), at FROM hosts_audit "
        "WHERE submission_id = ANY(%s)",
        wanted,
    )
    scored = [row for row in audit if row[1] == "update" and row[3] == "scored"]
    per_submission: dict[int, int] = {}
    for row in scored:
        per_submission[row[0]] = per_submission.get(row[0], 0) + 1
    assert {k: v for k, v in per_submission.items() if v != 1} == {}, "scored more than once"
    writes: dict[tuple, int] = {}
    for row in audit:
        if row[1] == "score":
            writes[row[0], row[2]] = writes.get((row[0], row[2]), 0) + 1
    assert {k: v for k, v in writes.items() if v != 1} == {}, "a score written twice"

    web = _count(cluster, [row[4] for row in audit if row[1] == "insert"])
    workers = _count(cluster, [row[4] for row in scored])
    return {
        "uploads": len(answered),
        "web": web,
        "workers": workers,
        "scored_by": {row[0]: (cluster.host_of(row[4]), row[5].timestamp()) for row in scored},
        "last_scored": max(row[5].timestamp() for row in scored),
    }


def _count(cluster, addresses) -> dict[str, int]:
    counts: dict[str, int] = {}
    for client in addresses:
        host = cluster.host_of(client)
        counts[host] = counts.get(host, 0) + 1
    return dict(sorted(counts.items()))


def failed(attempts) -> list[dict]:
    return [a for a in attempts if a["status"] not in (200, 201)]


def scored_by_since(cluster, host: str, since: float) -> int:
    return cluster.query(
        "SELECT count(*) FROM hosts_audit WHERE what = 'update' AND status = 'scored' "
        "AND host(client) = %s AND at > to_timestamp(%s)",
        hosts.address(host),
        since,
    )[0][0]


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.1)
    return value


# -- the scenarios ---------------------------------------------------------------------------
def test_uploads_through_the_balancer_for_30_s_keep_both_web_and_both_worker_hosts_busy(healthy):
    cluster = healthy
    started = time.time()
    attempts = cluster.clients("burst", 30).wait()
    assert failed(attempts) == []
    outcome = settle(cluster, attempts)
    assert set(outcome["web"]) == {"web1", "web2"}, outcome["web"]
    assert set(outcome["workers"]) == {"work1", "work2"}, outcome["workers"]
    # The balancer's own log says the same: both upstreams answered.
    upstreams = re.findall(r"upstream=(\S+)", cluster.log_text("lb", "logs/access"))
    assert {hosts.address(h) + ":8000" for h in hosts.WEB_HOSTS} <= set(upstreams)
    seconds = time.time() - started
    REPORT["burst"] = {
        "uploads": outcome["uploads"],
        "uploads_per_s": round(outcome["uploads"] / 30, 1),
        "web": outcome["web"],
        "workers": outcome["workers"],
        "all_scored_after_s": round(outcome["last_scored"] - started, 1),
        "seconds": round(seconds, 1),
    }


def test_a_worker_host_cut_off_mid_burst_has_its_tasks_scored_elsewhere_and_rejoins(healthy):
    cluster = healthy
    stop = cluster.base / "stop-cut"
    load = cluster.clients("cut", 300, clients=4, stop_file=stop)
    try:
        since = time.time()
        wait_until(lambda: scored_by_since(cluster, "work1", since), 60, "work1 scoring")
        held = freeze_with_tasks_in_hand(cluster, "work1")
        cut = time.time()
        cluster.link("work1", False)
        cluster.signal_host("work1", signal.SIGCONT)

        # Its unacknowledged tasks come back to the queue and another host scores them.
        def taken_over():
            rows = cluster.query(
                "SELECT submission_id, host(client), at FROM hosts_audit WHERE what = 'update' "
                "AND status = 'scored' AND submission_id = ANY(%s)",
                list(held),
            )
            return rows if len(rows) == len(held) else None

        rows = wait_until(taken_over, 60, "work1's tasks scored elsewhere")
        for submission_id, client, at in rows:
            before_cut = client == hosts.address("work1") and at.timestamp() < cut
            assert before_cut or client != hosts.address("work1"), (submission_id, client, at)
        taken = back = time.time()
        cluster.link("work1", True)
        wait_until(lambda: scored_by_since(cluster, "work1", back), 90, "work1 taking work again")
        rejoined = time.time()
    finally:
        stop.touch()
        cluster.link("work1", True)
    attempts = load.wait()
    assert failed(attempts) == []
    outcome = settle(cluster, attempts)
    REPORT["worker_cut"] = {
        "uploads": outcome["uploads"],
        "workers": outcome["workers"],
        "held_by_work1_at_cut": len(held),
        "held_tasks_scored_elsewhere_after_s": round(taken - cut, 1),
        "work1_scoring_again_after_link_up_s": round(rejoined - back, 1),
    }


def freeze_with_tasks_in_hand(cluster, host: str) -> dict[int, str]:
    """Stop every process of the host (SIGSTOP) at a moment it holds unacknowledged tasks
    of submissions not yet scored, outside any transaction, and return {submission id: task
    id} of those; the host stays stopped."""
    try:
        return _freeze(cluster, host)
    except BaseException:
        cluster.signal_host(host, signal.SIGCONT)
        raise


def _freeze(cluster, host: str) -> dict[int, str]:
    for _ in range(200):
        cluster.signal_host(host, signal.SIGSTOP)
        time.sleep(0.1)  # what it had sent reaches Redis and PostgreSQL
        log = cluster.log_text(host, "worker")
        received = set(re.findall(r"score_submission_task\[([0-9a-f-]+)\] received", log))
        ended = set(re.findall(r"score_submission_task\[([0-9a-f-]+)\] (?:succeeded|raised)", log))
        in_hand = received - ended
        unacked = {}
        for raw in cluster.redis().hvals("unacked"):
            headers = json.loads(raw)[0]["headers"]
            if headers["task"] == "competition.tasks.score_submission_task":
                unacked[headers["id"]] = ast.literal_eval(headers["argsrepr"])[0]
        held = {unacked[task]: task for task in in_hand if task in unacked}
        # Not in the middle of a transaction: rows it holds stay locked until PostgreSQL
        # ends its session (a minute), which is not what this scenario is about.
        in_transaction = cluster.query(
            "SELECT count(*) FROM pg_stat_activity WHERE client_addr = %s "
            "AND xact_start IS NOT NULL",
            hosts.address(host),
        )[0][0]
        if held and not in_transaction:
            done = cluster.query(
                "SELECT id FROM competition_submission WHERE id = ANY(%s) AND status = 'scored'",
                list(held),
            )
            for (submission_id,) in done:
                held.pop(submission_id)
            if held:
                return held
        cluster.signal_host(host, signal.SIGCONT)
        time.sleep(0.05)
    pytest.fail(f"{host} never held a task when looked at")


def test_a_web_host_killed_mid_burst_costs_only_its_requests_in_flight(healthy):
    cluster = healthy
    load = cluster.clients("kill", 10)
    time.sleep(4)
    killed = time.time()
    cluster.kill_web("web1")
    dead = time.time()
    attempts = load.wait()
    # Only requests that web1 had when it died failed; every one was retried with its key.
    lost = failed(attempts)
    late = [(a["system"], a["attempt"], a["status"], a["error"], round(a["start"] - dead, 3))
            for a in lost if a["start"] > dead]  # fmt: skip
    assert late == [], late
    outcome = settle(cluster, attempts)
    # lb sent everything to web2 once web1 was dead.
    after_kill = cluster.query(
        "SELECT host(client), count(*) FROM hosts_audit WHERE what = 'insert' "
        "AND at > to_timestamp(%s) GROUP BY 1",
        dead,
    )
    assert [cluster.host_of(client) for client, _ in after_kill] == ["web2"]
    # After the kill every request is answered: a new upload with 201, a retry of one that
    # web1 had stored before dying with 200 and that submission (settle checked which).
    after = [a for a in attempts if a["start"] > dead]
    assert after and all(a["status"] == 201 or (a["status"], a["attempt"] > 1) == (200, True)
                         for a in after)  # fmt: skip
    # The same request again under its key finds the submission; another request under the
    # same key is refused.
    done = next(a for a in attempts if a["status"] == 201)
    body, content_type = upload_body(done["system"], cluster.ids, done["key"])
    headers = {
        "Authorization": f"Token {cluster.tokens[done['client']]}",
        "Idempotency-Key": done["key"],
        "Content-Type": content_type,
    }
    status, _, answer = cluster.http("client", "lb", "POST", SUBMISSIONS, body, headers)
    assert (status, json.loads(answer)["id"]) == (200, done["id"])
    other, other_type = upload_body(done["system"] + "x", cluster.ids, done["key"])
    headers["Content-Type"] = other_type
    assert cluster.http("client", "lb", "POST", SUBMISSIONS, other, headers)[0] == 409
    recovered = max(
        (min(a["end"] for a in attempts if a["client"] == c and a["start"] > killed and
             a["status"] in (200, 201)) for c in {a["client"] for a in lost}),
        default=killed,
    )  # fmt: skip
    REPORT["web_killed"] = {
        "uploads": outcome["uploads"],
        "web": outcome["web"],
        "failed_requests_in_flight": len(lost),
        "retried_and_found": sum(
            1 for a in attempts if a["attempt"] > 1 and a["status"] in (200, 201)
        ),
        "clients_served_again_after_s": round(recovered - killed, 2),
    }


def test_uploads_keep_answering_while_redis_is_unreachable_for_20_s_and_all_are_scored(healthy):
    cluster = healthy
    load = cluster.clients("redis", 26, clients=2)
    time.sleep(4)
    cut = time.time()
    cluster.redis_reachable(False)
    try:
        time.sleep(20)
    finally:
        cluster.redis_reachable(True)
    back = time.time()
    attempts = load.wait()
    during = [a for a in attempts if cut <= a["start"] <= back]
    assert during, "no upload was made while Redis was away"
    assert failed(attempts) == []
    outcome = settle(cluster, attempts, timeout=120)
    REPORT["redis_unreachable"] = {
        "uploads": outcome["uploads"],
        "uploads_while_away": len(during),
        "slowest_answer_while_away_s": round(max(a["end"] - a["start"] for a in during), 2),
        "all_scored_after_redis_back_s": round(outcome["last_scored"] - back, 1),
        "workers": outcome["workers"],
    }


def test_a_third_worker_host_started_mid_run_takes_work_at_once(healthy):
    cluster = healthy
    stop = cluster.base / "stop-third"
    load = cluster.clients("third", 300, clients=2, stop_file=stop)
    try:
        time.sleep(1)
        started = time.time()
        cluster.start_worker("work3", wait=False)
        cluster.wait_worker("work3")
        ready = time.time()
        wait_until(lambda: scored_by_since(cluster, "work3", started), 60, "work3 scoring")
        first = time.time()
    finally:
        stop.touch()
    attempts = load.wait()
    assert failed(attempts) == []
    outcome = settle(cluster, attempts)
    assert outcome["workers"].get("work3", 0) >= 1
    REPORT["third_worker"] = {
        "uploads": outcome["uploads"],
        "workers": outcome["workers"],
        "ready_after_start_s": round(ready - started, 1),
        "first_score_after_ready_s": round(first - ready, 2),
    }


# -- the settings and storage the hosts share ------------------------------------------------
def login(cluster, from_host: str, to_host: str, username: str, password: str, port=80,
          forwarded_for: str | None = None):  # fmt: skip
    """Log in through the site's form: (status, session cookie or None)."""
    status, headers, page = cluster.http(from_host, to_host, "GET", "/accounts/login/", port=port)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    cookies = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie") or [])
    form = f"csrfmiddlewaretoken={token}&username={username}&password={password}".encode()
    extra = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    status, headers, _ = cluster.http(
        from_host, to_host, "POST", "/accounts/login/", form, port=port,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies,
                 "Referer": f"http://{to_host}/accounts/login/", **extra},
    )  # fmt: skip
    session = [c.split(";")[0] for c in headers.get_all("Set-Cookie") or [] if "sessionid" in c]
    return status, (session[0] if session else None)


def test_web_hosts_see_each_client_by_its_own_address_through_the_balancer(healthy):
    """X-Forwarded-For from lb, trusted for one proxy (TRUSTED_PROXIES=1): failed log-ins
    lock out the address they came from, not the balancer's, so another client behind the
    same balancer logs in; and an address a client writes into the header itself counts
    for nothing."""
    cluster = healthy
    limit = int(hosts.TEST_TUNING["LOGIN_FAILURE_LIMIT"])
    statuses = [login(cluster, "client", "lb", "p00", "wrong")[0] for _ in range(limit + 1)]
    assert statuses[: limit - 1] == [200] * (limit - 1) and statuses[-1] == 429, statuses
    # The address is locked out, for any name; claiming to be client2 does not lift it.
    forged = hosts.address("client2")
    assert login(cluster, "client", "lb", "p02", "wrong", forwarded_for=forged)[0] == 429
    # client2, behind the same balancer, is not locked out: a wrong password is just wrong,
    # the right one logs in.
    assert login(cluster, "client2", "lb", "p01", "wrong")[0] == 200
    status, session = login(cluster, "client2", "lb", "p01", "pw-p01-2026")
    assert status == 302 and session


def test_uploads_and_the_data_set_reach_every_web_host_through_the_shared_storage(healthy):
    """A file uploaded to one web host is served by the other, and the data set's audio
    by both: MEDIA_ROOT and the data set are one shared folder (a volume in compose)."""
    cluster = healthy
    token = cluster.guard_token
    made = {}
    for host in hosts.WEB_HOSTS:
        system = f"storage-{host}"
        body, content_type = upload_body(system, cluster.ids, f"key-{host}")
        headers = {"Authorization": f"Token {token}", "Content-Type": content_type}
        status, _, answer = cluster.http("client", host, "POST", SUBMISSIONS, body, headers,
                                         port=8000)  # fmt: skip
        assert status == 201, answer
        made[host] = (json.loads(answer)["id"], submission_csv(system, cluster.ids))
    for host, (submission_id, data) in made.items():
        other = next(h for h in hosts.WEB_HOSTS if h != host)
        status, _, served = cluster.http(
            "client", other, "GET", f"/api/submissions/{submission_id}/file/",
            headers={"Authorization": f"Token {token}"}, port=8000,
        )  # fmt: skip
        assert (status, served) == (200, data)
    _, session = login(cluster, "client2", "lb", "guard", "pw-guard-2026")
    wav = cluster.ids[0]
    on_disk = (cluster.dataset / "wav" / "validation" / wav).read_bytes()
    for host in hosts.WEB_HOSTS:
        status, _, served = cluster.http(
            "client2", host, "GET", f"/c/{hosts.COMPETITION}/data/wav/validation/{wav}",
            headers={"Cookie": session}, port=8000,
        )  # fmt: skip
        assert (status, served) == (200, on_disk)
    # Static files come from the balancer itself, not from a web host.
    status, _, served = cluster.http("client", "lb", "GET", "/static/site.css")
    assert (status, served) == (200, (hosts.ROOT / "static" / "site.css").read_bytes())
    assert "GET /static/site.css" in cluster.log_text("lb", "logs/access")
    assert "upstream=- " in cluster.log_text("lb", "logs/access")


# -- cleaning up -----------------------------------------------------------------------------
LINGER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from tests.integration import cluster
c = cluster.Cluster()
c.build_network(["web1"])
c.spawn("web1", "sleep", ["sleep", "600"])
print(c.run, flush=True)
try:
    with c:
        time.sleep(600)
except KeyboardInterrupt:
    pass
"""


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_a_cluster_is_removed_when_its_test_is_interrupted_or_killed(how):
    if os.geteuid() != 0 or hosts.netns_available():
        pytest.skip("needs ip netns (root)")
    process = subprocess.Popen(
        [sys.executable, "-c", LINGER, str(hosts.ROOT)], stdout=subprocess.PIPE, text=True
    )
    run = process.stdout.readline().strip()
    mine = [ns for ns in hosts.namespaces() if ns.startswith(f"{hosts.PREFIX}-{run}-")]
    assert len(mine) == 2  # the bridge's and web1's
    process.send_signal(how)
    process.wait(30)
    wait_until(
        lambda: not [ns for ns in hosts.namespaces() if ns.startswith(f"{hosts.PREFIX}-{run}-")],
        30,
        "namespaces removed",
    )
    assert not list(Path("/etc/netns").glob(f"{hosts.PREFIX}-{run}-*"))


def test_leftovers_of_a_crashed_run_are_removed_at_the_start():
    if os.geteuid() != 0 or hosts.netns_available():
        pytest.skip("needs ip netns (root)")
    gone = _dead_pid()
    ns = f"{hosts.PREFIX}-{gone}-web1"
    hosts.ip("netns", "add", ns)
    sleeper = subprocess.Popen(["ip", "netns", "exec", ns, "sleep", "600"])
    try:
        removed = hosts.remove_leftovers()
        assert ns in removed and ns not in hosts.namespaces()
        assert sleeper.wait(10) == -signal.SIGKILL
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
        hosts.remove_namespace(ns)


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
