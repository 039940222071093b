"""The check-in statement's two spellings (SQLAlchemy named, asyncpg positional) stay in step."""

from __future__ import annotations

import re

from service.checkins import intake
from service.lib.db import async_url


def test_positional_statement_numbers_every_named_parameter_once() -> None:
    for key, statement in intake._STATEMENTS.items():
        names = statement.names
        driver = intake._DRIVER_SQL[key]
        assert not re.search(r":\w+", driver.replace("::", "")), key  # nothing left unbound
        used = sorted({int(n) for n in re.findall(r"\$(\d+)", driver)})
        assert used == list(range(1, len(names) + 1)), key
        # The same name always gets the same position ("now" is used more than once).
        uses = {"id": 2, "token": 5}[key]  # token: also the expiry and the last-use stamp
        assert driver.count(f"${names.index('now') + 1}") == uses


def test_writer_is_found_by_id_or_by_token_hash_never_both() -> None:
    assert "user_id" in intake._NAMES["id"] and "token_hash" not in intake._NAMES["id"]
    assert "token_hash" in intake._NAMES["token"] and "user_id" not in intake._NAMES["token"]


def test_by_token_only_a_live_token_finds_the_writer_and_its_use_is_noted_in_one_statement() -> (
    None
):
    statement = intake._DRIVER_SQL["token"]
    assert "FROM api_tokens" in statement and "t.expires_at IS NULL OR t.expires_at >" in statement
    assert "UPDATE api_tokens SET last_used_at" in statement
    assert statement.count(";") == 0  # still one statement, one round trip
    assert "api_tokens" not in intake._DRIVER_SQL["id"]  # the cached path touches users only


def test_async_url_keeps_host_socket_and_credentials() -> None:
    assert (
        async_url("postgresql+psycopg://u:p%40ss@/attune?host=/tmp/pg")
        == "postgresql+asyncpg://u:p%40ss@/attune?host=%2Ftmp%2Fpg"
    )
    assert async_url("postgres://u:p@db:5432/attune") == "postgresql+asyncpg://u:p@db:5432/attune"
