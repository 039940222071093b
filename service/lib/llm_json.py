"""Reading a model's JSON answer: lenient extraction, shape checks, structured-output modes.

Servers differ in how they constrain output: OpenAI, vLLM and llama.cpp's own server take a
``json_schema`` response format; llama-cpp-python's server only ``json_object`` (with an
optional ``schema`` it turns into a grammar); some proxies take neither. Whatever the mode,
the answer is parsed and checked here, so a server that ignores the format cannot slip an
unchecked shape through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import openai

JsonMode = Literal["json_schema", "json_object_schema", "json_object", "prompt"]
JSON_MODES: tuple[JsonMode, ...] = ("json_schema", "json_object_schema", "json_object", "prompt")
"""Strictest first; a gateway steps down one mode each time a server rejects the current one."""

_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n?(.*?)\n?```\s*$", re.DOTALL)


LIMIT_KEYWORDS = frozenset({"maxLength", "minLength", "maxItems", "minItems"})
"""Length limits a schema may carry. A grammar-constrained server (llama.cpp) enforces them,
which keeps a small model from writing until ``max_tokens`` cuts the JSON off; OpenAI's
strict mode refuses them, so they are left out of ``json_schema`` requests."""


def without_limits(schema: Any) -> Any:
    """``schema`` without ``LIMIT_KEYWORDS``, at every depth."""
    if isinstance(schema, dict):
        return {k: without_limits(v) for k, v in schema.items() if k not in LIMIT_KEYWORDS}
    if isinstance(schema, list):
        return [without_limits(v) for v in schema]
    return schema


def response_format(mode: JsonMode, name: str, schema: dict[str, Any]) -> Any:
    """The ``response_format`` request field for ``mode`` (None: leave it out)."""
    if mode == "json_schema":
        strict = without_limits(schema)
        return {"type": "json_schema",
                "json_schema": {"name": name, "schema": strict, "strict": True}}  # fmt: skip
    if mode == "json_object_schema":  # llama-cpp-python, Anyscale: the schema becomes a grammar
        return {"type": "json_object", "schema": schema}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def keys_hint(schema: Mapping[str, Any]) -> str:
    """One line for the system message when the server does not enforce the schema."""
    keys = ", ".join(f'"{k}"' for k in schema.get("required", schema.get("properties", {})))
    return f"Reply with one JSON object and nothing else, with exactly these keys: {keys}."


def request_fault(exc: openai.APIStatusError) -> bool:
    """Whether the server blames the request, whatever the status: llama-cpp-python answers
    a request its schema refuses (``response_format: json_schema``) with HTTP 500 and a
    validation error, which is not worth a retry and says nothing about the server's health."""
    if exc.status_code in (400, 422):
        return True
    detail = _detail(exc)
    return "validation error" in detail or "literal_error" in detail


def rejects_format(exc: BaseException | None, *fields: str) -> bool:
    """Whether a refused request names one of ``fields`` (e.g. no ``json_schema``)."""
    if not isinstance(exc, openai.APIStatusError) or not request_fault(exc):
        return False
    detail = _detail(exc)
    return any(f in detail for f in fields)


def _detail(exc: openai.APIStatusError) -> str:
    try:
        return f"{exc.message} {json.dumps(exc.body)}".lower()
    except (TypeError, ValueError):  # a body we cannot serialise: its message is enough
        return str(exc.message).lower()


def parse_object(content: str) -> Any:
    """The JSON value in ``content``; also inside a code fence or after a lead-in sentence,
    which small models add even when asked not to. Raises ``ValueError``."""
    text = content.strip()
    try:
        # strict=False: a raw newline or tab inside a string, which JSON forbids, came through
        # llama.cpp's grammar from Qwen2.5-1.5B in 2 of 7 safety messages (docs/llm.md); the
        # writer collapses whitespace anyway.
        return json.loads(text, strict=False)
    except json.JSONDecodeError as first:
        fenced = _FENCE.match(text)
        if fenced:
            text = fenced.group(1).strip()
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            raise ValueError(f"not JSON ({first.msg} at {first.pos})") from None
        try:
            return json.loads(text[start : end + 1], strict=False)
        except json.JSONDecodeError:
            raise ValueError(f"not JSON ({first.msg} at {first.pos})") from None


def shape_errors(value: Any, schema: Mapping[str, Any], path: str = "$") -> list[str]:
    """Where ``value`` breaks the types/required fields of ``schema`` (paths only, never values)."""
    if "anyOf" in schema:
        branches = [shape_errors(value, s, path) for s in schema["anyOf"]]
        return [] if any(not b for b in branches) else [f"{path}: matches no anyOf branch"]
    expected = schema.get("type")
    if expected is not None:
        allowed = expected if isinstance(expected, list) else [expected]
        if not any(_is_type(value, t) for t in allowed):
            return [f"{path}: expected {'|'.join(allowed)}, got {_json_type(value)}"]
    errors: list[str] = []
    if isinstance(value, dict):
        props: Mapping[str, Any] = schema.get("properties", {})
        errors += [f"{path}.{k}: missing" for k in schema.get("required", []) if k not in value]
        for key, sub in props.items():
            if key in value:
                errors += shape_errors(value[key], sub, f"{path}.{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(value):
            errors += shape_errors(item, schema["items"], f"{path}[{i}]")
    return errors


_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _is_type(value: Any, name: str) -> bool:
    check = _JSON_TYPES.get(name)
    return check(value) if check else True


def _json_type(value: Any) -> str:
    return next((n for n, check in _JSON_TYPES.items() if check(value)), type(value).__name__)
