"""Reads the text around a rule match: negation, hypotheticals, media, idioms, jokes,
past-and-resolved accounts, timing, and whose risk it is."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from service.safety import cues
from service.safety.idioms import idiom_spans
from service.safety.mentions import Mention, Referent, find_mentions
from service.safety.rule import Attribution

_TOKEN = re.compile(r"\w+")
# How far back negation and timing reach, in tokens and characters respectively.
_NEGATION_REACH = 5
_TIMING_REACH = 80
_MENTION_REACH = 250
# How close a writer pronoun must be to make a bare crisis word the writer's own, in tokens.
_OWN_REACH = 4


@dataclass(frozen=True)
class Cue:
    """A context phrase that became evidence (a timing word, a means of self-harm)."""

    lang: str
    kind: str
    start: int
    end: int


def _spans(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in pattern.finditer(text))


class ContextAnalyser:
    """Context questions about one normalised check-in; cues are found lazily, once."""

    def __init__(self, text: str, languages: frozenset[str] | None = None) -> None:
        self.text = text
        # Per-language cue tables only run for the languages the detector switched on.
        self.languages = languages
        bounds = [0]
        for m in cues.SENTENCE_END.finditer(text):
            bounds.append(m.end())
        if bounds[-1] != len(text):
            bounds.append(len(text))
        self._sentence_starts = bounds[:-1] or [0]
        self._sentence_ends = bounds[1:] or [len(text)]

    # --- sentences and clauses ---------------------------------------------------------------
    def sentence_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)

    def sentence_window(self, pos: int, before: int = 0, after: int = 0) -> tuple[int, int]:
        i = self.sentence_of(pos)
        lo = max(0, i - before)
        hi = min(len(self._sentence_ends) - 1, i + after)
        return self._sentence_starts[lo], self._sentence_ends[hi]

    def clause_before(self, pos: int) -> str:
        start, end = self.sentence_window(pos)
        last = start
        # Search the whole sentence so boundaries that look ahead ("and he ...") still match.
        for m in cues.CLAUSE_BOUNDARY.finditer(self.text, start, end):
            if m.end() > pos:
                break
            last = m.end()
        return self.text[last:pos]

    def clause_after(self, pos: int) -> str:
        _, end = self.sentence_window(pos)
        segment = self.text[pos:end]
        m = cues.CLAUSE_BOUNDARY.search(segment)
        return segment[: m.start()] if m else segment

    # --- lazily computed cue spans -------------------------------------------------------------
    @cached_property
    def _idioms(self) -> tuple[tuple[int, int], ...]:
        return idiom_spans(self.text)

    @cached_property
    def _media(self) -> tuple[tuple[int, int], ...]:
        return _spans(cues.MEDIA, self.text)

    @cached_property
    def _hypothetical(self) -> tuple[tuple[int, int], ...]:
        return _spans(cues.HYPOTHETICAL, self.text)

    @cached_property
    def _laughs(self) -> tuple[tuple[int, int], ...]:
        return _spans(cues.LAUGH, self.text)

    @cached_property
    def _trivial(self) -> tuple[tuple[int, int], ...]:
        return _spans(cues.TRIVIAL, self.text)

    @cached_property
    def _past(self) -> tuple[tuple[int, int], ...]:
        return _spans(cues.PAST, self.text)

    @cached_property
    def _resolved(self) -> bool:
        return any(not self._negated_before(s) for s, _ in _spans(cues.RESOLVED, self.text))

    @cached_property
    def _timing(self) -> tuple[Cue, ...]:
        return self._cues(cues.TIMING, "timing")

    @cached_property
    def means(self) -> tuple[Cue, ...]:
        """Means or plan words for self-harm that are not negated, idiomatic or fictional."""
        return tuple(
            c
            for c in self._cues(cues.MEANS, "means")
            if not self._negated_before(c.start)
            and not self.in_idiom(c.start, c.end)
            and not self.in_media(c.start)
        )

    @cached_property
    def danger_now(self) -> tuple[Cue, ...]:
        """Signs the danger is happening now ("he's outside", "I'm locked in"), not negated."""
        return tuple(
            c
            for c in self._cues(cues.DANGER_NOW, "danger_now")
            if not self._negated_before(c.start) and not self.in_media(c.start)
        )

    @cached_property
    def _explicit_jokes(self) -> tuple[tuple[int, int], ...]:
        return _spans(cues.JOKE_EXPLICIT, self.text)

    @cached_property
    def _mentions(self) -> tuple[Mention, ...]:
        return find_mentions(self.text)

    def _cues(self, table: dict[str, re.Pattern[str]], kind: str) -> tuple[Cue, ...]:
        found = {
            (m.start(), m.end()): lang
            for lang, pat in table.items()
            if self.languages is None or lang in self.languages
            for m in pat.finditer(self.text)
        }
        return tuple(Cue(lang, kind, s, e) for (s, e), lang in sorted(found.items()))

    def _in_sentence(self, spans: tuple[tuple[int, int], ...], lo: int, hi: int) -> bool:
        return any(lo <= s < hi for s, _ in spans)

    def figurative_spans(self) -> tuple[tuple[str, int, int], ...]:
        """Idioms and media mentions anywhere in the text, matched by a rule or not."""
        return tuple(("idiom", s, e) for s, e in self._idioms) + tuple(
            ("media", s, e) for s, e in self._media
        )

    # --- the questions -------------------------------------------------------------------------
    def in_idiom(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self._idioms)

    def in_media(self, start: int) -> bool:
        lo, hi = self.sentence_window(start)
        return self._in_sentence(self._media, lo, hi)

    def hypothetical(self, start: int) -> bool:
        lo, _ = self.sentence_window(start)
        return self._in_sentence(self._hypothetical, lo, start)

    def joking(self, start: int) -> bool:
        """A laugh marker and a trivial object nearby: "I'll kill him if he eats my fries lol"."""
        lo, hi = self.sentence_window(start, before=1, after=1)
        if self._in_sentence(self._explicit_jokes, *self.sentence_window(start)):
            return True
        return self._in_sentence(self._laughs, lo, hi) and self._in_sentence(self._trivial, lo, hi)

    def past_resolved(self, start: int) -> bool:
        lo, hi = self.sentence_window(start, before=1)
        return self._resolved and self._in_sentence(self._past, lo, hi)

    def timing_near(self, start: int, end: int) -> Cue | None:
        for cue in self._timing:
            if start - _TIMING_REACH <= cue.start <= end + _TIMING_REACH and not (
                start <= cue.start < end
            ):
                return cue
        return None

    def _negated_before(self, pos: int, reach: int = 3) -> bool:
        before = cues.NEGATION_NEUTRALISERS.sub(" ", self.clause_before(pos))
        tokens = _TOKEN.findall(before)[-reach:]
        return any(t in cues.NEGATION_TOKENS for t in tokens)

    def negated(self, start: int, end: int, own: frozenset[str] = frozenset()) -> bool:
        """A negation shortly before, inside, or (de/fr) right after the match.

        ``own`` are negation words the rule's pattern spells out itself ("about not being
        here"): inside the match they are part of the danger, not a denial of it.
        """
        if self._negated_before(start, _NEGATION_REACH):
            return True
        inside = _TOKEN.findall(self.text[start:end])
        if any(t in cues.NEGATION_TOKENS and t not in own for t in inside):
            return True
        after = _TOKEN.findall(self.clause_after(end))[:2]
        return bool(after) and after[0] in cues.TRAILING_NEGATION_TOKENS

    def writer_is_subject(self, start: int) -> bool:
        """True for "I check my phone" (the writer's own habit, not monitoring)."""
        tokens = _TOKEN.findall(self.clause_before(start))[-2:]
        if not tokens:
            return False
        if tokens[-1] in cues.WRITER_SUBJECTS:
            return True
        return (
            len(tokens) == 2
            and tokens[0] in cues.WRITER_SUBJECTS
            and tokens[1] in cues.SUBJECT_ADVERBS
        )

    @cached_property
    def _professional(self) -> tuple[tuple[int, int], ...]:
        return _spans(cues.PROFESSIONAL, self.text)

    def at_work(self, start: int) -> bool:
        """A crisis word met on the job ("I'm a paramedic, we had a suicide call"), unless
        the writer names themself right before it ("I'm a nurse and I'm suicidal")."""
        lo, hi = self.sentence_window(start, before=1)
        if not self._in_sentence(self._professional, lo, hi):
            return False
        near = _TOKEN.findall(self.clause_before(start))[-_OWN_REACH:]
        return not any(t in cues.WRITER_TOKENS for t in near)

    def referent(self, start: int, attribution: Attribution) -> Referent:
        """Whose risk a match describes, from the nearest person mentioned before it."""
        if attribution is Attribution.SELF:
            return Referent.WRITER
        if attribution is Attribution.AUTO and self.at_work(start):
            return Referent.THIRD
        lo, _ = self.sentence_window(start, before=2)
        lo = max(lo, start - _MENTION_REACH)
        for mention in reversed(self._mentions):
            # A mention that starts inside the match is the match's own object ("hits the kids").
            if mention.start >= start or mention.start < lo:
                continue
            if mention.is_writer_pronoun and attribution is Attribution.OTHER:
                continue
            return mention.referent
        return Referent.WRITER
