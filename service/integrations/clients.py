"""Integration clients: who they are, what they may do, and which partners they speak for.

An integration signs what it sends with its secret; the secret is needed in clear to check a
signature, so it is stored encrypted (never hashed) and shown once. An integration names its
users by its own ids (``external_user_id``); each maps to one Attune partner, created the
first time the integration mentions them or linked explicitly by an operator. A mapping
belongs to one integration: the same external id in two integrations is two mappings, and no
integration can address a partner through another's ids.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from service.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from service.integrations.secrets import new_secret
from service.persistence.models import Integration, IntegrationUser, User

SCOPES = ("checkins:write", "events:read", "text:read")
DEFAULT_SCOPES = ("checkins:write", "events:read")
# After a rotation the old secret still verifies inbound requests for this long, so a sender
# can switch over without dropping requests.
ROTATION_GRACE = timedelta(hours=24)
MAX_EXTERNAL_ID = 200


@dataclass(frozen=True)
class NewIntegration:
    integration: Integration
    secret: str  # shown once


def check_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise InvalidInputError(
            f"unknown scope {', '.join(unknown)}; known scopes: {', '.join(SCOPES)}"
        )
    return sorted(set(scopes))


def check_external_id(external_user_id: str) -> str:
    value = external_user_id.strip()
    if not value or len(value) > MAX_EXTERNAL_ID or not value.isprintable():
        raise InvalidInputError(
            f"external_user_id must be 1-{MAX_EXTERNAL_ID} printable characters"
        )
    return value


class Integrations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self, name: str, scopes: list[str] | tuple[str, ...] = DEFAULT_SCOPES
    ) -> NewIntegration:
        name = name.strip()
        if not name or len(name) > 120:
            raise InvalidInputError("name must be 1-120 characters")
        secret = new_secret()
        integration = Integration(name=name, scopes=check_scopes(scopes), secret=secret)
        self.session.add(integration)
        self.session.flush()
        return NewIntegration(integration, secret)

    def list(self) -> list[tuple[Integration, int]]:
        """Every integration with how many partners it maps, oldest first."""
        mapped = (
            select(IntegrationUser.integration_id, func.count().label("n"))
            .group_by(IntegrationUser.integration_id)
            .subquery()
        )
        rows = self.session.execute(
            select(Integration, func.coalesce(mapped.c.n, 0))
            .outerjoin(mapped, mapped.c.integration_id == Integration.id)
            .order_by(Integration.created_at, Integration.id)
        ).all()
        return [(row[0], int(row[1])) for row in rows]

    def get(self, integration_id: uuid.UUID) -> Integration:
        integration = self.session.get(Integration, integration_id)
        if integration is None:
            raise NotFoundError("integration not found")
        return integration

    def rotate_secret(self, integration_id: uuid.UUID, *, now: datetime | None = None) -> str:
        """A new secret; the old one keeps verifying for ROTATION_GRACE."""
        integration = self._lock(integration_id)
        secret = new_secret()
        integration.previous_secret = integration.secret
        integration.previous_secret_expires_at = (now or datetime.now(UTC)) + ROTATION_GRACE
        integration.secret = secret
        self.session.flush()
        return secret

    def disable(self, integration_id: uuid.UUID) -> Integration:
        """No more check-ins in, no more events out (subscriptions stop with it)."""
        integration = self._lock(integration_id)
        if integration.status != "disabled":
            integration.status = "disabled"
            integration.disabled_at = datetime.now(UTC)
            self.session.flush()
        return integration

    def link(self, integration_id: uuid.UUID, external_user_id: str, user_id: uuid.UUID) -> bool:
        """Map ``external_user_id`` to an existing partner; True if a mapping was made, False if
        it already pointed there. Pointing an external id elsewhere is a conflict."""
        self.get(integration_id)
        external_user_id = check_external_id(external_user_id)
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFoundError("user not found")
        if user.role != "partner":
            raise InvalidInputError("only partners can be linked to an integration")
        existing = self.session.get(IntegrationUser, (integration_id, external_user_id))
        if existing is not None:
            if existing.user_id == user_id:
                return False
            raise ConflictError("this external_user_id is already linked to another partner")
        self.session.add(
            IntegrationUser(
                integration_id=integration_id,
                external_user_id=external_user_id,
                user_id=user_id,
                origin="linked",
            )
        )
        self.session.flush()
        return True

    def partner_for(self, integration: Integration, external_user_id: str, *, locale: str) -> User:
        """The partner behind ``external_user_id``, created on first sight.

        Concurrent first sights of the same id wait for each other on a transaction-scoped
        advisory lock, so exactly one partner is created.
        """
        external_user_id = check_external_id(external_user_id)
        self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"integration-user:{integration.id}:{external_user_id}"},
        )
        mapping = self.session.get(IntegrationUser, (integration.id, external_user_id))
        if mapping is not None:
            user = self.session.get(User, mapping.user_id)
            if user is None or user.role != "partner":
                raise ForbiddenError("this external user cannot send check-ins")
            return user
        # A partner of its own, reachable only through this mapping: no bearer token (an
        # operator can issue one with `attune tokens create` or `attune users rotate-token`).
        user = User(
            name=f"{integration.name}: {external_user_id}"[:120], role="partner", locale=locale
        )
        self.session.add(user)
        self.session.flush()
        self.session.add(
            IntegrationUser(
                integration_id=integration.id,
                external_user_id=external_user_id,
                user_id=user.id,
                origin="first_sight",
            )
        )
        self.session.flush()
        return user

    def _lock(self, integration_id: uuid.UUID) -> Integration:
        integration = self.session.scalar(
            select(Integration).where(Integration.id == integration_id).with_for_update()
        )
        if integration is None:
            raise NotFoundError("integration not found")
        return integration


def signing_secrets(integration: Integration, *, now: datetime | None = None) -> list[str]:
    """The secrets a signature may be made with now: the current one, and the previous one
    during its grace period."""
    secrets = [integration.secret]
    expires = integration.previous_secret_expires_at
    if integration.previous_secret and expires and expires > (now or datetime.now(UTC)):
        secrets.append(integration.previous_secret)
    return secrets


def integration_view(
    integration: Integration, mapped_users: int | None = None
) -> dict[str, object]:
    """An integration as operators see it (never its secret)."""
    view: dict[str, object] = {
        "id": str(integration.id),
        "name": integration.name,
        "scopes": list(integration.scopes),
        "status": integration.status,
        "created_at": integration.created_at.isoformat(),
        "secret_rotated": integration.previous_secret is not None,
    }
    if mapped_users is not None:
        view["mapped_users"] = mapped_users
    return view
