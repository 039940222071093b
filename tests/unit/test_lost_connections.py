"""A lost Postgres connection is a 503 to retry, whatever layer reports it; a bad statement is
not."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, InterfaceError, ProgrammingError

from service.lib.db import is_disconnect


class _AdaptedError(Exception):
    """What SQLAlchemy's asyncpg adapter raises, with asyncpg's error as its cause."""


def _wrapped(driver_error: BaseException, kind: type[DBAPIError] = InterfaceError) -> DBAPIError:
    adapted = _AdaptedError(str(driver_error))
    adapted.__cause__ = driver_error
    return kind("SELECT 1", {}, adapted)


def test_a_connection_left_mid_operation_by_a_terminated_backend_is_lost() -> None:
    # Seen under load while every backend was being terminated: a 500 before this.
    busy = asyncpg.InterfaceError(
        "cannot switch to state 11; another operation (state 12) is in progress"
    )
    assert is_disconnect(busy)
    assert is_disconnect(_wrapped(busy))


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.AdminShutdownError(
            "terminating connection due to administrator command"
        ),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle"),
        ConnectionResetError("reset by peer"),
    ],
)
def test_connection_failures_are_lost_bare_or_wrapped(error: BaseException) -> None:
    assert is_disconnect(error)
    assert is_disconnect(_wrapped(error))


def test_a_bad_statement_is_not_a_lost_connection() -> None:
    wrong = asyncpg.exceptions.UndefinedColumnError('column "nope" does not exist')
    assert not is_disconnect(wrong)
    assert not is_disconnect(_wrapped(wrong, ProgrammingError))
    assert not is_disconnect(ValueError("not a database error"))
