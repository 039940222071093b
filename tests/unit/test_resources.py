"""Crisis resources follow the partner's locale, with an explicit fallback."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.coaching.resources import FALLBACK, load_directory, region_for, resources_for
from tests.conftest import KNOWLEDGE

DIRECTORY = KNOWLEDGE / "resources"
REQUIRED = ("US", "CA", "GB", "IE", "AU", "NZ", "DE", "FR", "ES", "IN")


@pytest.mark.parametrize("code", REQUIRED)
def test_every_locale_has_crisis_and_violence_help_or_a_fallback(code: str) -> None:
    table = load_directory(DIRECTORY)
    assert code in table, f"{code} has no resource file"
    res = table[code]
    assert res.emergency_number, f"{code} has no emergency number"
    assert res.crisis or table[FALLBACK].crisis
    assert res.domestic_violence or table[FALLBACK].domestic_violence
    assert res.verified_on


def test_fallback_exists_and_points_to_local_services() -> None:
    fallback = load_directory(DIRECTORY)[FALLBACK]
    assert fallback.crisis and all(r.web or r.phone for r in fallback.crisis)


@pytest.mark.parametrize(
    ("locale", "region"),
    [("en-US", "US"), ("en-GB", "GB"), ("en-UK", "GB"), ("de-DE", "DE"), ("de", "DE"),
     ("fr-CA", "CA"), ("es", "ES"), ("en", FALLBACK), (None, FALLBACK), ("pt-BR", "BR"),
     ("en_AU", "AU")],
)  # fmt: skip
def test_region_for(locale: str | None, region: str) -> None:
    assert region_for(locale) == region


def test_unknown_region_gets_the_international_fallback() -> None:
    assert resources_for(DIRECTORY, "pt-BR").code == FALLBACK


@given(st.text(max_size=40))
def test_any_locale_string_yields_resources(locale: str) -> None:
    assert resources_for(DIRECTORY, locale).code
