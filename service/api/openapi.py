"""The OpenAPI document tells the truth about errors (client SDKs are generated from it).

Litestar documents the answers a handler returns; every error, though, leaves through
service/api/problems.py as ``application/problem+json``. ``document_problems`` rewrites each
operation's error responses after generation, in one place: the codes follow from what the
route is (authenticated, has path ids, reads a body, an idempotent POST, touches the database)
plus what the handler declares it can refuse, next to the code that refuses::

    @post("/", opt=problems({403: "only partners create a couple", 409: "already in one"}))

A route is authenticated unless it says ``opt={"public": True}``; ``opt={"database": False}``
for one that never touches Postgres. docs/api/errors.md is the reader's version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, get_args

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    Components,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
    SecurityScheme,
)
from litestar.routes import HTTPRoute
from pydantic import BaseModel

from service.api.problems import MEDIA_TYPE
from service.api.rate_limits import LIMITED_PREFIX, UNLIMITED, WRITES

PROBLEM = "Problem"
BEARER = "bearer"
BAD_CURSOR = "The cursor is not a `next_cursor` this API gave out."
IDEMPOTENCY_EXEMPT_PREFIX = "/v1/integrations/"  # as service/api/idempotency.py

# The default sentence per status; a handler's own words come first where it declares one.
ALWAYS: dict[int, str] = {
    400: "The request is malformed: a body that is not JSON of the documented shape, or an"
    " invalid parameter; `errors` lists what is wrong.",
    401: "The bearer token is missing, unknown, revoked or expired.",
    404: "Nothing with this id is visible to you.",
    413: "The body is larger than 64 KiB.",
    503: "The database connection was lost; nothing was written. Retry (see `Retry-After`).",
}
RATE_LIMITED = (  # service/api/rate_limits.py
    "Too many failed authentications from your address in 15 minutes"
    " (RATE_LIMIT_AUTH_FAILURES_PER_IP); wait `Retry-After` seconds."
)
RATE_LIMITED_WRITE = (
    "Too many writes with this token or from your address in a minute"
    " (RATE_LIMIT_WRITES_PER_MINUTE, RATE_LIMIT_WRITES_PER_IP_PER_MINUTE), or too many failed"
    " authentications from your address in 15 minutes; wait `Retry-After` seconds."
)
IDEMPOTENCY = {
    400: "The `Idempotency-Key` header is not 1 to 255 printable ASCII characters.",
    409: "A request with this `Idempotency-Key` is still in progress.",
    422: "This `Idempotency-Key` was used with a different request.",
}
HEADERS: dict[int, dict[str, str]] = {
    401: {"WWW-Authenticate": '`Bearer realm="attune"`.'},
    429: {"Retry-After": "Seconds to wait before trying again."},
    503: {"Retry-After": "Seconds to wait before trying again."},
}
REQUIRED_HEADERS = {(401, "WWW-Authenticate"), (429, "Retry-After")}


def problems(codes: Mapping[int, str]) -> dict[str, Any]:
    """Handler ``opt`` declaring the problem answers only its own logic gives, with why."""
    return {"problems": dict(codes)}


def problem_schema() -> Schema:
    """RFC 9457 problem details, as service/api/problems.py writes them."""
    string = Schema(type=OpenAPIType.STRING)
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["type", "title", "status"],
        properties={
            "type": Schema(type=OpenAPIType.STRING, description="Always `about:blank`."),
            "title": Schema(type=OpenAPIType.STRING, description="Short, per status."),
            "status": Schema(type=OpenAPIType.INTEGER, description="The HTTP status."),
            "detail": Schema(type=OpenAPIType.STRING, description="What went wrong, for people."),
            "errors": Schema(
                type=OpenAPIType.ARRAY,
                description="400: one entry per invalid field or parameter.",
                items=Schema(
                    type=OpenAPIType.OBJECT,
                    properties={"message": string, "key": string, "source": string},
                ),
            ),
        },
        additional_properties=True,  # a few problems carry more (couple_id, known, checks)
        description="An RFC 9457 problem (application/problem+json).",
    )


def operation_problems(
    handler: HTTPRouteHandler, operation: Operation, method: str, path: str
) -> dict[int, str]:
    """Every problem status this operation can answer, each with the sentence saying when."""
    opt = handler.opt
    found: dict[int, list[str]] = {}

    def add(status: int, why: str) -> None:
        found.setdefault(status, []).append(why)

    for status, why in opt.get("problems", {}).items():
        add(status, why)
    if bearer_authenticated(handler):
        add(401, ALWAYS[401])
    if operation.parameters or operation.request_body is not None:
        add(400, ALWAYS[400])
    if any("{" in part for part in path.split("/")):
        add(404, ALWAYS[404])
    if operation.request_body is not None:
        add(413, ALWAYS[413])
    if method == "POST" and not path.startswith(IDEMPOTENCY_EXEMPT_PREFIX):
        for status, why in IDEMPOTENCY.items():
            add(status, why)
    if path.startswith(LIMITED_PREFIX) and path not in UNLIMITED:
        add(429, RATE_LIMITED_WRITE if method in WRITES else RATE_LIMITED)
    if opt.get("database", True):
        add(503, ALWAYS[503])
    return {status: " ".join(dict.fromkeys(whys)) for status, whys in sorted(found.items())}


REF = "#/components/schemas/"


def problem_response(status: int, description: str) -> OpenAPIResponse:
    headers: dict[str, OpenAPIHeader | Reference] = {
        name: OpenAPIHeader(
            schema=Schema(type=OpenAPIType.STRING),
            description=text,
            required=(status, name) in REQUIRED_HEADERS,
        )
        for name, text in HEADERS.get(status, {}).items()
    }
    return OpenAPIResponse(
        description=description,
        headers=headers or None,
        content={MEDIA_TYPE: OpenAPIMediaType(schema=Reference(REF + PROBLEM))},
    )


def document_problems(app: Litestar) -> None:
    """Rewrite the app's generated OpenAPI document in place (it is built once and cached)."""
    openapi = app.openapi_schema
    components = openapi.components if isinstance(openapi.components, Components) else None
    if components is None:
        components = openapi.components = Components()
    components.schemas = {**(components.schemas or {}), PROBLEM: problem_schema()}
    components.security_schemes = {
        **(components.security_schemes or {}),
        BEARER: SecurityScheme(
            type="http", scheme="bearer", description="A token from `attune users create`."
        ),
    }
    for route, method, handler in _schema_handlers(app.routes):
        path_item = (openapi.paths or {}).get(route.path_format or "/")
        operation = getattr(path_item, method.lower(), None) if path_item else None
        if not isinstance(operation, Operation):
            continue
        responses = {
            code: response
            for code, response in (operation.responses or {}).items()
            if not code.startswith(("4", "5"))  # Litestar's own application/json guesses
        }
        statuses = operation_problems(handler, operation, method, route.path_format)
        for status, why in statuses.items():
            responses[str(status)] = problem_response(status, why)
        operation.responses = responses
        if bearer_authenticated(handler):
            operation.security = [{BEARER: []}]
        _describe_body(handler, operation, components.schemas)


def bearer_authenticated(handler: HTTPRouteHandler) -> bool:
    """A documented route takes a bearer token unless it says ``opt={"public": True}``."""
    return handler.resolve_include_in_schema() and not handler.opt.get("public")


def _describe_body(
    handler: HTTPRouteHandler, operation: Operation, schemas: dict[str, Any]
) -> None:
    """Say what body validation does: an optional body is optional, and a body model is
    described by Pydantic itself (Litestar's generator drops ``extra="forbid"``, the
    pattern of an optional string and the bounds of an optional number)."""
    body = operation.request_body
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None or body is None or isinstance(body, Reference):
        return
    if data.has_default or data.is_optional:
        body.required = False
    for model in _models(data.annotation):
        if model.__name__ in schemas:
            exact = model.model_json_schema(ref_template=REF + "{model}")
            schemas.update(exact.pop("$defs", {}))
            schemas[model.__name__] = exact


def _models(annotation: Any) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models(arg)


def repair_options_allow(app: Litestar) -> None:
    """``OPTIONS`` lists every method of its path in ``Allow``.

    Litestar builds a path's OPTIONS handler with the first route registered for the path and
    keeps it when a later registration adds methods (GET + DELETE /v1/me answered
    ``Allow: DELETE, OPTIONS``): point each one at the route it now serves.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "OPTIONS" not in route.route_handler_map:
            continue
        options = route.route_handler_map["OPTIONS"][0]
        for cell in getattr(options.fn, "__closure__", None) or ():
            if isinstance(cell.cell_contents, HTTPRoute):
                cell.cell_contents = route


def _schema_handlers(
    routes: Iterable[Any],
) -> Iterable[tuple[HTTPRoute, str, HTTPRouteHandler]]:
    for route in routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if method != "OPTIONS" and handler.resolve_include_in_schema():
                yield route, method, handler
