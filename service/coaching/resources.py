"""Crisis and domestic-violence resources per locale, from ``knowledge/resources/*.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

FALLBACK = "INTL"
# Locales whose region code differs from the file name, or that name only a language.
_ALIASES = {"UK": "GB", "DE": "DE", "FR": "FR", "ES": "ES"}
_LANGUAGE_DEFAULT = {"de": "DE", "fr": "FR", "es": "ES"}


@dataclass(frozen=True)
class Resource:
    name: str
    phone: str | None = None
    text: str | None = None
    web: str | None = None
    hours: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class LocaleResources:
    code: str
    country: str
    emergency_number: str | None
    crisis: tuple[Resource, ...]
    domestic_violence: tuple[Resource, ...]
    verified_on: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "locale": self.code,
            "country": self.country,
            "emergency_number": self.emergency_number,
            "crisis": [r.as_dict() for r in self.crisis],
            "domestic_violence": [r.as_dict() for r in self.domestic_violence],
            "verified_on": self.verified_on,
        }


def _entries(raw: Any) -> tuple[Resource, ...]:
    allowed = {"name", "phone", "text", "web", "hours"}
    return tuple(
        Resource(**{k: str(v) for k, v in item.items() if k in allowed}) for item in raw or []
    )


@lru_cache(maxsize=4)
def load_directory(directory: Path) -> dict[str, LocaleResources]:
    table: dict[str, LocaleResources] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        code = str(data.get("locale", path.stem)).upper()
        emergency = data.get("emergency_number")
        table[code] = LocaleResources(
            code=code,
            country=str(data.get("country", code)),
            emergency_number=str(emergency) if emergency else None,
            crisis=_entries(data.get("crisis")),
            domestic_violence=_entries(data.get("domestic_violence")),
            verified_on=str(data.get("verified_on", "")),
        )
    return table


def region_for(locale: str | None) -> str:
    """``en-GB`` → ``GB``, ``de`` → ``DE``, ``en`` or unknown → the international fallback."""
    if not locale:
        return FALLBACK
    parts = locale.replace("_", "-").split("-")
    if len(parts) >= 2 and parts[-1].isalpha() and len(parts[-1]) == 2:
        region = parts[-1].upper()
        return _ALIASES.get(region, region)
    return _LANGUAGE_DEFAULT.get(parts[0].lower(), FALLBACK)


def resources_for(directory: Path, locale: str | None) -> LocaleResources:
    """Resources for the partner's locale, or the international fallback."""
    table = load_directory(directory)
    region = region_for(locale)
    if region in table:
        return table[region]
    if FALLBACK in table:
        return table[FALLBACK]
    return LocaleResources(FALLBACK, "International", None, (), (), "")
