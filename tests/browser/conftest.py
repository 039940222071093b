"""Browser tests: one real `attune up` for the module, the people of one couple, and the
Debian `chromium` driven by Playwright (its own browser download is not used)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
ATTUNE = [sys.executable, "-m", "service.cli.main"]
PASSWORD = "a long password for the browser tests"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = REPO / "docs" / "dashboard"


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    id: uuid.UUID
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Attune:
    """A running `attune up` and the ways a test talks to it (CLI, API, its database)."""

    base_url: str
    data_dir: Path
    log: Path
    database_url: str = ""

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env["HF_HUB_OFFLINE"] = "1"
        return env

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [*ATTUNE, *args, "--data-dir", str(self.data_dir)],
            input=stdin, capture_output=True, text=True, env=self.env(), cwd=REPO, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"attune {' '.join(args)}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def api(self, method: str, path: str, who: Person, json: Any = None) -> httpx.Response:
        return httpx.request(method, self.base_url + path, json=json, headers=who.bearer)

    def audit_rows(self, after_id: int = 0) -> list[dict[str, Any]]:
        """Audit rows with an id above ``after_id``, oldest first (read from the database)."""
        from sqlalchemy import create_engine, select
        from sqlalchemy.pool import NullPool

        from service.persistence.models import AuditEntry

        engine = create_engine(self.database_url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                query = select(AuditEntry.__table__).where(AuditEntry.id > after_id)
                return [dict(r._mapping) for r in connection.execute(query.order_by("id"))]
        finally:
            engine.dispose()

    def last_audit_id(self) -> int:
        rows = self.audit_rows()
        return int(rows[-1]["id"]) if rows else 0


@dataclass
class AuditLedger:
    """What a test read and did, written down as it goes, to compare with the audit log:
    exactly one row per read and per action, nothing for polls, refusals or 404s."""

    attune: Attune
    start: int = 0
    expected: list[tuple[str, str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.start = self.attune.last_audit_id()

    def expect(self, who: Person | None, action: str, subject: object = None) -> None:
        """One row of ``who`` (None: not logged in) doing ``action`` on ``subject``."""
        name = who.name if who is not None else "anonymous"
        self.expected.append((name, action, str(subject) if subject is not None else None))

    def check(self, people: dict[uuid.UUID, str]) -> list[dict[str, Any]]:
        rows = self.attune.audit_rows(self.start)
        actual = [
            (people.get(r["actor_id"], "anonymous"), r["action"], r["subject_id"]) for r in rows
        ]
        assert Counter(actual) == Counter(self.expected), (
            f"audit rows differ\n  expected: {self.expected}\n  actual:   {actual}"
        )
        return rows


@dataclass(frozen=True)
class People:
    admin: Person
    coach: Person
    other_coach: Person
    partner_a: Person
    partner_b: Person
    couple_id: uuid.UUID

    def names(self) -> dict[uuid.UUID, str]:
        everyone = (self.admin, self.coach, self.other_coach, self.partner_a, self.partner_b)
        return {p.id: p.name for p in everyone}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("the Debian chromium package is missing: apt-get install -y chromium")
    return path


@pytest.fixture(scope="module")
def attune(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Attune]:
    """A real `attune up` (embedded Postgres and Redis, API, workers, scheduler), stopped with
    Ctrl-C afterwards, leaving no server behind."""
    tmp = tmp_path_factory.mktemp("attune-up")
    instance = Attune(f"http://127.0.0.1:{_free_port()}", tmp / "data", tmp / "up.log")
    port = instance.base_url.rsplit(":", 1)[1]
    proc = subprocess.Popen(
        [*ATTUNE, "up", "--data-dir", str(instance.data_dir), "--port", port],
        stdout=instance.log.open("ab"), stderr=subprocess.STDOUT, env=instance.env(), cwd=REPO,
        start_new_session=True,  # its own process group, like a terminal job
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, instance.log.read_text()[-3000:]
            assert time.monotonic() < deadline, (
                "never healthy:\n" + instance.log.read_text()[-3000:]
            )
            with contextlib.suppress(httpx.HTTPError):  # not listening yet
                if httpx.get(f"{instance.base_url}/v1/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.5)
        instance.database_url = _database_url(instance.data_dir)
        yield instance
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the foreground job
        proc.wait(60)
    assert proc.returncode == 0, instance.log.read_text()[-3000:]
    assert not _alive(instance.data_dir / "pgdata" / "postmaster.pid"), "postgres left running"
    assert not _alive(instance.data_dir / "redis" / "redis.pid"), "redis left running"


def _database_url(data_dir: Path) -> str:
    """The URL of the Postgres that `attune up` runs (it stays the owner: we never stop it)."""
    from service.lib.embedded import EmbeddedPostgres

    embedded = EmbeddedPostgres(data_dir.resolve())
    url = embedded.start()
    assert not embedded.started_here
    return url


def _create(attune: Attune, name: str, role: str, *, password: bool = False) -> Person:
    out = attune.cli("users", "create", name, "--role", role)
    user_id = re.search(r"\(id ([0-9a-f-]{36})\)", out)
    token = re.search(r"token: (\S+)", out)
    assert user_id and token, out
    if password:
        attune.cli("users", "set-password", name, "--password-stdin", stdin=PASSWORD + "\n")
    return Person(name, role, uuid.UUID(user_id.group(1)), token.group(1))


@pytest.fixture(scope="module")
def people(attune: Attune) -> People:
    """An admin, a coach assigned to Pia and Ben's couple, and a coach who is not."""
    staff = [("ada", "admin"), ("carla", "coach"), ("dora", "coach")]
    with ThreadPoolExecutor(len(staff) + 1) as pool:  # CLI start-up is most of the time
        partners = pool.submit(  # one after the other: the couple is named in this order
            lambda: [_create(attune, name, "partner") for name in ("pia", "ben")]
        )
        admin, coach, other = pool.map(lambda w: _create(attune, *w, password=True), staff)
        pia, ben = partners.result()
    couple = attune.api("POST", "/v1/couples", pia, json={})
    assert couple.status_code == 201, couple.text
    joined = attune.api("POST", "/v1/couples/join", ben,
                        json={"invite_code": couple.json()["invite_code"]})  # fmt: skip
    assert joined.status_code == 200, joined.text
    couple_id = uuid.UUID(couple.json()["id"])
    assigned = attune.api("POST", f"/v1/couples/{couple_id}/coaches", admin,
                          json={"coach_id": str(coach.id)})  # fmt: skip
    assert assigned.status_code == 201, assigned.text
    _everyday_checkins(attune, [(pia, EVERYDAY[0]), (ben, EVERYDAY[1])])
    return People(admin, coach, other, pia, ben, couple_id)


EVERYDAY = [
    {"text": "We only talk about bills and the kids lately, feels like roommates.", "mood": 3,
     "connection": 2},
    {"text": "Had a good talk on our walk tonight, felt closer than in weeks.", "mood": 4,
     "connection": 4},
]  # fmt: skip


def _everyday_checkins(attune: Attune, checkins: list[tuple[Person, dict[str, Any]]]) -> None:
    """Check-ins without risk, read to the end before the tests start (so the couple page has
    a history and no late escalation comes from them)."""
    posted = []
    for who, body in checkins:
        answer = attune.api("POST", "/v1/checkins", who, json=body)
        assert answer.status_code == 202, answer.text
        posted.append((who, answer.json()["id"]))
    deadline = time.monotonic() + 60
    for who, checkin_id in posted:
        while (status := attune.api("GET", f"/v1/checkins/{checkin_id}", who).json()["status"]) in (
            "received",
            "classified",
        ):
            assert time.monotonic() < deadline, f"check-in {checkin_id} still {status}"
            time.sleep(0.2)
        assert status == "tip_ready", status


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []  # chromium refuses root otherwise
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=args
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any, attune: Attune) -> Iterator[Any]:
    """Opens a page in a fresh browser context (its own cookies), at desktop size."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(base_url=attune.base_url, viewport=DESKTOP, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@dataclass
class Screenshots:
    """Each page at desktop and phone width. Written to docs/dashboard/ with
    UPDATE_SCREENSHOTS=1, else to a temporary folder, so a test run leaves the tree clean."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    def take(self, page: Any, name: str) -> None:
        for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            if width == "phone":
                assert_no_horizontal_scroll(page)
            path = self.folder / f"{name}-{width}.png"
            page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
            self.taken.append(path)
        page.set_viewport_size(DESKTOP)


def assert_no_horizontal_scroll(page: Any) -> None:
    widths = page.evaluate(
        "[document.scrollingElement.scrollWidth, window.innerWidth, location.pathname]"
    )
    assert widths[0] <= widths[1], f"{widths[2]} scrolls sideways at {widths[1]} px: {widths[0]}"


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Screenshots:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return Screenshots(SCREENSHOTS)
    return Screenshots(tmp_path_factory.mktemp("screenshots"))
