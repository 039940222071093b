"""Normalise free text for matching while remembering where every character came from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = frozenset("'\u2019\u2018`\u00b4\u02bc\u2032")
_SPECIAL = {"ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")

# Slang and chat spellings that are unambiguous across en/de/fr/es. Apostrophes are dropped
# before this step, so "don't" and "dont" already look the same and need no entry.
_SLANG = {
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "kms": "kill myself",
    "tonite": "tonight",
    "2nite": "tonight",
    "2night": "tonight",
    "2day": "today",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "rn": "right now",
    "idk": "i dont know",
    "ppl": "people",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "hubby": "husband",
    "pls": "please",
    "plz": "please",
    "cuz": "because",
    "coz": "because",
    "jveux": "je veux",
    "jsuis": "je suis",
    "chui": "je suis",
    "chuis": "je suis",
    "jpp": "je nen peux plus",
    "jsp": "je sais pas",
    "kiero": "quiero",
    "xq": "porque",
    "nich": "nicht",
}
_SLANG_RE = re.compile(r"\b(?:" + "|".join(sorted(_SLANG, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class NormalizedText:
    """Lower-cased, accent-free text plus, per character, its span in the original."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) onto the original text."""
        if not self.text or end <= start:
            return (0, 0)
        return self.starts[start], self.ends[end - 1]


_Char = tuple[str, int, int]


def _fold(ch: str) -> str:
    low = ch.lower()
    low = "".join(_SPECIAL.get(c, c) for c in low)
    decomposed = unicodedata.normalize("NFKD", low)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(_SPECIAL.get(c, c) for c in kept.lower())


def _fold_chars(text: str) -> list[_Char]:
    out: list[_Char] = []
    for i, ch in enumerate(text):
        if ch in _APOSTROPHES:
            continue
        if ch in _DASHES:
            out.append(("-", i, i + 1))
            continue
        for c in _fold(ch):
            out.append((" " if c.isspace() else c, i, i + 1))
    return out


def _squeeze(chars: list[_Char]) -> list[_Char]:
    """Collapse whitespace runs to one space and letter runs of 3+ ("sooo") to one letter."""
    out: list[_Char] = []
    i = 0
    while i < len(chars):
        c = chars[i][0]
        j = i
        while j + 1 < len(chars) and chars[j + 1][0] == c:
            j += 1
        run = j - i + 1
        if c == " " or (c.isalpha() and run >= 3):
            out.append((c, chars[i][1], chars[j][2]))
        else:
            out.extend(chars[i : j + 1])
        i = j + 1
    return out


def _expand_slang(chars: list[_Char]) -> list[_Char]:
    text = "".join(c for c, _, _ in chars)
    out: list[_Char] = []
    pos = 0
    for m in _SLANG_RE.finditer(text):
        out.extend(chars[pos : m.start()])
        start, end = chars[m.start()][1], chars[m.end() - 1][2]
        out.extend((c, start, end) for c in _SLANG[m.group(0)])
        pos = m.end()
    out.extend(chars[pos:])
    return out


def normalize(text: str) -> NormalizedText:
    """Lower-case, strip accents and apostrophes, squeeze repeats, expand chat slang."""
    chars = _expand_slang(_squeeze(_fold_chars(text)))
    return NormalizedText(
        text="".join(c for c, _, _ in chars),
        starts=tuple(s for _, s, _ in chars),
        ends=tuple(e for _, _, e in chars),
    )
