"""Domain errors. The API maps each to one problem response (service/api/problems.py)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of errors a caller can act on."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFoundError(DomainError):
    status = 404
    title = "Not found"


class ConflictError(DomainError):
    status = 409
    title = "Conflict"


class ForbiddenError(DomainError):
    status = 403
    title = "Forbidden"


class UnauthenticatedError(DomainError):
    status = 401
    title = "Unauthenticated"


class InvalidInputError(DomainError):
    status = 422
    title = "Invalid input"
