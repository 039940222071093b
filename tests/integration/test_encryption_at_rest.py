"""Encryption at rest (issue 16.1): after check-ins, tips written by a model, a safety question,
a chat and a webhook delivery, a raw dump of the database and of Redis holds none of the
partner's words; `attune crypto reencrypt` seals what was stored before, `rotate-key` moves
everything to a new key while old keys still decrypt."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from litestar.testing import TestClient
from redis import Redis
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from service import settings as settings_module
from service.cli.main import cli
from service.coaching.llm_writer import LLMTipWriter
from service.conversations.chat import ChatEngine
from service.integrations.events import CHECKIN_EVENTS, EVENT_TYPES
from service.integrations.subscriptions import check_url, subscribe
from service.lib import crypto
from service.lib.crypto import UndecryptableError, configure_cipher
from service.lib.db import Database
from service.lib.llm import LLMGateway
from service.lib.ownership import DataDirLock
from service.persistence.models import CheckIn, Generation
from tests.conftest import KNOWLEDGE
from tests.integration.conftest import auth, drain, make_user
from tests.integration.test_integrations_inbound import make_integration, push, raw, signed
from tests.support.scripted_llm import ScriptedLLM
from tests.support.webhook_receiver import FakeClock, Receiver

pytestmark = pytest.mark.integration

PRIVATE_B = "Booked the Lisbon flat with Marguerite for the saxophone retreat, he must not know."
URGENT = "He's outside the door screaming that he'll kill me tonight, I'm hiding in the bathroom"
UNCERTAIN = (
    "what happens if I tell you something bad? like would you call someone? "
    "things have been a lot lately"
)
NOTE = "it is only the night shifts at the bakery wearing me down"
PHONES = "He was on his phone through the whole dinner again and I felt invisible."
PUSHED = "We repainted the hallway together on Sunday and argued about the skirting boards."
CHAT = [
    "We had a fight about the Christmas plans with my parents.",
    "He scrolls his phone through every dinner and I end up eating in silence.",
    "I feel like we only talk about bills and the kids now.",
    "Last night she hugged me out of nowhere and it felt really good.",
]
CHAT_URGENT = "I've saved up my pills and I'm going to take them all tonight."
INPUTS = [PRIVATE_B, URGENT, UNCERTAIN, NOTE, PHONES, PUSHED, *CHAT, CHAT_URGENT]
MARKERS = ["lisbon", "marguerite", "saxophone", "bakery", "hallway", "skirting"]
QUOTE = "You wrote that you felt invisible at dinner while he was on his phone."
TECH = "technology-as-a-bridge"
# Static content, not derived from anyone's words: the knowledge base.
NOT_PARTNER_DATA = {"knowledge_cards", "knowledge_chunks", "alembic_version"}


def _tip(**overrides: Any) -> dict[str, Any]:
    tip = {
        "title": "Phones down for one meal",
        "why": QUOTE,
        "steps": [
            "Agree on one phone-free meal a day.",
            "Put both phones in another room before you sit down.",
        ],
        "tonight": "Ask for ten phone-free minutes after dinner.",
        "question": "What would make dinner feel like our time?",
        "partner_view": "He may not notice how often he reaches for it; a habit, not a verdict.",
        "citations": [TECH],
    }
    return {**tip, **overrides}


@pytest.fixture(autouse=True)
def _process_key_restored(cipher_key: str) -> Iterator[None]:
    """Tests here reconfigure the process-wide cipher (and the CLI the process-wide settings);
    the rest of the session needs them back."""
    saved = list(settings_module._override)
    yield
    configure_cipher(cipher_key)
    settings_module._override[:] = saved
    settings_module.get_settings.cache_clear()


@pytest.fixture
def app_client(
    database: Database, redis: Redis, embedder: Any, knowledge_base: Path
) -> Iterator[TestClient[Any]]:
    """The API with an offline chat (check-ins, safety questions, chat, inbound webhooks)."""
    from service.api.app import create_app

    chat = ChatEngine(
        database, embedder=lambda: embedder, gateway=lambda: None, knowledge_dir=KNOWLEDGE
    )
    with TestClient(app=create_app(database, redis, chat)) as client:
        yield client


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(model="scripted-coach") as server:
        yield server


def _post(client: Any, token: str, words: str, **extra: Any) -> str:
    posted = client.post("/v1/checkins", json={"text": words, **extra}, headers=auth(token))
    assert posted.status_code == 202, posted.text
    return str(posted.json()["id"])


def _view(client: Any, token: str, checkin_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/checkins/{checkin_id}", headers=auth(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


# --- the raw dump and the scan ---------------------------------------------------------------


def _words(value: str) -> list[str]:
    return re.findall(r"\w+", value.lower().replace("'", "").replace("\u2019", ""))


def _runs(sentence: str, n: int = 4) -> set[str]:
    """The sentence itself when short, else every run of ``n`` words of it."""
    words = _words(sentence)
    if len(words) <= n:
        return {" ".join(words)}
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def _sentences(value: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!,])\s+", value) if _words(s)]


def _forms(value: bytes) -> list[str]:
    """A stored value as text, and as what RQ packs into its values (zlib, base64, both)."""
    found = [value]
    for unpack in (zlib.decompress, _b64, lambda v: zlib.decompress(_b64(v))):
        with contextlib.suppress(ValueError, zlib.error):
            found.append(unpack(value))
    return [v.decode("utf-8", "ignore") for v in found]


def _b64(value: bytes) -> bytes:
    return base64.b64decode(value, validate=True)


def database_dump(database: Database) -> dict[str, list[str]]:
    """Every text, varchar, bytea, json(b) and array value of every table, as stored."""
    with database.unit_of_work() as session:
        columns = session.execute(
            text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'public' AND data_type IN ('text', 'character varying',"
                " 'bytea', 'jsonb', 'json', 'ARRAY') ORDER BY table_name, ordinal_position"
            )
        ).all()
        dump: dict[str, list[str]] = {}
        for table, column, kind in columns:
            if table in NOT_PARTNER_DATA:
                continue
            cast = "" if kind == "bytea" else "::text"
            rows = session.execute(
                text(f'SELECT "{column}"{cast} FROM "{table}"')  # noqa: S608 - catalog names
            ).scalars()
            values = [v for v in rows if v is not None]
            dump[f"{table}.{column}"] = [
                form for v in values for form in (_forms(bytes(v)) if kind == "bytea" else [v])
            ]
    return dump


def redis_dump(redis: Redis) -> dict[str, list[str]]:
    """Every value under every key (job data, results, registries), unpacked as RQ packs it."""
    dump: dict[str, list[str]] = {}
    for key in redis.scan_iter(count=500):
        kind = redis.type(key).decode()
        values: list[bytes] = []
        if kind == "string":
            values = [redis.get(key) or b""]
        elif kind == "hash":
            values = [v for pair in redis.hgetall(key).items() for v in pair]
        elif kind == "list":
            values = list(redis.lrange(key, 0, -1))
        elif kind == "set":
            values = list(redis.smembers(key))
        elif kind == "zset":
            values = list(redis.zrange(key, 0, -1))
        elif kind == "stream":
            values = [v for _, fields in redis.xrange(key) for p in fields.items() for v in p]
        dump[f"redis:{key.decode()}"] = [form for v in values for form in _forms(v)]
    return dump


def plaintext_found(dump: dict[str, list[str]], inputs: list[str]) -> list[tuple[str, str]]:
    """(where, what) for every sentence, 4-word run or marker word of ``inputs`` in ``dump``."""
    runs = {run for words in inputs for s in _sentences(words) for run in _runs(s)}
    runs |= set(MARKERS)
    found = []
    for where, values in dump.items():
        for value in values:
            normalised = f" {' '.join(_words(value))} "
            found += [(where, run) for run in runs if f" {run} " in normalised]
    return sorted(set(found))


def test_after_pipeline_chat_and_webhooks_no_sentence_of_the_input_is_stored_in_plaintext(
    app_client: TestClient[Any],
    database: Database,
    redis: Redis,
    job_context: Any,
    llm: ScriptedLLM,
    receiver: tuple[Receiver, str],
    clock: FakeClock,
) -> None:
    client = app_client
    amy, bo = make_user(database, "amy"), make_user(database, "bo")
    code = client.post("/v1/couples", headers=auth(amy)).json()["invite_code"]
    assert client.post("/v1/couples/join", json={"invite_code": code}, headers=auth(bo)).is_success

    # Offline: the other partner's private note, an urgent check-in, an uncertain one.
    _post(client, bo, PRIVATE_B)
    urgent = _post(client, amy, URGENT, mood=1, connection=1)
    uncertain = _post(client, amy, UNCERTAIN)
    drain(job_context)
    assert _view(client, amy, urgent)["tip"]["kind"] == "safety"
    question = _view(client, amy, uncertain)["tip"]["safety_question"]
    answered = client.post(
        f"/v1/safety-questions/{question['id']}/answer",
        json={"answer": "no", "note": NOTE},
        headers=auth(amy),
    )
    assert answered.status_code == 200, answered.text

    # A model writes a tip: first it repeats the other partner's words (the guard's verdict
    # quotes them), then it quotes the writer's own words ("You wrote …").
    gateway = LLMGateway(llm.base_url, llm.model, "k", timeout=5.0, max_retries=0)
    job_context._tip_writer = LLMTipWriter(gateway)
    llm.json(_tip(why="Maybe plan a saxophone evening like the Lisbon one with Marguerite."))
    llm.json(_tip())
    phones = _post(client, amy, PHONES, mood=2, connection=2)
    drain(job_context)
    job_context._tip_writer = None
    gateway.close()
    tip = _view(client, amy, phones)["tip"]
    assert tip["backend"] == "llm" and tip["why"] == QUOTE  # read back in clear
    with database.unit_of_work() as session:
        verdicts = [g.verdict for g in session.scalars(select(Generation).order_by(Generation.id))]
    assert any(v.get("violations") and v["violations"][0]["rule"] == "no_leak" for v in verdicts)

    # An integration with text:read pushes a check-in; its events go out with the text.
    app, url = receiver
    integration_id, secret = make_integration(
        database, "journal", ("checkins:write", "events:read", "text:read")
    )
    with database.unit_of_work() as session:
        for path, events, coach_side in (
            ("/app", sorted(CHECKIN_EVENTS), False),
            ("/coach", EVENT_TYPES, True),
        ):
            made = subscribe(
                session,
                integration_id=uuid.UUID(integration_id),
                url=check_url(url + path, allow_private=True),
                events=events,
                coach_side=coach_side,
            )
            app.by_path[f"/hooks{path}"] = (made.secret, 200)
    body = raw({"external_user_id": "journal-7", "text": PUSHED})
    assert push(client, integration_id, body, signed(secret, body)).status_code == 202
    drain(job_context)
    drain(job_context)
    clock.now = datetime.now(UTC) + timedelta(seconds=1)
    from workers.runtime import deliver_due_once

    assert deliver_due_once(job_context) > 0
    drain(job_context)
    assert any(PUSHED in r.body.decode() and r.status == 200 for r in app.requests)

    # A chat that rolls a summary, answered once under an Idempotency-Key, and a crisis.
    conversation = client.post("/v1/conversations", headers=auth(amy)).json()["id"]
    messages = f"/v1/conversations/{conversation}/messages"
    for n, words in enumerate(CHAT):
        headers = {**auth(amy), "Idempotency-Key": f"chat-{n}"}
        answer = client.post(messages, json={"text": words}, headers=headers)
        assert answer.status_code == 200, answer.text
    crisis = client.post(messages, json={"text": CHAT_URGENT}, headers=auth(amy)).json()
    assert crisis["escalated"] is True
    history = client.get(f"/v1/conversations/{conversation}", headers=auth(amy)).json()
    assert history["messages"][0]["content"] == CHAT[0]

    counts = dict(
        database_rows(database, ["tips", "generations", "escalations", "messages",
                                 "conversations", "safety_questions", "webhook_deliveries",
                                 "idempotency_keys", "classifications"])
    )  # fmt: skip
    assert all(counts.values()), counts  # every kind of row the scan should cover exists
    assert redis.dbsize() > 0
    dump = {**database_dump(database), **redis_dump(redis)}
    assert plaintext_found(dump, INPUTS) == []

    # The scan would see plaintext if there were any: a tip title written before encryption.
    with database.unit_of_work() as session:
        session.execute(text("UPDATE tips SET title = :t WHERE checkin_id = :c"),
                        {"t": PHONES, "c": phones})  # fmt: skip
    redis.set("planted", zlib.compress(PUSHED.encode()))
    seen = plaintext_found({**database_dump(database), **redis_dump(redis)}, INPUTS)
    assert {where for where, _ in seen} == {"tips.title", "redis:planted"}


def database_rows(database: Database, tables: list[str]) -> Iterator[tuple[str, int]]:
    with database.unit_of_work() as session:
        for table in tables:
            count = session.execute(text(f'SELECT count(*) FROM "{table}"'))  # noqa: S608
            yield table, int(count.scalar_one())


def test_a_failed_statement_does_not_carry_the_words_it_was_given(database: Database) -> None:
    # Error messages reach logs and RQ's failed-job registry in Redis: without
    # hide_parameters they would end in "[parameters: {'words': …}]".
    with pytest.raises(DBAPIError) as failed, database.unit_of_work() as session:
        session.execute(text("SELECT CAST(:words AS text), 1 / 0"), {"words": PHONES})
    assert "division by zero" in str(failed.value)
    assert "invisible" not in str(failed.value)


# --- reencrypt and rotate-key ----------------------------------------------------------------


def _crypto(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(cli, ["crypto", *args], env=env)


def _pipeline(client: Any, database: Database, job_context: Any) -> tuple[str, dict[str, str]]:
    token = make_user(database, "cal")
    ids = {"phones": _post(client, token, PHONES, mood=2), "urgent": _post(client, token, URGENT)}
    drain(job_context)
    return token, ids


def _seen(client: Any, token: str, ids: dict[str, str]) -> dict[str, Any]:
    return {name: _view(client, token, checkin_id) for name, checkin_id in ids.items()}


def _raw(database: Database, sql: str, **params: Any) -> list[Any]:
    with database.unit_of_work() as session:
        return list(session.execute(text(sql), params).all())


def _quotes(database: Database) -> list[str]:
    """Every evidence quote as stored, in classifications and escalations."""
    rows = _raw(database, "SELECT evidence FROM classifications UNION ALL "
                          "SELECT evidence FROM escalations")  # fmt: skip
    return [s["quote"] for (e,) in rows for s in e.get("spans", []) if s.get("quote")]


def test_reencrypt_seals_rows_written_before_encryption_and_reads_them_back_equal(
    app_client: TestClient[Any], database: Database, job_context: Any, cli_env: dict[str, str]
) -> None:
    token, ids = _pipeline(app_client, database, job_context)
    before = _seen(app_client, token, ids)
    assert before["phones"]["tip"]["title"] and before["urgent"]["tip"]["kind"] == "safety"
    # Rows as an older version wrote them: tips and verdicts in clear, quotes unsealed.
    with database.unit_of_work() as session:
        for name, checkin_id in ids.items():
            body = session.execute(
                text("SELECT body FROM tips WHERE checkin_id = :c"), {"c": checkin_id}
            ).scalar_one()
            session.execute(
                text("UPDATE tips SET title = :t, body = CAST(:b AS jsonb) WHERE checkin_id = :c"),
                {"t": before[name]["tip"]["title"], "b": json.dumps(crypto.open_json(body)),
                 "c": checkin_id},
            )  # fmt: skip
        for gid, verdict in session.execute(text("SELECT id, verdict FROM generations")).all():
            session.execute(text("UPDATE generations SET verdict = CAST(:v AS jsonb) WHERE id = :i"),
                            {"v": json.dumps(crypto.open_json(verdict)), "i": gid})  # fmt: skip
        for table, key in (("classifications", "checkin_id"), ("escalations", "id")):
            for row_id, evidence in session.execute(text(f"SELECT {key}, evidence FROM {table}")):  # noqa: S608
                plain = {**evidence, "spans": crypto.open_spans(evidence["spans"])}
                session.execute(
                    text(f"UPDATE {table} SET evidence = CAST(:e AS jsonb) WHERE {key} = :i"),  # noqa: S608
                    {"e": json.dumps(plain), "i": row_id},
                )
    assert _quotes(database) and not any(q.startswith("enc:") for q in _quotes(database))
    updated_at = _raw(database, "SELECT id, updated_at FROM escalations ORDER BY id")
    assert _seen(app_client, token, ids) == before  # legacy rows read as they are
    tip_words = [before["phones"]["tip"]["title"], before["phones"]["tip"]["why"]]
    legacy = plaintext_found(database_dump(database), tip_words)
    assert {where for where, _ in legacy} == {"tips.title", "tips.body"}

    done = _crypto(cli_env, "reencrypt", "--json", "--batch-size", "1")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    columns = report["columns"]
    for name in ("tips.title", "tips.body", "generations.verdict", "classifications.evidence",
                 "escalations.evidence"):  # fmt: skip
        assert columns[name]["sealed"] >= 1 and columns[name]["reencrypted"] == 0, name
    assert columns["tips.title"]["sealed"] == 2 and columns["checkins.text"]["current"] == 2
    assert report["totals"]["skipped"] == 0
    assert "tips.title: 2 rows" in done.stderr  # progress, batch by batch

    assert plaintext_found(database_dump(database), [PHONES, URGENT, *tip_words]) == []
    assert all(q.startswith("enc:") for q in _quotes(database))
    titles = [t for (t,) in _raw(database, "SELECT title FROM tips")]
    assert titles and all(t.startswith("enc:") for t in titles)
    bodies = [b for (b,) in _raw(database, "SELECT body FROM tips")]
    assert all(set(b) == {"enc"} for b in bodies)
    assert _seen(app_client, token, ids) == before  # and read back equal
    assert _raw(database, "SELECT id, updated_at FROM escalations ORDER BY id") == updated_at

    again = _crypto(cli_env, "reencrypt")
    assert again.exit_code == 0, again.output
    summary = again.stdout.strip().splitlines()[-1]
    assert re.fullmatch(
        r"\d+ values in \d+ columns: 0 re-encrypted from old keys, 0 plaintext sealed, "
        r"\d+ already current, 0 changed meanwhile \(run again\)",
        summary,
    ), summary


def test_rotate_key_moves_everything_to_a_new_key_while_the_old_one_still_decrypts(
    app_client: TestClient[Any],
    database: Database,
    job_context: Any,
    cli_env: dict[str, str],
    cipher_key: str,
) -> None:
    client = app_client
    token, ids = _pipeline(client, database, job_context)
    conversation = client.post("/v1/conversations", headers=auth(token)).json()["id"]
    chat = client.post(f"/v1/conversations/{conversation}/messages",
                       json={"text": CHAT[0]}, headers=auth(token))  # fmt: skip
    assert chat.status_code == 200
    before = _seen(client, token, ids)

    rotated = _crypto(cli_env, "rotate-key")
    assert rotated.exit_code == 0, rotated.output
    new_key = re.search(r"ENCRYPTION_KEY=(\S+)", rotated.stdout).group(1)  # type: ignore[union-attr]
    old_keys = re.search(r"ENCRYPTION_OLD_KEYS=(\S+)", rotated.stdout).group(1)  # type: ignore[union-attr]
    assert old_keys == cipher_key and new_key != cipher_key
    assert rotated.stdout.count(new_key) == 1  # shown once
    Fernet(new_key.encode())  # a real key

    (stored,) = _raw(database, "SELECT text FROM checkins WHERE id = :i", i=ids["phones"])
    assert Fernet(new_key.encode()).decrypt(bytes(stored[0])).decode() == PHONES
    configure_cipher(new_key, [cipher_key])  # what the operator now sets
    assert _seen(client, token, ids) == before

    # A process still on the old key wrote meanwhile: readable, then moved by reencrypt.
    configure_cipher(cipher_key)
    late = _post(client, token, PUSHED)
    configure_cipher(new_key, [cipher_key])
    assert _view(client, token, late)["text"] == PUSHED
    env = {**cli_env, "ENCRYPTION_KEY": new_key, "ENCRYPTION_OLD_KEYS": cipher_key}
    moved = _crypto(env, "reencrypt", "--json")
    assert moved.exit_code == 0, moved.output
    assert json.loads(moved.stdout)["columns"]["checkins.text"]["reencrypted"] == 1

    # The new key alone now reads everything; nothing is left under the old one.
    configure_cipher(new_key)
    assert _seen(client, token, ids) == before
    assert _view(client, token, late)["text"] == PUSHED
    history = client.get(f"/v1/conversations/{conversation}", headers=auth(token)).json()
    assert history["messages"][0]["content"] == CHAT[0]
    alone = _crypto({**cli_env, "ENCRYPTION_KEY": new_key}, "reencrypt", "--json")
    assert json.loads(alone.stdout)["totals"]["reencrypted"] == 0

    # A wrong key is a clear error, for the service and for the command.
    wrong = Fernet.generate_key().decode()
    configure_cipher(wrong)
    with database.unit_of_work() as session, pytest.raises(UndecryptableError) as refused:
        session.scalars(select(CheckIn)).all()
    assert "ENCRYPTION_OLD_KEYS" in str(refused.value)
    failed = _crypto({**cli_env, "ENCRYPTION_KEY": wrong}, "reencrypt")
    assert failed.exit_code == 1
    assert re.search(r"Error: [a-z_]+\.[a-z_]+ \(.+=.+\): stored text cannot be decrypted",
                     failed.output), failed.output  # fmt: skip
    assert "ENCRYPTION_OLD_KEYS" in failed.output


def test_rotate_key_in_development_rewrites_the_key_file_first_and_keeps_the_old_key(
    app_client: TestClient[Any],
    database: Database,
    job_context: Any,
    cli_env: dict[str, str],
    cipher_key: str,
    tmp_path: Path,
) -> None:
    token, ids = _pipeline(app_client, database, job_context)
    before = _seen(app_client, token, ids)
    key_file = tmp_path / "secret.key"
    key_file.write_text(cipher_key)  # the development key, as `attune up` made it
    key_file.chmod(0o600)
    env = {k: v for k, v in cli_env.items() if k != "ENCRYPTION_KEY"}

    # While `attune up` owns the data directory its processes know only the current key.
    lock = DataDirLock(tmp_path)
    lock.acquire(wait=0)
    try:
        refused = _crypto(env, "rotate-key")
    finally:
        lock.release()
    assert refused.exit_code == 1 and "already using" in refused.output
    assert key_file.read_text() == cipher_key

    rotated = _crypto(env, "rotate-key", "--json")
    assert rotated.exit_code == 0, rotated.output
    report = json.loads(rotated.stdout)
    assert report["key_file"] == str(key_file.resolve())
    assert report["totals"]["reencrypted"] >= 4 and report["totals"]["skipped"] == 0
    new_key, old_key = key_file.read_text().split()
    assert old_key == cipher_key and new_key != cipher_key
    assert key_file.stat().st_mode & 0o077 == 0
    assert new_key not in rotated.stdout + rotated.stderr  # it stays in the file

    configure_cipher(new_key)  # everything is under the new key already
    assert _seen(app_client, token, ids) == before
    again = _crypto(env, "reencrypt", "--json")  # reads the file: new key first, old after
    assert json.loads(again.stdout)["totals"]["reencrypted"] == 0
