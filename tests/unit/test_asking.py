"""The ask table of service/classify/asking.py, one test per row, on real rule readings; and
how a chat message is read as an answer (service/safety_questions/wording.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.classify.asking import decide_ask, kind_for, rules_ask
from service.safety import assess_risk
from service.safety_questions.wording import (
    KINDS,
    QUESTIONS,
    answer_labels,
    parse_answer,
    question_text,
)
from service.taxonomy import RiskCategory, RiskLevel

ASK, ESCALATE = 0.12, 0.45
CATS = [("self_harm", 0.2), ("partner_violence", 0.6), ("coercive_control", 0.1)]


def ask(text: str, score: float | None, rest: float | None = None, level: RiskLevel | None = None):  # type: ignore[no-untyped-def]
    rules = assess_risk(text)
    return decide_ask(
        level or rules.level, rules, score=score, rest_score=rest,
        ask_threshold=ASK, escalate_threshold=ESCALATE, category_scores=CATS,
    )  # fmt: skip


def test_a1_an_escalation_is_never_asked_about() -> None:
    decision = ask("he hit me last night and I'm scared to go home", 0.9)
    assert (decision.ask, decision.row) == (False, "A1")
    # the model's own elevated reading is an escalation too
    assert ask("we had a rough week", 0.3, level=RiskLevel.ELEVATED).row == "A1"


def test_a2_a_rule_category_at_concern_is_asked_about_that_category() -> None:
    # (today's rules name a category at concern rarely; the row must hold when one does)
    read = assess_risk("sometimes I wonder if everyone would be better off without me")
    rules = replace(read, level=RiskLevel.CONCERN, categories=(RiskCategory.SELF_HARM,))
    decision = decide_ask(rules.level, rules, score=0.01, rest_score=None,
                          ask_threshold=ASK, escalate_threshold=ESCALATE)  # fmt: skip
    assert (decision.ask, decision.row) == (True, "A2")
    assert decision.kind == "self_harm"


def test_a3_a_probing_question_about_disclosures_is_asked() -> None:
    decision = ask("what happens if I tell you something bad? would you call someone?", 0.02)
    assert (decision.ask, decision.row) == (True, "A3")


def test_a5_a_defused_text_is_asked_about_only_when_the_rest_reads_uncertain() -> None:
    text = "I could strangle him for eating my leftovers lol. Lately I can't see the point."
    assert assess_risk(text).defusing
    assert ask(text, 0.5, rest=0.2).row == "A5"
    quiet = ask(text, 0.5, rest=0.02)
    assert (quiet.ask, quiet.row) == (False, "A7")  # the idiom explained the whole score


def test_a6_a_score_in_the_band_is_asked_and_kind_comes_from_the_model() -> None:
    decision = ask("things at home have been hard and I don't know what to do", 0.3)
    assert (decision.ask, decision.row, decision.kind) == (True, "A6", "safety_at_home")


@pytest.mark.parametrize("score", [0.0, 0.05, 0.119])
def test_a7_plain_coaching_is_never_asked(score: float) -> None:
    decision = ask("we had a lovely weekend, cooked together and watched a film", score)
    assert (decision.ask, decision.row) == (False, "A7")


def test_rules_alone_ask_only_from_their_own_findings() -> None:
    assert rules_ask(assess_risk("we argued about the dishes again")).ask is False


def test_kind_prefers_named_categories_then_the_costliest_miss() -> None:
    assert kind_for(["coercive_control"]) == "safety_at_home"
    assert kind_for(["child_safety", "self_harm"]) == "self_harm"
    assert kind_for([], [("child_safety", 0.7), ("self_harm", 0.2)]) == "child_safety"
    assert kind_for([]) == "self_harm"


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", "yes"), ("Yeah...", "yes"), ("yes I have", "yes"), ("sometimes", "yes"),
        ("Ja", "yes"), ("oui", "yes"), ("Sí", "yes"), ("si", "yes"),
        ("no", "no"), ("nope, I'm ok", "no"), ("Nein, alles gut", "no"), ("non", "no"),
        ("no, estoy bien", "no"), ("I'd rather not say", "prefer_not"),
        ("lieber nicht", "prefer_not"), ("je préfère ne pas répondre", "prefer_not"),
        ("prefiero no decirlo", "prefer_not"),
    ],
)  # fmt: skip
def test_short_answers_in_four_languages_are_read(text: str, answer: str) -> None:
    assert parse_answer(text) == answer


@pytest.mark.parametrize(
    "text",
    [
        "",
        "we talked about the holidays and it went fine",
        "yesterday he said that he would leave me if I ever told anyone about what happens at "
        "home and I believe him now more than ever",
        "nobody understands",
    ],
)
def test_ordinary_messages_are_not_answers(text: str) -> None:
    assert parse_answer(text) is None


def test_every_language_has_every_question_and_falls_back_to_english() -> None:
    for lang, questions in QUESTIONS.items():
        assert set(questions) == set(KINDS), lang
        assert all(q.rstrip().endswith("?") for q in questions.values()), lang
    assert question_text("self_harm", "pt-BR") == QUESTIONS["en"]["self_harm"]
    assert answer_labels("de-AT")["yes"] == "Ja"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("honestly what's the point anymore, nothing I do matters to anyone", "self_harm"),
        ("I'm scared of him when he drinks", "safety_at_home"),
    ],
)
def test_a2_a_hopelessness_or_fear_cue_at_concern_is_asked_about(text: str, kind: str) -> None:
    rules = assess_risk(text)
    assert rules.level == RiskLevel.CONCERN and not rules.categories  # a cue, nothing more
    decision = ask(text, 0.01)
    assert (decision.ask, decision.row, decision.kind) == (True, "A2", kind)


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("manchmal macht er mir angst, wenn er getrunken hat", "de-DE"),
        ("ehrlich gesagt hab ich schiss vor ihm", "de-DE"),
        ("il me fait un peu peur quand il boit", "fr-FR"),
        ("me da un poco de miedo cuando se enfada", "es-ES"),
    ],
)
def test_fear_words_in_every_word_order_are_a_home_safety_question(text: str, locale: str) -> None:
    rules = assess_risk(text, locale=locale)
    assert rules.level == RiskLevel.CONCERN and not rules.categories
    decision = decide_ask(rules.level, rules, score=0.01, rest_score=None,
                          ask_threshold=ASK, escalate_threshold=ESCALATE)  # fmt: skip
    assert (decision.ask, decision.kind) == (True, "safety_at_home")


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("das macht mir angst, die prüfung morgen", "de-DE"),
        ("il me fait rire tous les jours", "fr-FR"),
    ],
)
def test_fear_of_a_thing_or_laughter_is_not_a_fear_cue(text: str, locale: str) -> None:
    assert assess_risk(text, locale=locale).level == RiskLevel.NONE
