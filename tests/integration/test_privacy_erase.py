"""A partner's own data: export, erase, and unpairing, through the real API, worker and stores.

Every partner writes a word nobody else uses (a marker); after an erasure a scan of every
column of every table, decrypted where it is encrypted, and of every Redis value finds none
of the erased partner's markers, ids or check-in ids, while the other partner's export is
unchanged.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from service.accounts.privacy import export_account, is_empty
from service.cli.main import cli
from service.integrations.clients import Integrations
from service.integrations.subscriptions import check_url, subscribe
from service.lib.crypto import current_cipher, hash_token
from service.lib.db import Database
from service.persistence.models import ApiToken, AuditEntry, User
from tests.integration.conftest import auth, drain, make_user

pytestmark = pytest.mark.integration

A_WORD, B_WORD, C_WORD = "quokkazanzibar", "yetimarmalade", "fjordpelican"
COACH_WORD = "heronlantern"
UNCERTAIN = (
    "what happens if I tell you something bad? like would you call someone? "
    "things have been a lot lately {w}"
)
URGENT = "He's outside the door screaming that he'll kill me tonight {w}, I'm hiding"


def _user_id(database: Database, token: str) -> uuid.UUID:
    with database.unit_of_work() as session:
        found = session.scalar(
            select(ApiToken.user_id).where(ApiToken.token_hash == hash_token(token))
        )
        assert found is not None
        return found


def _post(client: Any, token: str, url: str, body: dict[str, Any] | None = None) -> Any:
    answer = client.post(url, json=body, headers=auth(token))
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


@pytest.fixture
def people(client: Any, database: Database, knowledge_base: Path) -> dict[str, Any]:
    """Ana and Ben, a couple with coach Carla; Cleo, a partner of another couple."""
    roles = {"ana": "partner", "ben": "partner", "cleo": "partner", "carla": "coach",
             "root": "admin"}  # fmt: skip
    tokens = {name: make_user(database, name, role=role) for name, role in roles.items()}
    ids = {name: _user_id(database, token) for name, token in tokens.items()}
    made = _post(client, tokens["ana"], "/v1/couples")
    _post(client, tokens["ben"], "/v1/couples/join", {"invite_code": made["invite_code"]})
    _post(client, tokens["cleo"], "/v1/couples")
    _post(client, tokens["root"], f"/v1/couples/{made['id']}/coaches",
          {"coach_id": str(ids["carla"])})  # fmt: skip
    return {"tokens": tokens, "ids": ids, "couple": made["id"]}


def _webhooks_for(database: Database, user_id: uuid.UUID) -> None:
    """An integration that maps Ana and may read text, with a coach-side subscription."""
    with database.unit_of_work() as session:
        integrations = Integrations(session)
        made = integrations.create("journal", scopes=["checkins:write", "events:read", "text:read"])
        integrations.link(made.integration.id, "ext-ana", user_id)
        subscribe(
            session,
            integration_id=made.integration.id,
            url=check_url("http://127.0.0.1:9/hook", allow_private=True),
            events=["checkin.received", "checkin.classified", "tip.ready", "escalation.opened"],
            coach_side=True,
        )


def _everything_ana_has(client: Any, job_context: Any, people: dict[str, Any]) -> None:
    t = people["tokens"]
    ana = t["ana"]
    _post(client, ana, "/v1/checkins",
          {"text": f"We cooked dinner and laughed about {A_WORD} all evening.",
           "shared_with_partner": True})  # fmt: skip
    _post(client, ana, "/v1/checkins", {"text": URGENT.format(w=A_WORD)})
    asked = _post(client, ana, "/v1/checkins", {"text": UNCERTAIN.format(w=A_WORD)})
    _post(client, t["ben"], "/v1/checkins",
          {"text": f"A quiet walk by the {B_WORD} pond together.", "shared_with_partner": True})  # fmt: skip
    _post(client, t["cleo"], "/v1/checkins", {"text": f"Our {C_WORD} holiday was lovely."})
    conversation = _post(client, ana, "/v1/conversations")["id"]
    _post(client, ana, f"/v1/conversations/{conversation}/messages",
          {"text": f"How do we talk about the {A_WORD} without fighting?"})  # fmt: skip
    for _ in range(3):
        drain(job_context)
    view = client.get(f"/v1/checkins/{asked['id']}", headers=auth(ana)).json()
    question = view["tip"]["safety_question"]
    _post(client, ana, f"/v1/safety-questions/{question['id']}/answer",
          {"answer": "no", "note": f"really fine, just the {A_WORD} thing"})  # fmt: skip
    queue = client.get("/v1/escalations", headers=auth(t["carla"])).json()["items"]
    assert queue, "the urgent check-in opened an escalation"
    _post(client, t["carla"], f"/v1/escalations/{queue[0]['id']}/acknowledge",
          {"note": f"called her, {COACH_WORD} plan agreed"})  # fmt: skip
    drain(job_context)


def _strip_time(export: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in export.items() if k != "exported_at"}


# A Fernet token wherever it sits: "enc:<token>" strings, {"enc": "<token>"} JSON, bytea.
_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-=]+")


def _open_tokens(text_: str) -> str:
    def opened(match: re.Match[str]) -> str:
        try:
            return current_cipher().decrypt(match.group(0).encode())
        except ValueError:
            return match.group(0)

    return _TOKEN.sub(opened, text_)


def _readable(value: Any) -> str:
    """A stored value as text, decrypted where it is encrypted (the scan looks at content)."""
    if value is None:
        return ""
    if isinstance(value, memoryview | bytes):
        raw = bytes(value)
        try:
            return current_cipher().decrypt(raw)
        except ValueError:
            return _open_tokens(raw.decode("utf-8", "replace"))
    return _open_tokens(value if isinstance(value, str) else json.dumps(value, default=str))


def _unpacked(value: bytes) -> str:
    """A Redis value as text, and as what RQ packs into it (zlib-compressed pickles)."""
    forms = [value]
    with contextlib.suppress(zlib.error):
        forms.append(zlib.decompress(value))
    return "\n".join(f.decode("utf-8", "replace") for f in forms)


def _database_text(database: Database) -> str:
    chunks = []
    with database.unit_of_work() as session:
        tables = session.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).all()
        for table in tables:
            for row in session.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 - catalog names
                chunks.extend(_readable(v) for v in row)
    return "\n".join(chunks)


def _redis_text(redis: Any) -> str:
    chunks = []
    for key in redis.scan_iter(count=500):
        chunks.append(key.decode("utf-8", "replace"))
        kind = redis.type(key).decode()
        if kind == "string":
            values = [redis.get(key)]
        elif kind == "hash":
            values = [v for pair in redis.hgetall(key).items() for v in pair]
        elif kind == "list":
            values = redis.lrange(key, 0, -1)
        elif kind == "set":
            values = list(redis.smembers(key))
        elif kind == "zset":
            values = [m for m, _ in redis.zrange(key, 0, -1, withscores=True)]
        else:
            values = []
        chunks.extend(_unpacked(v) if isinstance(v, bytes) else str(v)
                      for v in values if v is not None)  # fmt: skip
    return "\n".join(chunks)


def test_export_then_erase_leaves_nothing_of_her_and_everything_of_him(
    client: Any, database: Database, redis: Any, job_context: Any, people: dict[str, Any]
) -> None:
    t, ids = people["tokens"], people["ids"]
    _webhooks_for(database, ids["ana"])
    _everything_ana_has(client, job_context, people)

    exported = client.get("/v1/me/export", headers=auth(t["ana"]))
    assert exported.status_code == 200
    mine = exported.json()
    assert mine["account"]["id"] == str(ids["ana"]) and mine["consents"] is not None
    assert len(mine["checkins"]) == 3
    assert all(A_WORD in c["text"] for c in mine["checkins"])
    assert all(c["classification"] and c["tip"] for c in mine["checkins"])
    quotes = [s.get("quote", "") for c in mine["checkins"]
              for s in c["classification"]["evidence"]]  # fmt: skip
    assert quotes and all("enc:" not in q for q in quotes), "evidence quotes come decrypted"
    contents = [m["content"] for conv in mine["conversations"] for m in conv["messages"]]
    assert any(A_WORD in c for c in contents) and len(contents) >= 2
    assert [q["answer"] for q in mine["safety_questions"]] == ["no"]
    assert A_WORD in mine["safety_questions"][0]["note"]
    notes = [n["note"] for e in mine["escalations"] for n in e["coach_notes"]]
    assert any(COACH_WORD in n for n in notes), "the coach's notes about her are hers to see"
    assert [m["external_user_id"] for m in mine["integrations"]] == ["ext-ana"]
    assert B_WORD not in exported.text and C_WORD not in exported.text
    assert "carla" not in exported.text, "who wrote a note is the coach's own data"

    his_before = client.get("/v1/me/export", headers=auth(t["ben"])).json()
    assert any(B_WORD in c["text"] for c in his_before["checkins"])
    assert A_WORD not in json.dumps(his_before)
    his_view = client.get("/v1/partner/checkins", headers=auth(t["ben"])).json()
    assert A_WORD in json.dumps(his_view), "he saw what she shared, before"

    ana_checkins = [c["id"] for c in mine["checkins"]]
    everything = _database_text(database)
    assert A_WORD in everything and COACH_WORD in everything  # the scan can see them
    assert any(cid in _redis_text(redis) for cid in ana_checkins), "jobs name her check-ins"

    erased = client.delete("/v1/me", headers=auth(t["ana"]))
    assert erased.status_code == 204 and erased.content == b""
    again = client.get("/v1/me/export", headers=auth(t["ana"]))
    assert again.status_code == 401
    assert again.headers["content-type"].startswith("application/problem+json")
    with database.unit_of_work() as session:
        assert is_empty(export_account(session, ids["ana"]))

    his_after = client.get("/v1/me/export", headers=auth(t["ben"])).json()
    assert _strip_time(his_after) == _strip_time(his_before)
    his_view = client.get("/v1/partner/checkins", headers=auth(t["ben"])).json()
    assert his_view["items"] == []

    everything = _database_text(database)
    redis_values = _redis_text(redis)
    for trace in (A_WORD, COACH_WORD, "ext-ana", str(ids["ana"]), *ana_checkins):
        assert trace not in everything, trace
        assert trace not in redis_values, trace
    assert B_WORD in everything and C_WORD in everything, "nobody else's data went"

    with database.unit_of_work() as session:
        record = session.scalar(select(AuditEntry).where(AuditEntry.action == "account_erased"))
        assert record is not None and record.actor_id is None and record.subject_id is None
        assert record.details["rows"]["checkins"] == 3
        assert record.details["rows"]["webhook_deliveries"] > 0
        assert "ana" not in json.dumps(record.details)


def test_erasing_a_partner_drops_her_from_the_couples_weekly_numbers(
    client: Any, database: Database, job_context: Any, people: dict[str, Any]
) -> None:
    from service.dashboard.rollups import compute_rollups
    from service.persistence.models import WeeklyRollup

    t, ids = people["tokens"], people["ids"]
    _post(client, t["ana"], "/v1/checkins", {"text": "fine day", "mood": 1, "connection": 1})
    _post(client, t["ben"], "/v1/checkins", {"text": "good day", "mood": 5, "connection": 5})
    drain(job_context)
    with database.unit_of_work() as session:
        compute_rollups(session)
    assert client.delete("/v1/me", headers=auth(t["ana"])).status_code == 204
    with database.unit_of_work() as session:
        weeks = list(session.scalars(select(WeeklyRollup)))
        assert weeks and all(str(ids["ana"]) not in w.partners for w in weeks)
        assert all(w.checkins == 1 and w.mood_mean == 5 for w in weeks)


def test_a_partner_who_leaves_or_joins_later_never_sees_earlier_shares(
    client: Any, database: Database, job_context: Any, people: dict[str, Any]
) -> None:
    t = people["tokens"]
    _post(client, t["ben"], "/v1/checkins",
          {"text": f"Lovely {B_WORD} morning with her.", "shared_with_partner": True})  # fmt: skip
    drain(job_context)
    assert B_WORD in client.get("/v1/partner/checkins", headers=auth(t["ana"])).text

    left = client.delete("/v1/couples/current", headers=auth(t["ana"]))
    assert left.status_code == 204
    assert client.get("/v1/me", headers=auth(t["ana"])).json()["couple_id"] is None
    assert client.get("/v1/partner/checkins", headers=auth(t["ana"])).json()["items"] == []
    twice = client.delete("/v1/couples/current", headers=auth(t["ana"]))
    assert twice.status_code == 404
    assert twice.headers["content-type"].startswith("application/problem+json")

    # A new partner (and Ana again, later) join Ben's couple with a fresh code.
    dora = make_user(database, "dora")
    fresh = _post(client, t["ben"], "/v1/couples/current/invite")
    assert fresh["id"] == people["couple"]
    _post(client, dora, "/v1/couples/join", {"invite_code": fresh["invite_code"]})
    assert client.get("/v1/partner/checkins", headers=auth(dora)).json()["items"] == []
    _post(client, t["ben"], "/v1/checkins",
          {"text": "Dinner with Dora was easy.", "shared_with_partner": True})  # fmt: skip
    drain(job_context)
    seen = client.get("/v1/partner/checkins", headers=auth(dora)).json()["items"]
    assert [s["text"] for s in seen] == ["Dinner with Dora was easy."]

    # Ana's own history stayed hers.
    mine = client.get("/v1/checkins", headers=auth(t["ana"]))
    assert mine.status_code == 200 and B_WORD not in mine.text
    coach = client.delete("/v1/couples/current", headers=auth(t["carla"]))
    assert coach.status_code == 403


def test_the_cli_exports_and_erases_on_request(
    client: Any, database: Database, job_context: Any, people: dict[str, Any],
    cli_env: dict[str, str], tmp_path: Path,
) -> None:  # fmt: skip
    t, ids = people["tokens"], people["ids"]
    _post(client, t["ana"], "/v1/checkins", {"text": f"Thinking of {A_WORD} today."})
    drain(job_context)
    out = tmp_path / "ana.json"
    run = CliRunner()
    exported = run.invoke(cli, ["users", "export", str(ids["ana"]), "-o", str(out)], env=cli_env)
    assert exported.exit_code == 0, exported.output
    assert A_WORD in json.loads(out.read_text())["checkins"][0]["text"]
    assert out.stat().st_mode & 0o077 == 0, "the export file is readable by its owner only"

    refused = run.invoke(cli, ["users", "erase", str(ids["ana"])], input="n\n", env=cli_env)
    assert refused.exit_code != 0
    with database.unit_of_work() as session:
        assert session.get(User, ids["ana"]) is not None

    erased = run.invoke(cli, ["users", "erase", str(ids["ana"]), "--yes", "--json"], env=cli_env)
    assert erased.exit_code == 0, erased.output
    report = json.loads(erased.output.strip().splitlines()[-1])
    assert report["user_id"] == str(ids["ana"]) and report["removed"]["checkins"] == 1
    assert report["removed"]["redis_jobs"] >= 1
    with database.unit_of_work() as session:
        assert session.get(User, ids["ana"]) is None
    empty = run.invoke(cli, ["users", "export", str(ids["ana"])], env=cli_env)
    assert empty.exit_code == 0
    assert json.loads(empty.stdout)["checkins"] == []
    missing = run.invoke(cli, ["users", "erase", str(ids["ana"]), "--yes"], env=cli_env)
    assert missing.exit_code != 0 and "no user" in missing.output


def test_a_coach_who_erases_their_account_leaves_activity_that_names_no_one(
    client: Any, database: Database, people: dict[str, Any]
) -> None:
    from service.dashboard.audit import record

    t, ids = people["tokens"], people["ids"]
    with database.unit_of_work() as session:
        record(session, actor_id=ids["carla"], actor_role="coach", action="read_couple",
               subject_type="couple", subject_id=people["couple"], ip="203.0.113.9",
               user_agent="Firefox/140")  # fmt: skip
    mine = client.get("/v1/me/export", headers=auth(t["carla"])).json()
    assert [a["ip"] for a in mine["activity"]] == ["203.0.113.9"]
    assert [k["name"] for k in mine["tokens"]] and "token_hash" not in json.dumps(mine["tokens"])

    assert client.delete("/v1/me", headers=auth(t["carla"])).status_code == 204
    with database.unit_of_work() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "read_couple")))
        assert [(r.actor_id, r.ip, r.user_agent) for r in rows] == [(None, None, None)]
    assert client.get("/v1/me", headers=auth(t["carla"])).status_code == 401
    # Her couples are not orphaned of their data: the partners' exports are whole.
    assert client.get("/v1/me/export", headers=auth(t["ana"])).json()["account"]
