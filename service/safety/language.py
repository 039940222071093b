"""Cheap stopword-based language detection for en/de/fr/es; a locale is only a hint."""

from __future__ import annotations

import re

from service.safety.normalize import normalize

SUPPORTED = ("en", "de", "fr", "es")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Only words that are frequent in one of the four languages and rare in the others.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and you he she my is it to not dont was with of that this we but have just what im are for be on his her at i its so been when they him feel"
    ),
    "de": _words(
        "ich und der die das nicht ist mit mein meine mich mir er sie wir ein eine zu auf hat habe aber wenn auch noch nur schon immer dass den dem bin sich wie bei mal kann will"
    ),
    "fr": _words(
        "je et le les il elle est pas une mon mes ne qui avec pour sur dans mais tout suis ai cest jai nous vous au du des ce sa moi tres quil fait"
    ),
    "es": _words(
        "yo y el los las una mi con por para pero muy mas esta estoy lo su del al ya siempre nunca cuando como porque tengo hoy me"
    ),
}
# "me" is Spanish, French and English; it only counts for Spanish when nothing else does.
_WEAK = {"es": frozenset({"me"})}
_MARKS = {
    "de": re.compile(r"[ßäöü]"),
    "es": re.compile(r"[ñ¿¡]"),
    "fr": re.compile(r"[çœèêàâîôûëï]"),
}
_TOKEN = re.compile(r"\w+")


def _locale_language(locale: str | None) -> str | None:
    if not locale:
        return None
    code = locale.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in SUPPORTED else None


def language_scores(text: str, locale: str | None = None) -> dict[str, float]:
    """Stopword and diacritic evidence per language; the locale adds a small nudge."""
    hint = _locale_language(locale)
    tokens = _TOKEN.findall(normalize(text).text)
    scores = dict.fromkeys(SUPPORTED, 0.0)
    for tok in tokens:
        for lang, words in _STOPWORDS.items():
            if tok in words:
                scores[lang] += 0.5 if tok in _WEAK.get(lang, ()) else 1.0
    lowered = text.lower()
    for lang, marks in _MARKS.items():
        scores[lang] += 2.0 * min(len(marks.findall(lowered)), 2)
    if hint is not None:
        scores[hint] += 0.75
    return scores


def detect_language(text: str, locale: str | None = None) -> str:
    """Return "en", "de", "fr", "es" or "und"; ``locale`` breaks ties and fills silence."""
    hint = _locale_language(locale)
    scores = language_scores(text, locale)
    best = max(scores.values())
    if best <= 0:
        return hint or "und"
    winners = [lang for lang, score in scores.items() if score == best]
    return winners[0] if len(winners) == 1 else (hint or "und")


# Below this much evidence a text is too short to rule any language out.
_GATE_MIN_EVIDENCE = 3.0


def active_languages(text: str, locale: str | None = None) -> frozenset[str]:
    """Languages whose rules should run on ``text``.

    English always runs (crisis words like "overdose" or "kms" leak into every language).
    Another language is switched off only when the text is clearly written in something else
    and shows no sign of it at all, so "let me bat first" never meets the French "me bat",
    while a mixed message ("he said si me voy me mata") keeps both lexicons.
    """
    scores = language_scores(text, locale)
    if max(scores.values()) < _GATE_MIN_EVIDENCE:
        return frozenset(SUPPORTED)
    hint = _locale_language(locale)
    return frozenset(
        lang for lang in SUPPORTED if lang == "en" or lang == hint or scores[lang] >= 1.0
    )
