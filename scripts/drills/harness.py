# ruff: noqa: S603, S607 - runs this project's own tools and PostgreSQL's with fixed arguments.
"""The stage for the fault drills: a throwaway copy of the production-like stack on this machine.

Each drill gets its own PostgreSQL cluster (``initdb`` into a temporary directory, on a free port), its own
Redis (on a free port, nothing saved), its own upload storage and a database made as a release makes it
(``db_bootstrap``, ``migrate`` as the owner role, ``seed_demo``, ``collectstatic``), then gunicorn
(``asye.wsgi`` with the production settings, DEBUG off, 2 sync workers) and a Celery worker. Nothing
touches the PostgreSQL or Redis that developers and the tests use, so a drill may stop and start its
own services as roughly as it likes.

``Traffic`` plays people using the service while the fault happens: threads that sign in and keep
working, recording every answer. ``answer_problem`` is the rule every answer must keep: an error is the
service's own page (or problem-details JSON in the API), never a traceback or a bare server message.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
VENV_BIN = ROOT / ".venv" / "bin"
DEMO_PASSWORD = "demo-asye-2026!"  # noqa: S105 - the published demo password (demo/national_picture.py)
SERVICE_ERROR_PAGE = "Sorry, there is a problem with the service"
DATABASE = "asye_drill"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's server refuses to run as root: run its tools as the ``postgres`` user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresCluster:
    """A PostgreSQL cluster of the drill's own, trust authentication on 127.0.0.1 only."""

    def __init__(self, workdir: Path):
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not candidates and not shutil.which("initdb"):
            raise SystemExit("The drills need PostgreSQL's server programs (initdb, pg_ctl).")
        self.bindir = Path(candidates[-1]).parent if candidates else Path(shutil.which("initdb")).parent
        self.data = workdir / "pgdata"
        self.socket_dir = workdir / "pgsocket"
        self.log = workdir / "postgres.log"
        self.port = free_port()
        for path in (self.data, self.socket_dir):
            path.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(workdir, "postgres")
            for path in (self.data, self.socket_dir):
                shutil.chown(path, "postgres")
        subprocess.run(
            _as_postgres(
                [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, role: str, database: str = DATABASE) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c max_connections=60"
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    options,
                    "-w",
                    *args,
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode)

    def query(self, sql: str, params=()) -> list[tuple]:
        """Read the drill's database as the superuser (row-level security does not apply)."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()


class RedisServer:
    """A Redis of the drill's own: nothing saved, so a restart comes back empty."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.05)
        raise SystemExit("Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class Platform:
    """The platform on the drill's services: bootstrapped database, gunicorn and a Celery worker."""

    workdir: Path
    postgres: PostgresCluster
    redis: RedisServer
    media: Path
    web_port: int = field(default_factory=free_port)
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None
    beat: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def env(self, **extra: str) -> dict[str, str]:
        keep = {
            k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "ASYE_", "DJANGO_", "REDIS"))
        }
        return {
            **keep,
            "DJANGO_SETTINGS_MODULE": "asye.settings",
            "DJANGO_SECRET_KEY": "drill-only-secret-key-not-for-any-real-service-0123456789abcdef",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ASYE_INSECURE_HTTP": "1",
            "ASYE_MFA_REQUIRED": "0",
            "ASYE_API_RATE": "100000/minute",
            "DATABASE_URL": self.postgres.url("asye_app"),
            "REDIS_URL": self.redis.url,
            "ASYE_MEDIA_ROOT": str(self.media),
            "ASYE_STATIC_ROOT": str(self.workdir / "static"),
            "ASYE_DB_ADMIN_URL": self.postgres.admin_url,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "PYTHONPATH": str(ROOT),
            **extra,
        }

    def manage(self, *args: str, owner: bool = False) -> str:
        env = self.env(DATABASE_OWNER_URL=self.postgres.url("asye_owner")) if owner else self.env()
        say(f"manage.py {' '.join(args)}")
        result = subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=900,
        )
        if result.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def build(self) -> None:
        say("bootstrapping the database, migrating and loading the demo (a minute or two)")
        self.manage("db_bootstrap", owner=True)
        self.manage("migrate", "--noinput", "-v0", owner=True)
        self.manage("seed_demo", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")

    def spawn(self, log: str, program: str, *arguments: str) -> subprocess.Popen:
        """Start the venv's ``program`` with ``arguments`` in the project's folder, in the drill's
        environment, its output added to ``log`` in the work folder."""
        output = open(self.workdir / log, "a")
        return subprocess.Popen(
            [str(VENV_BIN / program), *arguments], env=self.env(), cwd=ROOT, stdout=output, stderr=output
        )

    def start_web(self) -> None:
        self.web = self.spawn(
            "gunicorn.log",
            "gunicorn",
            "asye.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{self.web_port}",
            "--timeout=30",
            "--graceful-timeout=5",
            "--chdir",
            str(ROOT),
        )
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return
            time.sleep(0.3)
        raise SystemExit(f"the platform did not become healthy; see {self.workdir / 'gunicorn.log'}")

    def web_workers(self) -> list[int]:
        text = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text()
        return [int(pid) for pid in text.split()]

    def celery(self, role: str, *options: str) -> subprocess.Popen:
        """Start the platform's Celery ``role`` (worker or beat) with ``options``, output to <role>.log."""
        return self.spawn(f"{role}.log", "celery", "-A", "asye", role, "--loglevel=INFO", *options)

    def start_worker(self) -> None:
        self.worker = self.celery(
            "worker", "--concurrency=1", "--without-gossip", "--without-mingle", "--pool=prefork"
        )

    def start_beat(self) -> None:
        self.beat = self.celery("beat", "--schedule", str(self.workdir / "beat-schedule"))

    def stop_process(self, process: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
        if process and process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self) -> None:
        self.stop_process(self.web)
        self.stop_process(self.worker)
        self.stop_process(self.beat)


def _terminated(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


@contextlib.contextmanager
def stage(*, media_size_kb: int = 262144):
    """The whole stack, torn down afterwards (``ASYE_DRILL_KEEP=1`` keeps the directory for a look)."""
    signal.signal(signal.SIGTERM, _terminated)  # so that a timeout still tears the stack down
    workdir = Path(tempfile.mkdtemp(prefix="asye-drill-"))
    media = workdir / "media"
    media.mkdir()
    mounted = False
    postgres = redis = platform = None
    try:
        if media_size_kb:  # its own small filesystem, so that a drill can fill it
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={media_size_kb}k", "tmpfs", str(media)], check=True
            )
            mounted = True
        postgres = PostgresCluster(workdir)
        postgres.start()
        redis = RedisServer(workdir)
        redis.start()
        platform = Platform(workdir, postgres, redis, media)
        platform.build()
        platform.start_web()
        platform.start_worker()
        platform.start_beat()
        say(f"the platform is up at {platform.base} (work directory {workdir})")
        yield platform
    finally:
        if platform:
            platform.stop()
        if redis:
            redis.stop()
        if postgres:
            with contextlib.suppress(subprocess.CalledProcessError):
                postgres.stop("immediate")
        if mounted:
            subprocess.run(["umount", str(media)], check=False)
        if os.environ.get("ASYE_DRILL_KEEP"):
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# --- people using the service ---------------------------------------------------------------------


def sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    for _ in range(20):
        with contextlib.suppress(requests.RequestException, AttributeError):
            page = session.get(f"{base}/accounts/login/", timeout=30)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            session.post(
                f"{base}/accounts/login/",
                data={"csrfmiddlewaretoken": token, "login": email, "password": DEMO_PASSWORD},
                headers={"Referer": f"{base}/accounts/login/"},
                timeout=60,
            )
            if "sessionid" in session.cookies:
                return session
        time.sleep(0.5)
    raise SystemExit(f"could not sign in as {email}")


def form_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    page.raise_for_status()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def answer_problem(response: requests.Response) -> str | None:
    """What is wrong with an answer people saw, or None. Errors must be the service's own page (HTML) or
    problem-details JSON (API); never a traceback, a database message or a bare server error."""
    body = response.text
    for leak in ("Traceback (most recent call last)", "psycopg", "OperationalError", "redis.exceptions"):
        if leak in body:
            return f"{response.status_code} shows '{leak}'"
    if response.status_code < 500:
        return None
    kind = response.headers.get("Content-Type", "")
    if "/api/" in response.url:
        return (
            None
            if "application/problem+json" in kind
            else f"{response.status_code} API answer is not problem JSON"
        )
    if SERVICE_ERROR_PAGE in body:
        return None
    return f"{response.status_code} is not the service's error page: {body[:80]!r}"


@dataclass
class Tally:
    answers: Counter = field(default_factory=Counter)
    connection_errors: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label: str, response: requests.Response | None, error: Exception | None = None) -> None:
        with self.lock:
            if response is None:
                self.connection_errors += 1
                self.answers[f"{label}: no answer ({type(error).__name__})"] += 1
                return
            self.answers[f"{label}: {response.status_code}"] += 1
            if problem := answer_problem(response):
                self.problems.append(f"{label}: {problem}")

    def report(self) -> dict:
        return {
            "answers": dict(sorted(self.answers.items())),
            "problems": sorted(Counter(self.problems).items()),
        }


class Traffic:
    """Threads each running ``step(tally)`` in a loop until stopped."""

    def __init__(self, steps, tally: Tally):
        self.steps = steps
        self.tally = tally
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(step,), daemon=True) for step in steps]

    def _loop(self, step) -> None:
        while not self.stopping.is_set():
            try:
                step(self.tally)
            except Exception as error:
                self.tally.record("step", None, error)
                time.sleep(0.2)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=90)


def write_result(name: str, result: dict) -> None:
    out = ROOT / "scripts" / "drills" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    say(f"result written to {out / (name + '.json')}")
