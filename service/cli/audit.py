"""`attune audit export`: the audit log for reviews and archives (admins' path, no token).

Scripting contract: with `--json`, one JSON object per line per audit row, oldest first,
with the fields of service/dashboard/audit.py `entry_view` (never the words that were read).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, *, now: datetime | None = None) -> datetime:
    """An ISO date or datetime (no zone: UTC), or a duration back from now: 90m, 24h, 7d, 2w."""
    if match := _DURATION.match(value):
        amount, unit = int(match.group(1)), match.group(2)
        try:
            return (now or datetime.now(UTC)) - timedelta(**{_UNITS[unit]: amount})
        except OverflowError:
            raise click.BadParameter(
                f"{value!r} reaches too far back", param_hint="--since"
            ) from None
    try:
        moment = datetime.fromisoformat(value.strip())  # a date alone is its midnight
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither an ISO date/datetime (2025-05-01, 2025-05-01T08:00:00+02:00) "
            "nor a duration (30m, 24h, 7d, 2w)",
            param_hint="--since",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.group()
def audit() -> None:
    """The audit log: who read or did what, when, from where."""


@audit.command("export")
@click.option(
    "--since",
    required=True,
    metavar="WHEN",
    help="ISO date or datetime (UTC unless it says otherwise), or a duration: 24h, 7d, 2w.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (for scripts).")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where embedded Postgres/Redis keep data [default: ./.attune or $DATA_DIR].",
)
def export(since: str, as_json: bool, data_dir: Path | None) -> None:
    """Print the audit rows recorded since WHEN, oldest first."""
    # Imported here: main.py imports this module to register the group.
    from service.cli.main import _settings
    from service.cli.runtime import database
    from service.dashboard.audit import entries, entry_view

    start = parse_since(since)
    with database(_settings(data_dir)) as handle, handle.db.unit_of_work() as session:
        for entry in entries(session, since=start):
            row = entry_view(entry)
            if as_json:
                click.echo(json.dumps(row, sort_keys=True))
            else:
                subject = (
                    f"{row['subject_type']} {row['subject_id']}" if row["subject_type"] else "-"
                )
                click.echo(
                    f"{row['at']}  {row['actor_role']:<6} {row['actor_id'] or '-'}  "
                    f"{row['action']:<15} {subject}  {row['ip'] or '-'}"
                )
