"""Reads the text around a rule match: negation, hypotheticals, media, idioms, jokes, sport
and play, past-and-resolved accounts (also told over a whole paragraph), timing, and whose
risk it is: the writer's, a child's, or someone else's (a friend's story told over several
sentences, a quotation of someone else's words, a crisis met at work)."""

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

    def __init__(
        self,
        text: str,
        languages: frozenset[str] | None = None,
        quotes: tuple[tuple[int, int], ...] = (),
    ) -> None:
        self.text = text
        # Per-language cue tables only run for the languages the detector switched on.
        self.languages = languages
        # Spans of normalised text inside quotation marks (found in the original text).
        self.quotes = quotes
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
    def _raw_mentions(self) -> tuple[Mention, ...]:
        return find_mentions(self.text)

    @cached_property
    def _mentions(self) -> tuple[Mention, ...]:
        """Mentions, with "his dad", "her son", "son fils" read against whose story it is: after
        "our son's best friend", "his stepdad" is the friend's stepdad, not the partner."""
        raw = self._raw_mentions
        out: list[Mention] = []
        for i, m in enumerate(raw):
            if m.possessive_other and self._owner_is_third(raw, i):
                m = m.with_referent(Referent.THIRD)
            out.append(m)
        return tuple(out)

    def _owner_is_third(self, raw: tuple[Mention, ...], i: int) -> bool:
        lo, _ = self.sentence_window(raw[i].start, before=1)
        for prev in reversed(raw[:i]):
            if prev.start < lo:
                break
            if prev.is_writer_pronoun or prev.possessive_other:
                continue
            return prev.referent is Referent.THIRD
        return self.story_frame(raw[i].start) is Referent.THIRD

    @cached_property
    def _story_events(self) -> tuple[tuple[int, Mention | None], ...]:
        """Where the text turns to someone else's story (the person it is about), and where it
        comes back to the writer (None)."""
        events: list[tuple[int, Mention | None]] = [
            (m.start, m)
            for m in self._raw_mentions
            if m.may_open_story and self._story_subject(m.start) and not self._in_quote(m.start)
        ]
        events += [
            (m.start, None)
            for m in self._raw_mentions
            if (m.is_own_partner or (m.kind == "child" and m.own)) and not self._in_quote(m.start)
        ]
        events += [(s, None) for s, _ in _spans(cues.RETURN_TO_WRITER, self.text)]
        return tuple(sorted(events, key=lambda e: e[0]))

    def _story_subject(self, pos: int) -> bool:
        """A person named as the one the text is about ("My best friend Tamika came over",
        "worried about my brother"), not a place or a companion ("at the neighbours")."""
        before = self.text[max(0, pos - 20) : pos]
        if cues.STORY_ABOUT.search(before):
            return True
        tokens = _TOKEN.findall(before)
        return not tokens or tokens[-1] not in cues.PREPOSITIONS

    def story_about(self, pos: int) -> tuple[Mention, ...]:
        """Whose story the text is telling at ``pos``: a friend's, relative's or colleague's
        story stays theirs across sentences until the writer names their own partner or child,
        or comes back to themselves ("anyway", "as for us"). Everyone the story has named since
        (the brother, then his wife); empty when it is the writer's own."""
        people: list[Mention] = []
        for start, mention in self._story_events:
            if start >= pos:
                break
            people = [*people, mention] if mention is not None else []
        return tuple(people)

    def story_frame(self, pos: int) -> Referent:
        """THIRD inside someone else's story, else WRITER."""
        return Referent.THIRD if self.story_about(pos) else Referent.WRITER

    def _third_story(self, start: int, end: int) -> bool:
        """In someone else's story, and the match's "he"/"she"/"her"/"him" can be about one of
        its people: "my sister ... he hits them" is not the sister's story any more."""
        people = self.story_about(start)
        if not people:
            return False
        pronouns = [p for p in self._pronoun_genders(start, end) if p]
        if not pronouns or any(not m.gender or m.gender in pronouns for m in people):
            return True
        # A story about a couple ("she's been with Rob for years"): "he" is her partner.
        return any(m.kind == "thirdpartner" for m in people) or bool(
            cues.STORY_COUPLE.search(self.text, people[0].start, start)
        )

    def _pronoun_genders(self, start: int, end: int) -> list[str]:
        genders = [cues.PRONOUN_GENDER.get(t, "") for t in _TOKEN.findall(self.text[start:end])]
        subject = _TOKEN.findall(self.clause_before(start))
        actor = next((t for t in reversed(subject) if t in cues.PRONOUN_GENDER), None)
        return [*genders, cues.PRONOUN_GENDER[actor]] if actor else genders

    def _own_in_or_after(self, start: int, end: int) -> Referent | None:
        """The writer's own child, partner or body named in the match or right after it:
        "hit our daughter", "the bruises on my arms"."""
        for m in self._raw_mentions:
            if start <= m.start < end and m.own and not m.is_writer_pronoun:
                if m.kind == "child":
                    return Referent.CHILD
                if m.is_own_partner:
                    return Referent.WRITER
        if cues.OWN_BODY_AFTER.match(self.text, end):
            return Referent.WRITER
        return None

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

    def past_resolved(self, start: int, end: int | None = None) -> bool:
        """A past that is over: the finding sits in a story told in the past (a past cue in its
        sentence or the one before, or a past frame still open), and the text says the present
        is safe or that the relationship or household is over. Never for the current partner:
        not when the writer says they are still together, nor when the finding's own sentence
        names the current partner ("my husband")."""
        end = start if end is None else end
        if self._still_together or self._own_partner_in_sentence(start, end):
            return False
        own_lo, own_hi = self.sentence_window(start)
        if self._resolved and self._in_sentence(self._past, own_lo, own_hi):
            return True
        # A past cue in the sentence before counts unless this sentence is about now
        # ("I left him in 2018. Now my new boyfriend checks my phone").
        lo, _ = self.sentence_window(start, before=1)
        if (
            self._resolved
            and self._in_sentence(self._past, lo, own_lo)
            and not self._in_sentence(self._present, own_lo, own_hi)
        ):
            return True
        return (self._resolved or self._ended) and self.in_past_frame(start)

    @cached_property
    def _present(self) -> tuple[tuple[int, int], ...]:
        return _spans(cues.PRESENT, self.text)

    @cached_property
    def _ended(self) -> bool:
        return any(not self._negated_before(s) for s, _ in _spans(cues.ENDED, self.text))

    @cached_property
    def _still_together(self) -> bool:
        return bool(cues.STILL_TOGETHER.search(self.text))

    def _own_partner_in_sentence(self, start: int, end: int) -> bool:
        """The last partner named before (or in) the finding in its sentence is the current
        one: "back in 2015 my husband hit me" (not "my husband knows my ex used to hit me")."""
        lo, _ = self.sentence_window(start)
        partners = [
            m
            for m in self._raw_mentions
            if lo <= m.start < end and m.kind in ("partner", "thirdpartner", "parent")
        ]
        return bool(partners) and partners[-1].is_own_partner

    @cached_property
    def _past_frames(self) -> tuple[tuple[int, int], ...]:
        """Stretches told in the past: from a sentence with a past cue up to the next sentence
        that speaks of now ("now", "these days", "he still", "last week", "she is")."""
        letter = cues.LETTER_TO_PAST_SELF.search(self.text)
        if letter is not None:
            return ((letter.start(), len(self.text)),)
        opens = _spans(cues.PAST, self.text) + _spans(cues.PAST_OPENERS, self.text)
        present = self._present
        frames: list[tuple[int, int]] = []
        frame_start: int | None = None
        for lo, hi in zip(self._sentence_starts, self._sentence_ends, strict=True):
            now = self._in_sentence(present, lo, hi)
            if frame_start is not None and now:
                frames.append((frame_start, lo))
                frame_start = None
            if frame_start is None and not now and self._in_sentence(opens, lo, hi):
                frame_start = lo
        if frame_start is not None:
            frames.append((frame_start, len(self.text)))
        return tuple(frames)

    def in_past_frame(self, start: int) -> bool:
        return any(lo <= start < hi for lo, hi in self._past_frames)

    # --- sport, training and play --------------------------------------------------------------
    def sport_or_play(self, start: int) -> bool:
        """Contact in a sport, a self-defence class or children's play-fighting ("krav maga
        class, she put me in a chokehold"; the boys, 8 and 11, wrestling), with no sign that
        it was anger, a fight or unwanted."""
        lo, hi = self.sentence_window(start, before=1, after=1)
        window = self.text[lo:hi]
        if cues.NOT_PLAY.search(window):
            return False
        if cues.SPORT.search(window) and cues.SPORT_TOGETHER.search(window):
            return True
        own_lo, own_hi = self.sentence_window(start)
        return (
            bool(cues.PLAY.search(window))
            and bool(cues.SIBLINGS.search(window))
            and not cues.ADULT_ACTOR.search(self.text, own_lo, own_hi)
        )

    # --- low mood: hopelessness about what --------------------------------------------------------
    def hopeless_about_relationship(self, start: int) -> bool:
        """Hopelessness about the couple or the job ("hopeless tonight, same row again, he says
        we should give up"), with no word about living or dying nearby."""
        lo, hi = self.sentence_window(start, before=1, after=1)
        window = self.text[lo:hi]
        return bool(cues.ABOUT_RELATIONSHIP.search(window)) and not cues.ABOUT_LIVING.search(window)

    def same_sentence(self, a: int, b: int) -> bool:
        return self.sentence_of(a) == self.sentence_of(b)

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

    # --- whose words ---------------------------------------------------------------------------
    def _in_quote(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.quotes)

    def quote_speaker(self, pos: int) -> str | None:
        """Who speaks the quotation around ``pos``: "writer", "partner", "child", "third",
        "other" (a "he" or "she" nobody was named for), or None when ``pos`` is not quoted or
        no speaker can be found."""
        span = next(((s, e) for s, e in self.quotes if s <= pos < e), None)
        if span is None:
            return None
        start, end = span
        lo, _ = self.sentence_window(max(0, start - 1))
        lo = max(lo, start - 160)
        owned = cues.MESSAGE_OF.search(self.text, lo, start)
        if owned is not None:
            # "my friend's message: '...'": the mention right before the "'s".
            owner = next(
                (
                    m
                    for m in self._mentions
                    if m.end == owned.start() + 1 and not m.is_writer_pronoun
                ),
                None,
            )
            if owner is not None:
                return self._whose(owner)
        verbs = list(cues.SPEECH.finditer(self.text, lo, start))
        if verbs:
            said_by = self._speaker_before(lo, verbs[-1].start())
            if said_by is None and cues.THIRD_PERSON_SPEECH.fullmatch(verbs[-1].group(0)):
                return "other"  # "me dijo «...»": Spanish drops the "he" or "she"
            return said_by
        after = cues.SPEECH.search(self.text, end, min(len(self.text), end + 50))
        if after is not None:
            # "'I want to die,' she said" or "... said my son".
            said_by = self._speaker_before(end, after.start())
            if said_by is not None:
                return said_by
            return self._speaker_after(after.end())
        return None

    @cached_property
    def _taken_back(self) -> bool:
        return bool(cues.TAKEN_BACK.search(self.text))

    def quoted_by_other(self, pos: int) -> bool:
        """Inside a quotation someone other than the writer said or wrote."""
        return self.quote_speaker(pos) not in (None, "writer")

    def threat_to_writer(self, start: int, end: int, attribution: Attribution) -> bool:
        """Someone else's self-harm hung on what the writer does: quoted ("if you leave me I'll
        kill myself") or told ("he says he'll kill himself if I leave"). A threat aimed at the
        writer: coercive control, not the other person's own risk."""
        if self.quoted_by_other(start):
            span = next((s, e) for s, e in self.quotes if s <= start < e)
            return bool(cues.CONDITIONAL_ON_WRITER.search(self.text, *span))
        if attribution is Attribution.SELF or not (
            attribution is Attribution.OTHER or self._third_person_subject(start, end)
        ):
            return False
        lo, hi = self.sentence_window(start)
        if not (
            cues.CONDITIONAL_ON_WRITER_REPORTED.search(self.text, lo, hi)
            or cues.THREAT_HOOK.search(self.text, lo, hi)
        ):
            return False
        # An ex the writer has left, threatening to make them talk: someone else's crisis the
        # writer is asked to carry, not control inside the couple.
        who = self._antecedent(start)
        return who is None or not who.ex

    def _speaker_before(self, lo: int, verb: int) -> str | None:
        """The subject of a speech verb: the first person named (or subject pronoun) in the
        nearest clause before it that names anyone ("I told my husband: ..." is the writer's,
        "my son, who's 16, yelled ..." the son's)."""
        found: list[tuple[int, str | None]] = []
        for m in _TOKEN.finditer(self.text, lo, verb):
            token = m.group(0)
            if token in cues.WRITER_SPEAKERS:
                found.append((m.start(), "writer"))
            elif token in cues.OTHER_SPEAKERS:
                found.append((m.start(), self._whose(self._antecedent(m.start()))))
        found += [
            (mention.start, self._whose(mention))
            for mention in self._mentions
            if lo <= mention.start < verb and not mention.is_writer_pronoun
        ]
        if not found:
            return None
        bounds = [b.end() for b in cues.CLAUSE_BOUNDARY.finditer(self.text, lo, verb)]
        clause_of = {pos: bisect.bisect_right(bounds, pos) for pos, _ in found}
        last = max(clause_of.values())
        return min((pos, who) for pos, who in found if clause_of[pos] == last)[1]

    def _speaker_after(self, pos: int) -> str | None:
        window = self.text[pos : pos + 40]
        first = re.match(r"\s*(\w+)", window)
        if first and first.group(1) in cues.WRITER_SPEAKERS:
            return "writer"
        if first and first.group(1) in cues.OTHER_SPEAKERS:
            return self._whose(self._antecedent(pos))
        mention = next((m for m in self._mentions if pos <= m.start < pos + 40), None)
        return self._whose(mention) if mention and not mention.is_writer_pronoun else None

    def _antecedent(self, pos: int) -> Mention | None:
        """Who "he" or "she" at ``pos`` most likely is: the nearest person named before it."""
        lo, _ = self.sentence_window(pos, before=2)
        lo = max(lo, pos - _MENTION_REACH)
        for mention in reversed(self._mentions):
            if mention.start >= pos or mention.is_writer_pronoun or mention.plural:
                continue
            if mention.start < lo:
                break
            return mention
        return None

    def _whose(self, mention: Mention | None) -> str:
        """A speaker as quote_speaker names them; a child in someone else's story is theirs."""
        if mention is None:
            return "other"  # a "he" or "she" nobody was named for: not the writer
        if mention.referent is Referent.THIRD:
            return "third"
        if mention.referent is Referent.CHILD:
            return (
                "third"
                if self.story_frame(mention.start) is Referent.THIRD and not mention.own
                else "child"
            )
        return "partner"

    def _third_person_subject(self, start: int, end: int) -> bool:
        """Someone else is the subject and the match itself does not name the writer: "she's
        been self-harming", "she's not allowed to leave"."""
        if cues.FIRST_PERSON.search(self.text, start, end):
            return False
        before = self.clause_before(start)
        if cues.THIRD_PERSON_SUBJECT.search(before):
            return True
        # "my husband has been suicidal": a person named right before, then only "has been".
        named = [
            m
            for m in self._mentions
            if not m.is_writer_pronoun and start - len(before) <= m.start and m.end <= start
        ]
        return bool(named) and bool(cues.BE_AUX_ONLY.fullmatch(self.text, named[-1].end, start))

    def referent(
        self,
        start: int,
        attribution: Attribution,
        end: int | None = None,
        *,
        own_harm: bool = False,
    ) -> Referent:
        """Whose risk a match describes, from the nearest person mentioned before it, the
        speaker of a quotation around it, and whose story the text is telling.

        ``own_harm``: the match is about its subject's harm to themself (self-harm); said by
        anyone but the writer, or done by the partner, it is not the writer's own risk.
        """
        end = start if end is None else end
        if own_harm and self.threat_to_writer(start, end, attribution):
            return Referent.WRITER
        if own_harm and self.quoted_by_other(start):
            # "I want to kill myself", shouted or texted by someone else: their words. A child
            # of the household saying it is the household's danger, unless it was taken back
            # ("he said he didn't mean it, he was just angry").
            if self.quote_speaker(start) == "child" and not self._taken_back:
                return Referent.CHILD
            return Referent.THIRD
        third_subject = self._third_person_subject(start, end)
        if attribution is Attribution.SELF:
            # "she's not allowed to leave the house", in a friend's story: the friend's.
            if not (third_subject and self._third_story(start, end)):
                return Referent.WRITER
            attribution = Attribution.OTHER
        if self.at_work(start):
            return Referent.THIRD
        own = self._own_in_or_after(start, end)
        if own is not None:
            return own
        skip_writer = attribution is Attribution.OTHER or third_subject
        singular = bool(cues.SINGULAR_OBJECT.search(self.text, start, end))
        lo, _ = self.sentence_window(start, before=2)
        lo = max(lo, start - _MENTION_REACH)
        for mention in reversed(self._mentions):
            # A mention that starts inside the match is the match's own object ("hits the kids").
            if mention.start >= start or mention.start < lo:
                continue
            if mention.is_writer_pronoun and skip_writer:
                continue
            if singular and mention.plural and attribution is Attribution.OTHER:
                continue
            return self._resolve(mention, start, end, own_harm and skip_writer)
        if own_harm and skip_writer:
            # "he's been self-harming", with nobody named nearby: a child named earlier.
            earlier = [m for m in self._mentions if m.end <= start and not m.is_writer_pronoun]
            if earlier and earlier[-1].referent is Referent.CHILD:
                return Referent.CHILD
        return Referent.THIRD if self._third_story(start, end) else Referent.WRITER

    def _resolve(
        self, mention: Mention, start: int, end: int, partner_harms_self: bool
    ) -> Referent:
        if (
            mention.referent is Referent.CHILD
            and not mention.own
            and not mention.possessive_other
            and self._third_story(start, end)
        ):
            # "the kids" in a story about my brother are his kids.
            return Referent.THIRD
        if (
            mention.referent is Referent.WRITER
            and not mention.is_writer_pronoun
            and partner_harms_self
        ):
            # The partner's own self-harm: their risk, resources for the writer.
            return Referent.THIRD
        return mention.referent
