"""The served OpenAPI document tells the truth about errors and bodies (service/api/openapi.py):
client SDKs are generated from it."""

from __future__ import annotations

from typing import Any

import pytest
from redis import Redis

from service.lib.db import Database

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from service.api.app import create_app

    app = create_app(Database.connect("postgresql+psycopg://unit@127.0.0.1:9/unit"), Redis())
    return app.openapi_schema.to_schema()


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", item[method])
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    ]


def test_every_error_response_is_a_problem(document: dict[str, Any]) -> None:
    for label, operation in operations(document):
        errors = {code: r for code, r in operation["responses"].items() if code[0] in "45"}
        for code, response in errors.items():
            assert list(response["content"]) == ["application/problem+json"], (label, code)
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, (label, code)
            assert response["description"], (label, code)
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status"}


def test_authenticated_operations_document_bearer_and_401(document: dict[str, Any]) -> None:
    public = {
        "GET /v1/healthz",
        "GET /v1/readyz",
        "POST /v1/integrations/{integration_id}/checkins",
    }
    for label, operation in operations(document):
        if label in public:
            assert "security" not in operation, label
            continue
        assert operation["security"] == [{"bearer": []}], label
        assert "401" in operation["responses"], label
        assert operation["responses"]["401"]["headers"]["WWW-Authenticate"]["required"], label
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_codes_follow_from_the_route(document: dict[str, Any]) -> None:
    ops = dict(operations(document))
    read = ops["GET /v1/checkins/{checkin_id}"]["responses"]
    assert {"401", "404"} <= set(read) and "413" not in read and "409" not in read
    submit = ops["POST /v1/checkins"]["responses"]
    assert {"400", "401", "403", "409", "413", "422"} <= set(submit)
    assert "404" not in submit  # no id in the path, nothing to be missing
    assert set(ops["GET /v1/healthz"]["responses"]) == {"200"}  # no database, no token


def test_bodies_say_what_validation_checks(document: dict[str, Any]) -> None:
    ops = dict(operations(document))
    schemas = document["components"]["schemas"]
    # An optional body is documented as optional (POST /v1/conversations took none).
    assert ops["POST /v1/conversations"]["requestBody"]["required"] is False
    assert ops["POST /v1/checkins"]["requestBody"]["required"] is True
    checkin = schemas["CheckInBody"]
    assert checkin["additionalProperties"] is False  # extra="forbid"
    mood = checkin["properties"]["mood"]["anyOf"][0]
    assert (mood["minimum"], mood["maximum"]) == (1, 5)
    assert "pattern" in checkin["properties"]["locale"]["anyOf"][0]
    assert "pattern" in schemas["JoinBody"]["properties"]["invite_code"]


def test_schema_omits_the_dashboard_and_metrics(document: dict[str, Any]) -> None:
    assert not [p for p in document["paths"] if p.startswith(("/dashboard", "/metrics"))]


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        ({"text": "  a  "}, True),
        ({"text": "a", "mood": 3.0}, True),  # JSON Schema: 3.0 is an integer
        ({"text": " \n\t "}, False),
        ({"text": "a\x00b"}, False),  # Postgres text holds no NUL
        ({"text": "a", "mood": True}, False),
        ({"text": "a", "mood": "3"}, False),
        ({"text": "a", "mood": 2.5}, False),
    ],
)
def test_checkin_body_validation_matches_its_schema(body: dict[str, Any], accepted: bool) -> None:
    import jsonschema_rs
    from pydantic import ValidationError

    from service.checkins.controllers import CheckInBody

    valid_by_schema = jsonschema_rs.validator_for(CheckInBody.model_json_schema()).is_valid(body)
    try:
        CheckInBody.model_validate(body, strict=True)
        valid_by_model = True
    except ValidationError:
        valid_by_model = False
    assert valid_by_schema == valid_by_model == accepted
