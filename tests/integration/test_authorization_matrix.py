"""Who may do what: every route of the OpenAPI schema x every kind of caller x resources owned
by each, against the real API, Postgres and Redis.

Each partner writes words nobody else uses (markers); every response body is checked for the
markers its caller may not read, whatever its status. A route added to the API without a row
here fails ``test_every_route_has_a_row``.

Rows list the status each caller gets, in the order of ``CALLERS``. Requests run in the order
of the table, callers in that order, so stateful rows (acknowledge, answer, leave, erase) are
deterministic; the destructive ones come last.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.accounts.tokens import Tokens
from service.integrations.clients import Integrations
from service.integrations.subscriptions import check_url, subscribe
from service.lib.crypto import hash_token
from service.lib.db import Database
from service.persistence.models import ApiToken, Escalation, SafetyQuestion, WebhookDelivery
from tests.integration.conftest import auth, drain, make_user

pytestmark = pytest.mark.integration

CALLERS = ("anon", "ana", "ben", "cleo", "coach", "stranger_coach", "integration", "admin")
PARTNERS = ("ana", "ben", "cleo")

# Marker words, one per piece of writing; who may read each (besides its writer).
MARKERS = {
    "ana_shared": ("ana", "shared", "quokkamint"),
    "ana_urgent": ("ana", "private", "zanzibarkite"),
    "ana_asked": ("ana", "private", "lanternmoth"),
    "ana_chat": ("ana", "private", "walrusjazz"),
    "ben_private": ("ben", "private", "yetimarmalade"),
    "ben_shared": ("ben", "shared", "pelicanfjord"),
    "cleo_note": ("cleo", "private", "orchidtundra"),
    "cleo_urgent": ("cleo", "private", "cobaltherring"),
    "cleo_chat": ("cleo", "private", "saffronglacier"),
}
COUPLE = {"ana": "ben", "ben": "ana"}

URGENT = "He's outside the door screaming that he'll kill me tonight {w}, I'm hiding"
ASKED = (
    "what happens if I tell you something bad? like would you call someone? "
    "things have been a lot lately {w}"
)


def may_read(caller: str, marker: str) -> bool:
    writer, visibility, _ = MARKERS[marker]
    if caller == writer:
        return True
    return visibility == "shared" and COUPLE.get(caller) == writer


@dataclass
class World:
    tokens: dict[str, str | None]
    ids: dict[str, uuid.UUID]
    res: dict[str, str] = field(default_factory=dict)


def _uid(database: Database, token: str) -> uuid.UUID:
    with database.unit_of_work() as session:
        found = session.scalar(
            select(ApiToken.user_id).where(ApiToken.token_hash == hash_token(token))
        )
        assert found is not None
        return found


def _ok(answer: Any) -> Any:
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


def _build(client: Any, database: Database, job_context: Any) -> World:
    tokens: dict[str, str | None] = {"anon": None}
    for name in CALLERS[1:]:
        role = {"coach": "coach", "stranger_coach": "coach"}.get(name, name)
        role = role if role in ("coach", "integration", "admin") else "partner"
        tokens[name] = make_user(database, name, role=role)
    ids = {n: _uid(database, t) for n, t in tokens.items() if t}
    world = World(tokens, ids)
    h = {n: auth(t) for n, t in tokens.items() if t}

    first = _ok(client.post("/v1/couples", headers=h["ana"]))
    _ok(client.post("/v1/couples/join", json={"invite_code": first["invite_code"]},
                    headers=h["ben"]))  # fmt: skip
    second = _ok(client.post("/v1/couples", headers=h["cleo"]))
    _ok(client.post(f"/v1/couples/{first['id']}/coaches", json={"coach_id": str(ids["coach"])},
                    headers=h["admin"]))  # fmt: skip
    world.res |= {"couple_ab": first["id"], "couple_c": second["id"]}

    def checkin(who: str, key: str, text: str, shared: bool = False) -> None:
        body = {"text": text.format(w=MARKERS[key][2]), "shared_with_partner": shared}
        world.res[key] = _ok(client.post("/v1/checkins", json=body, headers=h[who]))["id"]

    checkin("ana", "ana_shared", "We cooked dinner and laughed about {w} all evening.", True)
    checkin("ana", "ana_urgent", URGENT)
    checkin("ana", "ana_asked", ASKED)
    checkin("ben", "ben_private", "I felt a bit ignored at the {w} party.")
    checkin("ben", "ben_shared", "A quiet walk by the {w} pond together.", True)
    checkin("cleo", "cleo_note", "Our {w} holiday was lovely.")
    checkin("cleo", "cleo_urgent", URGENT)
    for who, key in (("ana", "ana_chat"), ("cleo", "cleo_chat")):
        conversation = _ok(client.post("/v1/conversations", headers=h[who]))["id"]
        _ok(client.post(f"/v1/conversations/{conversation}/messages",
                        json={"text": f"How do we talk about the {MARKERS[key][2]}?"},
                        headers=h[who]))  # fmt: skip
        world.res[f"conv_{who}"] = conversation
    for _ in range(3):
        drain(job_context)

    with database.unit_of_work() as session:
        for who, key in (("ana", "ana_urgent"), ("cleo", "cleo_urgent")):
            world.res[f"esc_{who}"] = str(
                session.scalar(
                    select(Escalation.id).where(Escalation.checkin_id == uuid.UUID(world.res[key]))
                )
            )
        world.res["question_ana"] = str(
            session.scalar(select(SafetyQuestion.id).where(SafetyQuestion.user_id == ids["ana"]))
        )
        world.res["token_cleo"] = str(Tokens(session).issue(ids["cleo"], name="spare").row.id)
        integrations = Integrations(session)
        made = integrations.create("journal")
        integrations.link(made.integration.id, "ext-ana", ids["ana"])
        sub = subscribe(
            session,
            integration_id=made.integration.id,
            url=check_url("http://127.0.0.1:9/hook", allow_private=True),
            events=["checkin.received"],
            coach_side=False,
        ).subscription
        session.flush()
        delivery = WebhookDelivery(
            subscription_id=sub.id, event_type="checkin.received", payload="{}", status="failed"
        )
        session.add(delivery)
        session.flush()
        world.res |= {"integration": str(made.integration.id), "subscription": str(sub.id),
                      "delivery": str(delivery.id)}  # fmt: skip
    assert all(v and v != "None" for v in world.res.values()), world.res
    return world


Row = tuple[str, str, dict[str, str] | None, dict[str, Any] | None, str]

# (method, path template, {path parameter: resource}, JSON body, statuses in the order of
# CALLERS). Resource "-": a well-formed id that exists nowhere. MATRIX_RECORD=1 prints the
# statuses the API gives now, in this format, instead of comparing them.
# fmt: off
ROWS: list[Row] = [
    ("GET", "/v1/healthz", None, None, "200 200 200 200 200 200 200 200"),
    ("GET", "/v1/readyz", None, None, "200 200 200 200 200 200 200 200"),
    ("GET", "/v1/me", None, None, "401 200 200 200 200 200 200 200"),
    ("GET", "/v1/me/consent", None, None, "401 200 200 200 403 403 403 403"),
    ("PATCH", "/v1/me/consent", None, {"coach_can_read_text": False}, "401 200 200 200 403 403 403 403"),
    ("GET", "/v1/me/export", None, None, "401 200 200 200 200 200 200 200"),
    ("GET", "/v1/me/tokens", None, None, "401 200 200 200 200 200 200 200"),
    ("POST", "/v1/me/tokens", None, {"name": "matrix"}, "401 201 201 201 201 201 201 201"),
    ("DELETE", "/v1/me/tokens/{token_id}", {"token_id": "token_cleo"}, None, "401 404 404 204 404 404 404 404"),
    ("DELETE", "/v1/me/tokens/{token_id}", {"token_id": "-"}, None, "401 404 404 404 404 404 404 404"),
    ("GET", "/v1/checkins", None, None, "401 200 200 200 200 200 200 200"),
    ("GET", "/v1/checkins/{checkin_id}", {"checkin_id": "ana_shared"}, None, "401 200 404 404 404 404 404 404"),
    ("GET", "/v1/checkins/{checkin_id}", {"checkin_id": "ana_urgent"}, None, "401 200 404 404 404 404 404 404"),
    ("GET", "/v1/checkins/{checkin_id}", {"checkin_id": "ben_private"}, None, "401 404 200 404 404 404 404 404"),
    ("GET", "/v1/checkins/{checkin_id}", {"checkin_id": "cleo_note"}, None, "401 404 404 200 404 404 404 404"),
    ("GET", "/v1/checkins/{checkin_id}", {"checkin_id": "-"}, None, "401 404 404 404 404 404 404 404"),
    ("POST", "/v1/checkins", None, {"text": "A calm evening."}, "401 202 202 202 403 403 403 403"),
    ("GET", "/v1/partner/checkins", None, None, "401 200 200 200 403 403 403 403"),
    ("GET", "/v1/conversations/{conversation_id}", {"conversation_id": "conv_ana"}, None, "401 200 404 404 404 404 404 404"),
    ("GET", "/v1/conversations/{conversation_id}", {"conversation_id": "conv_cleo"}, None, "401 404 404 200 404 404 404 404"),
    ("POST", "/v1/conversations/{conversation_id}/messages", {"conversation_id": "conv_cleo"}, {"text": "hello again"}, "401 404 404 200 404 404 404 404"),
    ("POST", "/v1/conversations", None, None, "401 201 201 201 403 403 403 403"),
    ("GET", "/v1/escalations", None, None, "401 403 403 403 200 200 403 200"),
    ("GET", "/v1/escalations/{escalation_id}", {"escalation_id": "esc_ana"}, None, "401 403 403 403 200 404 403 200"),
    ("GET", "/v1/escalations/{escalation_id}", {"escalation_id": "esc_cleo"}, None, "401 403 403 403 404 404 403 200"),
    ("POST", "/v1/escalations/{escalation_id}/acknowledge", {"escalation_id": "esc_ana"}, {"note": "called"}, "401 403 403 403 200 404 403 409"),
    ("POST", "/v1/escalations/{escalation_id}/resolve", {"escalation_id": "esc_cleo"}, {"note": "done"}, "401 403 403 403 404 404 403 200"),
    ("POST", "/v1/safety-questions/{question_id}/answer", {"question_id": "question_ana"}, {"answer": "no"}, "401 200 404 404 404 404 404 404"),
    ("POST", "/v1/couples", None, None, "401 409 409 409 403 403 403 403"),
    ("PATCH", "/v1/couples/current", None, {"stage": "mid"}, "401 200 200 200 403 403 403 403"),
    ("POST", "/v1/couples/join", None, {"invite_code": "NOSUCH-CODE"}, "401 404 404 404 403 403 403 403"),
    ("POST", "/v1/couples/current/invite", None, None, "401 409 409 201 403 403 403 403"),
    ("POST", "/v1/couples/{couple_id}/coaches", {"couple_id": "couple_c"}, {"coach_id": "00000000-0000-0000-0000-000000000000"}, "401 403 403 403 403 403 403 404"),
    ("POST", "/v1/integrations/{integration_id}/checkins", {"integration_id": "integration"}, {"external_user_id": "x", "text": "hello"}, "401 401 401 401 401 401 401 401"),
    ("GET", "/v1/admin/integrations/{integration_id}/subscriptions", {"integration_id": "integration"}, None, "401 403 403 403 403 403 403 200"),
    ("POST", "/v1/admin/integrations/{integration_id}/subscriptions", {"integration_id": "integration"}, {"url": "https://example.org/hook", "events": ["checkin.received"]}, "401 403 403 403 403 403 403 201"),
    ("GET", "/v1/admin/webhook-deliveries", None, None, "401 403 403 403 403 403 403 200"),
    ("GET", "/v1/admin/webhook-deliveries/{delivery_id}", {"delivery_id": "delivery"}, None, "401 403 403 403 403 403 403 200"),
    ("POST", "/v1/admin/webhook-deliveries/{delivery_id}/redeliver", {"delivery_id": "delivery"}, None, "401 403 403 403 403 403 403 200"),
    ("POST", "/v1/admin/webhook-subscriptions/{subscription_id}/disable", {"subscription_id": "subscription"}, None, "401 403 403 403 403 403 403 200"),
    ("DELETE", "/v1/couples/current", None, None, "401 204 204 204 403 403 403 403"),
    ("DELETE", "/v1/me", None, None, "401 204 204 204 204 204 204 204"),
]
# fmt: on


def test_every_route_has_a_row(client: Any) -> None:
    schema = client.get("/schema/openapi.json").json()
    served = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    listed = {(method, template) for method, template, *_ in ROWS}
    assert served - listed == set(), "routes without a row in the authorization matrix"
    assert listed - served == set(), "rows for routes the API no longer serves"


def test_the_matrix(
    client: Any, database: Database, knowledge_base: Path, job_context: Any
) -> None:
    world = _build(client, database, job_context)
    record = os.environ.get("MATRIX_RECORD") == "1"
    failures: list[str] = []
    for method, template, params, body, expected in ROWS:
        path = template
        for name, key in (params or {}).items():
            value = str(uuid.UUID(int=0)) if key == "-" else world.res[key]
            path = path.replace("{" + name + "}", value)
        got = []
        for caller in CALLERS:
            token = world.tokens[caller]
            answer = client.request(method, path, json=body,
                                    headers=auth(token) if token else {})  # fmt: skip
            got.append(str(answer.status_code))
            for marker, (_, _, word) in MARKERS.items():
                if word in answer.text and not may_read(caller, marker):
                    failures.append(f"{method} {path} as {caller}: {marker} leaked")
            if answer.status_code >= 400:
                kind = answer.headers.get("content-type", "")
                if not kind.startswith("application/problem+json"):
                    failures.append(f"{method} {path} as {caller}: {kind} error body")
        line = " ".join(got)
        if record:
            print(f'    ("{method}", "{template}", {params!r}, {body!r}, "{line}"),')
        elif line != expected:
            failures.append(f"{method} {template} {params}: expected {expected}, got {line}")
    assert not failures, "\n".join(failures)
