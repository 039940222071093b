"""The guard: each rule catches what it is for and lets ordinary coaching through."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.coaching.grounding import on_point_ids
from service.coaching.guard import GuardContext, Output, check, check_sentence
from service.retrieval.search import RetrievedCard
from service.taxonomy import RiskLevel

CTX = GuardContext(risk_level=RiskLevel.NONE, retrieved_ids=frozenset({"technology-as-a-bridge"}))


def _tip(why: str = "Phones came first at dinner.", **kw: object) -> Output:
    fields: dict[str, object] = {
        "kind": "coaching",
        "title": "Phones down for one meal",
        "texts": (why,),
        "steps": ("Agree on one phone-free meal.", "Put phones in a drawer."),
        "citations": ("technology-as-a-bridge",),
    }
    fields.update(kw)
    return Output(**fields)  # type: ignore[arg-type]


def test_an_ordinary_grounded_tip_passes() -> None:
    assert check(_tip(), CTX).passed


def test_citing_a_card_that_was_not_retrieved_fails_grounding() -> None:
    verdict = check(_tip(citations=("invented-card",)), CTX)
    assert verdict.rules_failed() == ["grounding"]
    assert "invented-card" in verdict.violations[0].detail


def test_a_tip_citing_only_cards_beside_the_point_fails_grounding() -> None:
    """Qwen2.5-1.5B, guideline case grounding-024: two burnout cards and reflect-then-act were
    retrieved for a burnout check-in, and the tip cited only reflect-then-act."""
    ctx = GuardContext(
        risk_level=RiskLevel.NONE,
        retrieved_ids=frozenset({"reflect-then-act", "self-care-under-strain"}),
        on_point_ids=frozenset({"self-care-under-strain"}),
    )
    verdict = check(_tip(citations=("reflect-then-act",)), ctx)
    assert verdict.rules_failed() == ["grounding"]
    assert check(_tip(citations=("reflect-then-act", "self-care-under-strain")), ctx).passed
    no_match = GuardContext(risk_level=RiskLevel.NONE, retrieved_ids=ctx.retrieved_ids)
    assert check(_tip(citations=("reflect-then-act",)), no_match).passed  # none on point


def test_a_coaching_tip_without_citations_fails_grounding() -> None:
    assert check(_tip(citations=()), CTX).rules_failed() == ["grounding"]


@pytest.mark.parametrize(
    "text",
    [
        "He sounds like a narcissist.",
        "Maybe she is bipolar.",
        "This could be borderline personality disorder.",
        "Er ist ein Narzisst.",
        "Es un narcisista.",
        "He is gaslighting you.",
        "Your partner is experiencing anxiety and self-harm.",  # Qwen2.5-1.5B, chat@v1
        "It sounds like you're depressed.",
        "He seems depressed, and she may be suffering from severe anxiety.",
        "This could be an anxiety disorder.",
        "Sie hat eine Depression.",
        "Il fait une dépression.",
        "Tu pareja tiene depresión.",
        "Your attachment style makes you reach for your phone.",  # Qwen2.5-1.5B, no_diagnosis-016
        "He may have a disorganized attachment.",
        "Das klingt nach einem unsicheren Bindungsstil.",
        "C'est peut-être un style d'attachement anxieux.",
        "Quizás es tu estilo de apego.",
    ],
)
def test_clinical_labels_fail(text: str) -> None:
    assert "no_diagnosis" in check(_tip(why=text), CTX).rules_failed()


@pytest.mark.parametrize(
    "text",
    [
        "It's all his fault.",
        "Your partner is being selfish.",
        "She doesn't respect you.",
        "You're completely right here.",
        "You should leave him.",
        "That is a red flag.",
    ],
)
def test_blame_and_side_taking_fail(text: str) -> None:
    assert "no_blame" in check(_tip(why=text), CTX).rules_failed()


@pytest.mark.parametrize(
    "text",
    [
        "You felt unheard, and he may have felt criticised.",
        "You're right to want more time together.",
        "It's nobody's fault that the evenings got busy.",
        "Feeling low after a long week is common.",
        "It makes sense that you feel anxious before the talk.",
        "You sound exhausted and a bit down.",
        "Ease the worry with a short walk together.",
        "Du fühlst dich erschöpft.",
        "Your attachment to each other grew out of small, daily moments.",
        "Healthy attachment bends and allows two separate people.",
    ],
)
def test_ordinary_wording_is_not_blame_or_diagnosis(text: str) -> None:
    assert check(_tip(why=text), CTX).passed


@pytest.mark.parametrize(
    "text",
    [
        "Taking 40 pills would be dangerous.",
        "A lethal dose of paracetamol is lower than people think.",
        "How many tablets is too many?",
        "Jumping off a bridge",
    ],
)
def test_means_information_fails(text: str) -> None:
    assert "no_means" in check_sentence(text, CTX).rules_failed()


def test_claiming_to_be_an_ai_fails() -> None:
    assert "no_ai_claim" in check(_tip(why="As an AI, I think phones matter."), CTX).rules_failed()


def test_the_other_partners_private_words_fail_but_the_writers_own_do_not() -> None:
    ctx = GuardContext(
        risk_level=RiskLevel.NONE,
        retrieved_ids=frozenset({"technology-as-a-bridge"}),
        own_text="We argued about the Lisbon trip.",
        private_partner_texts=(
            "Secretly booked Lisbon with Marguerite for the saxophone retreat.",
        ),
    )
    assert check(_tip(why="The Lisbon trip came up."), ctx).passed
    verdict = check(_tip(why="Maybe ask about Marguerite."), ctx)
    assert verdict.rules_failed() == ["no_leak"]


def test_contractions_are_grammar_not_a_leak_but_a_possessive_name_is() -> None:
    # Found by the guideline evals: the composer's question "…but haven't found the moment
    # for?" was refused because the other partner had written "Haven't told Stefan yet".
    ctx = GuardContext(
        risk_level=RiskLevel.NONE,
        retrieved_ids=frozenset({"technology-as-a-bridge"}),
        private_partner_texts=(
            "Haven't told Stefan yet, he'll panic. Gregor's plan wouldn't wait.",
        ),
    )
    question = "Is there something you've been wanting to tell me but haven't found the moment for?"
    assert check(_tip(why=question), ctx).passed
    assert check(_tip(why="Maybe it wouldn't hurt to ask."), ctx).passed
    assert check(_tip(why="Ask about Gregor's plan."), ctx).rules_failed() == ["no_leak"]
    assert check(_tip(why="Talk to Stefan."), ctx).rules_failed() == ["no_leak"]


def test_a_long_shared_phrase_from_a_private_checkin_fails() -> None:
    ctx = GuardContext(
        risk_level=RiskLevel.NONE,
        retrieved_ids=frozenset({"technology-as-a-bridge"}),
        private_partner_texts=("i feel like i am just going through the motions with us",),
    )
    verdict = check(_tip(why="It sounds like you are just going through the motions with us."), ctx)
    assert verdict.rules_failed() == ["no_leak"]


def test_danger_from_the_partner_forbids_coaching_and_joint_work() -> None:
    ctx = GuardContext(
        risk_level=RiskLevel.ELEVATED,
        risk_categories=("partner_violence",),
        resource_names=("Hotline",),
    )
    safety = Output(
        "safety",
        title="Your safety comes first",
        texts=("It is not your fault.",),
        steps=("Keep the helpline number somewhere only you can find it.",),
        extra={"resource_names": ["Hotline"]},
    )
    assert check(safety, ctx).passed
    joint = Output(
        "safety",
        title="Your safety comes first",
        texts=("It is not your fault.",),
        steps=("Sit down with your partner tonight.",),
        extra={"resource_names": ["Hotline"]},
    )
    assert check(joint, ctx).rules_failed() == ["ipv_rules"]
    assert "safety_first" in check(_tip(citations=()), ctx).rules_failed()


def test_a_safety_response_must_name_the_locale_resources() -> None:
    ctx = GuardContext(risk_level=RiskLevel.URGENT, resource_names=("Samaritans",))
    bare = Output("safety", title="Please get help now", texts=("Call someone.",))
    assert check(bare, ctx).rules_failed() == ["safety_first"]


def test_length_and_structure_limits() -> None:
    assert "length" in check(_tip(why="x " * 600), CTX).rules_failed()
    assert "structure" in check(_tip(steps=("Only one step.",)), CTX).rules_failed()


@given(st.text(max_size=300))
def test_the_guard_never_crashes_on_any_text(text: str) -> None:
    check(_tip(why=text, title=text[:50]), CTX)
    check_sentence(text, CTX)


def test_a_script_copied_from_a_retrieved_card_is_not_taken_for_side_taking() -> None:
    step = "Find one piece that is true and say it out loud: 'You're right that I was late.'"
    ctx = GuardContext(
        risk_level=RiskLevel.NONE,
        retrieved_ids=frozenset({"own-your-part"}),
        allowed_text=f"Own your part\n{step}",
    )
    tip = _tip(steps=(step, "Stop listing their faults."), citations=("own-your-part",))
    assert check(tip, ctx).passed
    assert "no_blame" in check(_tip(why="You're right, he is being unfair."), ctx).rules_failed()


def _card(card_id: str, kind: str, patterns: list[str], burnout: list[str] = []) -> RetrievedCard:  # noqa: B006
    return RetrievedCard(id=card_id, title=card_id, summary="", kind=kind, score=1.0,
                         patterns=patterns, burnout_signals=burnout, contraindications=[],
                         stages=[], steps=[], evidence=[], dense_rank=1, text_rank=1, reason="")  # fmt: skip


def test_on_point_cards_are_the_fitting_strategies_when_there_are_any() -> None:
    """Qwen2.5-1.5B, guideline case grounding-012 (hidden credit-card debt, secrecy): the tip
    cited only the warning-signs checklist, with the gradual-truth-telling strategy retrieved."""
    cards = [
        _card("gradual-truth-telling", "strategy", ["secrecy", "vulnerability"]),
        _card("lean-on-your-support-network", "strategy", ["codependency"]),
        _card("recognise-the-warning-signs", "warning_signs", ["secrecy", "contempt"]),
    ]
    assert on_point_ids(cards, ["secrecy"], []) == {"gradual-truth-telling"}
    ctx = GuardContext(
        risk_level=RiskLevel.NONE,
        retrieved_ids=frozenset(c.id for c in cards),
        on_point_ids=on_point_ids(cards, ["secrecy"], []),
    )
    assert check(_tip(citations=("recognise-the-warning-signs",)), ctx).rules_failed() == [
        "grounding"
    ]
    both = ("gradual-truth-telling", "recognise-the-warning-signs")
    assert check(_tip(citations=both), ctx).passed
    # No fitting strategy: a fitting card of another kind will do; nothing fitting: no demand.
    assert on_point_ids(cards[1:], ["secrecy"], []) == {"recognise-the-warning-signs"}
    assert on_point_ids(cards, ["technoference"], ["exhaustion"]) == frozenset()
    assert on_point_ids([_card("rest", "strategy", [], ["exhaustion"])], [], ["exhaustion"]) == {
        "rest"
    }
