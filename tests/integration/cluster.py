"""The production layout on one machine: every "host" is a network namespace named
xacle-hosts-RUN-NAME with its own address on a bridge (the bridge lives in a namespace of
its own, so nothing is added to the machine's network), its own hostname (a UTS namespace)
and its own VAR_DIR. Hosts share only the code and the shared storage folder (uploaded files
and the data set), as production hosts share a volume or object storage; each process gets
its settings from the environment the README documents, nothing else.

    db      PostgreSQL (initdb, run as the postgres user) and Redis, on the host's address
    web1/2  the README's gunicorn command
    lb      Debian's nginx with docker/nginx.conf: round robin, static files, X-Forwarded-For
    work1/2 the README's Celery worker command; work1 also runs beat
    work3   a worker host started mid-run
    client, client2   where the participants' programs run

The test process stays in the machine's own namespace: it reads the database and Redis
through their Unix sockets (a file-system path crosses network namespaces) and talks HTTP
from a thread that has entered a host's namespace (`Cluster.http`).

Everything is removed at the end, on failure and on interruption (a reaper process removes
what a killed test left), and leftovers of an earlier crashed run are removed at the start.
Used by tests/integration/test_hosts.py and bench/hosts.py; needs root.
"""

import contextlib
import ctypes
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "xacle-hosts"
SUBNET = "10.77.0"
ADDRESSES = {
    "lb": 2,
    "db": 10,
    "web1": 11,
    "web2": 12,
    "work1": 21,
    "work2": 22,
    "work3": 23,
    "client": 100,
    "client2": 101,
}
# The db host answers to the names the compose file gives its two services.
ALIASES = {"db": ("postgres", "redis")}
WEB_HOSTS = ("web1", "web2")
WORKER_HOSTS = ("work1", "work2")
BEAT_HOST = "work1"
COMPETITION = "xacle"

# The settings every app process gets, the same values as docker/compose.yaml gives its
# services (the compose test checks it). Host-specific paths are added per host.
PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://xacle:xacle@postgres:5432/xacle",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "CACHE_URL": "redis://redis:6379/1",
    "TRUSTED_PROXIES": "1",
}
# Paths: VAR_DIR is each host's own; MEDIA_ROOT (uploads) is the shared storage; STATIC_ROOT
# is where collectstatic writes for the load balancer to serve.
PATH_SETTINGS = ("VAR_DIR", "MEDIA_ROOT", "STATIC_ROOT")
# Set per deployment (compose takes them from the operator's environment).
DEPLOYMENT_SETTINGS = ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS")
# Documented settings compose passes through and the cluster leaves at their defaults.
DEFAULTED_SETTINGS = ("SUBMISSION_MAX_BYTES", "HTTPS", "HSTS_PRELOAD")
# Documented settings the test shortens so that recovery fits in a test run; production
# keeps the README's defaults.
TEST_TUNING = {
    "WEB_CONCURRENCY": "2",
    "THROTTLE_UPLOADS": "100000/min",
    "THROTTLE_USER": "100000/min",
    "STALE_QUEUED_SECONDS": "5",
    "SWEEP_INTERVAL_SECONDS": "2",
    "CELERY_VISIBILITY_TIMEOUT": "5",
    "CELERY_RESTORE_INTERVAL": "1",
    "LOGIN_FAILURE_LIMIT": "3",
    # One submission per pass: the cut-off scenario freezes a worker host while it holds
    # messages of submissions nobody has scored yet, and passes that catch up in batches
    # score exactly those first. (Passes in batches are proven by test_locks and
    # test_faults, whose bursts and outages leave the workers behind.)
    "SCORING_BATCH": "1",
}
# PostgreSQL on the db host, as docker/compose.yaml runs it: a host cut off mid-transaction
# loses its session, and the rows it held, within a minute (not after TCP's hours). Not
# shorter: an organizer's import of a large data set works between statements.
POSTGRES_SETTINGS = {
    "idle_in_transaction_session_timeout": "60s",
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}
CLONE_NEWNET = 0x40000000


def production_commands() -> dict[str, list[str]]:
    """The README's production commands, by what they run: gunicorn, worker, beat."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- production-commands -->(.*?)<!-- /production-commands -->", text, re.S)
    commands = {}
    for line in block.group(1).splitlines():
        argv = line.split()
        if not argv:
            continue
        key = argv[0] if argv[0] == "gunicorn" else argv[3]  # celery -A config WORKER|BEAT
        commands[key] = argv
    return commands


def host_roles() -> dict[str, list[str]]:
    """Which processes each host runs, as the test starts them (the compose test compares)."""
    roles = {host: ["web"] for host in WEB_HOSTS}
    roles.update({host: ["worker"] for host in WORKER_HOSTS})
    roles[BEAT_HOST] = roles[BEAT_HOST] + ["beat"]
    roles["work3"] = ["worker"]
    return roles


def address(host: str) -> str:
    return f"{SUBNET}.{ADDRESSES[host]}"


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def namespaces() -> list[str]:
    listing = ip("netns", "list", check=False).stdout
    return [line.split()[0] for line in listing.splitlines() if line.startswith(PREFIX + "-")]


def netns_available() -> str | None:
    """None when this process may make network namespaces; else why not."""
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is not installed"
    probe = f"{PREFIX}-{os.getpid()}-probe"
    made = ip("netns", "add", probe, check=False)
    if made.returncode != 0:
        return f"ip netns add is refused here: {made.stderr.strip()}"
    ip("netns", "del", probe, check=False)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_namespace(ns: str) -> None:
    """Kill every process in the namespace, then remove it and its /etc/netns folder."""
    for sig in (signal.SIGCONT, signal.SIGKILL):
        for pid in ip("netns", "pids", ns, check=False).stdout.split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), sig)
    deadline = time.monotonic() + 10
    while ip("netns", "pids", ns, check=False).stdout.split() and time.monotonic() < deadline:
        time.sleep(0.05)
    ip("netns", "del", ns, check=False)
    shutil.rmtree(Path("/etc/netns") / ns, ignore_errors=True)


def remove_run(run: str) -> None:
    for ns in namespaces():
        if ns.startswith(f"{PREFIX}-{run}-"):
            remove_namespace(ns)


def remove_leftovers() -> list[str]:
    """Remove the namespaces of runs whose test process is gone; return their names."""
    removed = []
    for ns in namespaces():
        owner = ns[len(PREFIX) + 1 :].split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)):
            remove_namespace(ns)
            removed.append(ns)
    with contextlib.suppress(FileNotFoundError):
        for folder in Path("/etc/netns").glob(f"{PREFIX}-*"):
            owner = folder.name[len(PREFIX) + 1 :].split("-", 1)[0]
            if owner.isdigit() and not _alive(int(owner)):
                shutil.rmtree(folder, ignore_errors=True)
    return removed


def start_reaper(owner: int, run: str, base: Path) -> subprocess.Popen:
    """A process that outlives a killed test and removes its cluster."""
    code = (
        "import os, shutil, sys, time\n"
        "sys.path.insert(0, sys.argv[3])\n"
        "from tests.integration import cluster\n"
        "owner = int(sys.argv[1])\n"
        "while cluster._alive(owner):\n"
        "    time.sleep(0.5)\n"
        "cluster.remove_run(sys.argv[2])\n"
        "shutil.rmtree(sys.argv[4], ignore_errors=True)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(owner), run, str(ROOT), str(base)],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL's server binaries (initdb) are not installed")
    return found[-1].parent


class Host:
    def __init__(self, name: str, ns: str, folder: Path):
        self.name, self.ns, self.folder = name, ns, folder
        self.processes: dict[str, subprocess.Popen] = {}

    def log(self, process: str) -> Path:
        return self.folder / f"{process}.log"


class Cluster:
    """Build with `with Cluster() as cluster:`; everything goes on leaving the block."""

    def __init__(self, n_items: int = 200, clients: int = 8, audit: bool = True):
        self.n_items, self.n_clients, self.audit = n_items, clients, audit
        self.run = str(os.getpid())
        self.hosts: dict[str, Host] = {}
        self.tokens: list[str] = []
        self.base: Path | None = None
        self.shared: Path | None = None
        self._executors: dict[str, ThreadPoolExecutor] = {}
        self._pg = None
        self._redis = None
        self.reaper: subprocess.Popen | None = None
        self.timings: dict[str, float] = {}

    # -- building ---------------------------------------------------------------------
    def __enter__(self):
        try:
            self.build()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(self, *exc):
        self.destroy()

    def ns(self, host: str) -> str:
        return f"{PREFIX}-{self.run}-{host}"

    def build(self):
        started = time.monotonic()
        self.build_network(["db", "lb", *WEB_HOSTS, *WORKER_HOSTS, "client", "client2"])
        self.timings["network"] = time.monotonic() - started
        self.start_db()
        self.timings["db"] = time.monotonic() - started
        self.manage("migrate", "--noinput", "-v", "0")
        if self.audit:
            self.install_audit()
        # The hosts boot while the organizer's one-off commands run.
        self.spawn_app_hosts()
        self.prepare_site()
        self.timings["site"] = time.monotonic() - started
        self.wait_app_hosts()
        self.start_lb()
        self.timings["ready"] = time.monotonic() - started

    def build_network(self, hosts: list[str]):
        """The namespaces, the bridge and the reaper; leftovers of dead runs removed first."""
        remove_leftovers()
        remove_run(self.run)
        self.base = Path(tempfile.mkdtemp(prefix=f"{PREFIX}-"))
        self.base.chmod(0o755)  # nginx's workers and the postgres user read below it
        self.shared = self.base / "shared"
        (self.shared / "media").mkdir(parents=True)
        self.reaper = start_reaper(os.getpid(), self.run, self.base)
        switch = self.ns("net")
        ip("netns", "add", switch)
        ip("-n", switch, "link", "add", "name", "br0", "type", "bridge")
        ip("-n", switch, "link", "set", "br0", "up")
        for name in hosts:
            self.add_host(name)

    def add_host(self, name: str) -> Host:
        ns, switch = self.ns(name), self.ns("net")
        folder = self.base / "hosts" / name
        (folder / "var").mkdir(parents=True)
        folder.chmod(0o755)
        etc = Path("/etc/netns") / ns
        etc.mkdir(parents=True, exist_ok=True)
        names = "".join(
            f"{address(other)} {' '.join((other, *ALIASES.get(other, ())))}\n"
            for other in ADDRESSES
        )
        (etc / "hosts").write_text(f"127.0.0.1 localhost\n{names}")
        ip("netns", "add", ns)
        port = f"p-{name}"
        ip("-n", switch, "link", "add", "name", port, "type", "veth", "peer", "name", "eth0",
           "netns", ns)  # fmt: skip
        ip("-n", switch, "link", "set", port, "master", "br0", "up")
        ip("-n", ns, "link", "set", "lo", "up")
        ip("-n", ns, "addr", "add", f"{address(name)}/24", "dev", "eth0")
        ip("-n", ns, "link", "set", "eth0", "up")
        host = self.hosts[name] = Host(name, ns, folder)
        return host

    def spawn(self, host: str, process: str, argv: list[str], env: dict | None = None,
              user: str | None = None) -> subprocess.Popen:  # fmt: skip
        """Start argv on the host with exactly `env` (plus PATH, HOME and LANG), its output
        in the host's PROCESS.log, in a process group of its own."""
        h = self.hosts[host]
        bin_dir = Path(sys.executable).parent
        full = {"PATH": f"{bin_dir}:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(h.folder),
                "LANG": "C.UTF-8", **(env or {})}  # fmt: skip
        inner = ["env", "-i", *[f"{k}={v}" for k, v in full.items()], *argv]
        if user:
            inner = ["runuser", "-u", user, "--", *inner]
        command = ["ip", "netns", "exec", h.ns, "unshare", "--uts", "--", "sh", "-c",
                   f'hostname {host} && exec "$@"', "sh", *inner]  # fmt: skip
        log = open(h.log(process), "ab")
        popen = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        log.close()
        h.processes[process] = popen
        return popen

    def run_once(self, host: str, argv: list[str], env: dict, timeout: float = 300) -> str:
        """A one-off command on the host (migrate, import): its output, or an error."""
        process = self.spawn(host, "once", argv, env)
        try:
            process.wait(timeout)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        output = self.hosts[host].log("once").read_text()
        self.hosts[host].log("once").unlink()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} on {host} failed:\n{output[-4000:]}")
        return output

    def start_db(self):
        pg_bin = _postgres_bin()
        folder = self.hosts["db"].folder
        data = folder / "pg"
        data.mkdir()
        shutil.chown(data, "postgres", "postgres")
        data.chmod(0o700)
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(pg_bin / "initdb"), "-D", str(data), "-U",
             "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
             "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        with open(data / "pg_hba.conf", "a") as hba:
            hba.write(f"host all all {SUBNET}.0/24 scram-sha-256\n")
        settings = [f"-c{key}={value}" for key, value in POSTGRES_SETTINGS.items()]
        self.spawn(
            "db", "postgres",
            [str(pg_bin / "postgres"), "-D", str(data), "-c", f"listen_addresses={address('db')}",
             "-c", "port=5432", "-c", f"unix_socket_directories={data}",
             "-c", "max_connections=200", *settings],
            user="postgres",
        )  # fmt: skip
        (folder / "redis").mkdir()
        self.spawn(
            "db", "redis",
            ["redis-server", "--bind", address("db"), "--port", "6379", "--save", "",
             "--appendonly", "no", "--protected-mode", "no", "--dir", str(folder / "redis"),
             "--unixsocket", str(folder / "redis" / "redis.sock"), "--unixsocketperm", "700"],
        )  # fmt: skip
        self.wait(lambda: self._try_pg("postgres"), 60, "PostgreSQL on the db host")
        with self.pg("postgres") as conn:
            conn.execute("CREATE ROLE xacle LOGIN PASSWORD 'xacle'")
            conn.execute("CREATE DATABASE xacle OWNER xacle")
        self.wait(lambda: self._try_redis(), 30, "Redis on the db host")

    def _try_pg(self, database: str) -> bool:
        try:
            with self.pg(database):
                return True
        except Exception:
            return False

    def _try_redis(self) -> bool:
        try:
            return self.redis().ping()
        except Exception:
            return False

    def pg(self, database: str = "xacle"):
        """A psycopg connection as the superuser, through the db host's Unix socket."""
        import psycopg

        socket = self.hosts["db"].folder / "pg"
        return psycopg.connect(host=str(socket), user="postgres", dbname=database, autocommit=True)

    def query(self, sql: str, *params) -> list[tuple]:
        with self.pg() as conn:
            return conn.execute(sql, params).fetchall()

    def redis(self):
        import redis

        if self._redis is None:
            path = self.hosts["db"].folder / "redis" / "redis.sock"
            self._redis = redis.Redis(unix_socket_path=str(path), db=0, socket_timeout=5)
        return self._redis

    def app_env(self, host: str) -> dict:
        folder = self.hosts[host].folder
        return {
            **PRODUCTION_ENV,
            "VAR_DIR": str(folder / "var"),
            # Workers read predictions from the database: they get no shared storage.
            "MEDIA_ROOT": str(self.shared / "media" if host in WEB_HOSTS else folder / "media"),
            "STATIC_ROOT": str(self.hosts["lb"].folder / "static"),
            "SECRET_KEY": "hosts-test-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": ",".join(["lb", *WEB_HOSTS]),
            "CSRF_TRUSTED_ORIGINS": "http://lb",
            **TEST_TUNING,
        }

    def manage(self, *args: str, host: str = "web1", timeout: float = 300) -> str:
        return self.run_once(host, ["python", "manage.py", *args], self.app_env(host), timeout)

    def prepare_site(self):
        """What an organizer does once after migrating: collect the static files for the
        load balancer, import the data set from the shared storage, make the participants."""
        from tests.datasets import write_dataset

        dataset = write_dataset(self.shared, n_train=2, n_validation=self.n_items, n_test=10)
        self.dataset = dataset
        names = [f"p{i:02d}" for i in range(self.n_clients)] + ["guard"]
        script = (
            "import json\n"
            "from django.contrib.auth.models import User\n"
            "from accounts.tokens import create\n"
            f"names = {names!r}\n"
            "tokens = []\n"
            "for name in names:\n"
            "    user = User.objects.create_user(name, password='pw-' + name + '-2026')\n"
            "    tokens.append(create(user, 'hosts test')[1])\n"
            "print('TOKENS=' + json.dumps(tokens))\n"
        )
        # Three one-off commands at once, each from a host of its own.
        with ThreadPoolExecutor(3) as pool:
            static = pool.submit(self.manage, "collectstatic", "--noinput", "-v", "0",
                                 host="web2")  # fmt: skip
            imported = pool.submit(self.manage, "import_dataset", str(dataset), "--competition",
                                   COMPETITION, "--title", "XACLE hosts", host="web1")  # fmt: skip
            users = pool.submit(self.manage, "shell", "-c", script, host="work1")
            static.result(), imported.result()
            output = users.result()
        tokens = json.loads(output.split("TOKENS=", 1)[1].splitlines()[0])
        self.tokens, self.guard_token = tokens[:-1], tokens[-1]
        self.ids = [row[0] for row in self.query(
            "SELECT wav_file_name FROM competition_item WHERE partition = 'validation' "
            "ORDER BY wav_file_name")]  # fmt: skip

    def install_audit(self):
        """Triggers that record every committed write of a submission's status and of a
        score, with the address of the host that made it: who did what, and nothing twice."""
        with self.pg() as conn:
            conn.execute(AUDIT_SQL)

    def spawn_app_hosts(self):
        commands = production_commands()
        for host in WEB_HOSTS:
            self.spawn(host, "web", commands["gunicorn"], self.app_env(host))
        for host in WORKER_HOSTS:
            self.start_worker(host, wait=False)
        self.spawn(BEAT_HOST, "beat", commands["beat"], self.app_env(BEAT_HOST))

    def wait_app_hosts(self):
        for host in WEB_HOSTS:
            self.wait_web(host)
        for host in WORKER_HOSTS:
            self.wait_worker(host)

    def start_worker(self, host: str, wait: bool = True):
        if host not in self.hosts:
            self.add_host(host)
        self.spawn(host, "worker", production_commands()["worker"], self.app_env(host))
        if wait:
            self.wait_worker(host)

    def wait_worker(self, host: str, timeout: float = 120):
        log = self.hosts[host].log("worker")
        self.wait(lambda: "ready." in _read(log), timeout, f"the worker on {host}", log)

    def start_web(self, host: str):
        self.spawn(host, "web", production_commands()["gunicorn"], self.app_env(host))
        self.wait_web(host)

    def wait_web(self, host: str, timeout: float = 120):
        def answers():
            try:
                return self.http("lb", host, "GET", "/healthz", port=8000, timeout=2)[0] == 200
            except OSError:
                return False

        self.wait(answers, timeout, f"gunicorn on {host}", self.hosts[host].log("web"))

    def start_lb(self):
        folder = self.hosts["lb"].folder
        for sub in ("logs", "tmp"):
            (folder / sub).mkdir(exist_ok=True)
        config = str(ROOT / "docker" / "nginx.conf")
        self.spawn("lb", "nginx", ["nginx", "-p", f"{folder}/", "-c", config, "-g", "daemon off;"])

        def answers():
            try:
                return self.http("client", "lb", "GET", "/healthz", port=80, timeout=2)[0] == 200
            except OSError:
                return False

        self.wait(answers, 60, "nginx on lb", folder / "logs" / "error.log")

    def wait(self, predicate, timeout: float, what: str, log: Path | None = None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        tail = _read(log)[-3000:] if log else ""
        raise RuntimeError(f"{what} did not come up within {timeout:g} s\n{tail}")

    # -- acting on hosts -------------------------------------------------------------------
    def pids(self, host: str) -> list[int]:
        return [int(pid) for pid in ip("netns", "pids", self.ns(host), check=False).stdout.split()]

    def signal_host(self, host: str, sig: int):
        """Send sig to every process on the host (SIGKILL: the host's processes die)."""
        for pid in self.pids(host):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def kill_web(self, host: str):
        self.signal_host(host, signal.SIGKILL)
        self.hosts[host].processes.pop("web", None)
        deadline = time.monotonic() + 10
        while self.pids(host) and time.monotonic() < deadline:
            time.sleep(0.02)

    def link(self, host: str, up: bool):
        ip("-n", self.ns(host), "link", "set", "eth0", "up" if up else "down")

    def redis_reachable(self, reachable: bool):
        """Cut (or restore) the db host's Redis port from the network in both directions:
        packets to it are dropped on arrival, its answers are dropped on the way out.
        PostgreSQL on the same host and address stays reachable."""
        ns = self.ns("db")
        rules = [["pref", "10", "iif", "eth0", "ipproto", "tcp", "dport", "6379", "blackhole"],
                 ["pref", "11", "ipproto", "tcp", "sport", "6379", "blackhole"]]  # fmt: skip
        if not reachable:
            # The local table is consulted first by default; move it after our rules.
            if "100:" not in ip("-n", ns, "rule", "list").stdout:
                ip("-n", ns, "rule", "add", "pref", "100", "lookup", "local")
                ip("-n", ns, "rule", "del", "pref", "0")
            for rule in rules:
                ip("-n", ns, "rule", "add", *rule)
        else:
            for rule in rules:
                ip("-n", ns, "rule", "del", *rule[:2], check=False)

    def http(self, from_host: str, to_host: str, method: str, path: str, body: bytes = b"",
             headers: dict | None = None, port: int = 80, timeout: float = 30):  # fmt: skip
        """(status, headers (an http.client.HTTPMessage), body) of one request made from
        inside from_host's namespace."""

        def request():
            conn = http.client.HTTPConnection(address(to_host), port, timeout=timeout)
            try:
                conn.request(method, path, body=body or None,
                             headers={"Host": to_host, **(headers or {})})  # fmt: skip
                response = conn.getresponse()
                return response.status, response.msg, response.read()
            finally:
                conn.close()

        return self._executor(from_host).submit(request).result()

    def _executor(self, host: str) -> ThreadPoolExecutor:
        """A thread that has entered the host's network namespace (sockets it makes live
        there)."""
        if host not in self._executors:
            ns_path = f"/var/run/netns/{self.ns(host)}"

            def enter():
                libc = ctypes.CDLL(None, use_errno=True)
                with open(ns_path) as handle:
                    if libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), f"setns {ns_path}")

            self._executors[host] = ThreadPoolExecutor(1, initializer=enter)
        return self._executors[host]

    def clients(self, tag: str, seconds: float, clients: int | None = None,
                host: str = "client", stop_file: Path | None = None) -> "Load":  # fmt: skip
        """Start participants' programs in the client host's namespace, uploading through
        lb for `seconds` (or until stop_file appears)."""
        n = clients or self.n_clients
        out = self.base / f"load-{tag}.jsonl"
        ids_file = self.base / "ids.txt"
        ids_file.write_text("\n".join(self.ids))
        argv = [
            "python", "-m", "tests.integration.hosts_client", "--url", "http://lb",
            "--competition", COMPETITION, "--ids", str(ids_file), "--tag", tag,
            "--seconds", str(seconds), "--out", str(out),
            "--tokens", ",".join(self.tokens[:n]),
        ]  # fmt: skip
        if stop_file:
            argv += ["--stop-file", str(stop_file)]
        process = self.spawn(host, f"load-{tag}", argv, {"PYTHONPATH": str(ROOT)})
        return Load(process, out, self.hosts[host].log(f"load-{tag}"))

    # -- what happened --------------------------------------------------------------------
    def host_of(self, client_address: str | None) -> str:
        by_address = {address(name): name for name in ADDRESSES}
        return by_address.get(str(client_address), str(client_address))

    def log_text(self, host: str, process: str) -> str:
        return _read(self.hosts[host].log(process))

    # -- taking down ----------------------------------------------------------------------
    def destroy(self):
        for executor in self._executors.values():
            executor.shutdown(wait=False, cancel_futures=True)
        self._executors.clear()
        if self._redis is not None:
            with contextlib.suppress(Exception):
                self._redis.close()
        # PostgreSQL first and gently, so that it leaves no shared memory behind.
        db = self.hosts.get("db")
        postgres = db.processes.get("postgres") if db else None
        if postgres and postgres.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                for pid in self.pids("db"):
                    os.kill(pid, signal.SIGCONT)
                os.killpg(postgres.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                postgres.wait(15)
        remove_run(self.run)
        for host in self.hosts.values():
            for process in host.processes.values():
                with contextlib.suppress(Exception):
                    process.wait(5)
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
        if self.reaper is not None and self.reaper.poll() is None:
            self.reaper.kill()
            self.reaper.wait(5)


class Load:
    """A running participants' program and the attempts it records."""

    def __init__(self, process: subprocess.Popen, out: Path, log: Path):
        self.process, self.out, self.log = process, out, log

    def wait(self, timeout: float = 300) -> list[dict]:
        try:
            self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.returncode != 0:
            raise RuntimeError(f"the load program failed:\n{_read(self.log)[-3000:]}")
        return self.attempts()

    def attempts(self) -> list[dict]:
        text = _read(self.out)
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _read(path: Path | None) -> str:
    try:
        return path.read_text(errors="replace")
    except (FileNotFoundError, AttributeError):
        return ""


AUDIT_SQL = """
CREATE TABLE hosts_audit (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    what text NOT NULL,
    submission_id bigint NOT NULL,
    split_id bigint,
    status text,
    client inet
);
CREATE FUNCTION hosts_audit_submission() RETURNS trigger SECURITY DEFINER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO hosts_audit (what, submission_id, status, client)
        VALUES (lower(TG_OP), NEW.id, NEW.status, inet_client_addr());
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER hosts_audit_submission AFTER INSERT OR UPDATE ON competition_submission
    FOR EACH ROW EXECUTE FUNCTION hosts_audit_submission();
CREATE FUNCTION hosts_audit_score() RETURNS trigger SECURITY DEFINER LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO hosts_audit (what, submission_id, split_id, client)
    VALUES ('score', NEW.submission_id, NEW.split_id, inet_client_addr());
    RETURN NEW;
END $$;
CREATE TRIGGER hosts_audit_score AFTER INSERT OR UPDATE ON competition_score
    FOR EACH ROW EXECUTE FUNCTION hosts_audit_score();
"""
