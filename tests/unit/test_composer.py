"""The offline composer: grounded, deterministic, safety first."""

from __future__ import annotations

from service.coaching.composer import TipInput, compose
from service.coaching.resources import resources_for
from service.retrieval.search import RetrievedCard
from service.taxonomy import RiskLevel
from tests.conftest import KNOWLEDGE


def card(card_id: str, *, contraindications: list[str] | None = None) -> RetrievedCard:
    return RetrievedCard(
        id=card_id,
        title=f"Title of {card_id}",
        summary="A summary of the strategy.",
        kind="strategy",
        score=0.03,
        patterns=["technoference"],
        burnout_signals=[],
        contraindications=contraindications or [],
        stages=["mid"],
        steps=["Put both phones in a drawer for dinner.", "Ask one open question.", "Listen."],
        evidence=[{"claim": "42% of couples report it.", "source": "Pew Research Center, 2024"}],
        dense_rank=1,
        text_rank=2,
        reason="",
    )


def tip_input(level: RiskLevel, categories: list[str], cards: list[RetrievedCard]) -> TipInput:
    return TipInput(
        checkin_id="c1",
        mood=2,
        connection=2,
        risk_level=level,
        risk_categories=categories,
        patterns=["technoference"],
        burnout_signals=[],
        cards=cards,
        resources=resources_for(KNOWLEDGE / "resources", "en-US"),
    )


def test_coaching_tip_cites_only_what_it_was_given_and_is_deterministic() -> None:
    given = [card("technology-as-a-bridge"), card("rituals-of-connection")]
    tip = compose(tip_input(RiskLevel.NONE, [], given))
    assert tip.kind == "coaching"
    assert tip.backend == "offline"
    assert set(tip.citations) <= {c.id for c in given}
    assert 2 <= len(tip.body["steps"]) <= 4
    assert "screens" in tip.body["why"]
    assert compose(tip_input(RiskLevel.NONE, [], given)) == tip


def test_urgent_gets_emergency_number_first_and_nothing_else() -> None:
    tip = compose(tip_input(RiskLevel.URGENT, ["partner_violence"], [card("x")]))
    assert tip.kind == "safety"
    assert tip.citations == []
    assert "911" in tip.body["emergency"][0]
    assert "steps" not in tip.body


def test_elevated_violence_never_uses_a_contraindicated_card() -> None:
    joint = card("repair-after-conflict", contraindications=["partner_violence"])
    safe = card("seek-outside-help")
    tip = compose(tip_input(RiskLevel.ELEVATED, ["partner_violence"], [joint, safe]))
    assert tip.kind == "safety"
    assert tip.citations == ["seek-outside-help"]
    names = " ".join(r["name"] for r in tip.body["resources"])
    assert "Domestic Violence" in names


def test_concern_adds_a_gentle_question_and_resources() -> None:
    tip = compose(tip_input(RiskLevel.CONCERN, [], [card("technology-as-a-bridge")]))
    assert tip.kind == "coaching"
    assert tip.body["check_in_question"]
    assert tip.body["resources"]


def test_an_open_home_safety_question_keeps_coaching_for_the_writer_alone() -> None:
    from dataclasses import replace

    from service.coaching.guard import GuardContext, Output, check, suggests_joint_work

    joint = replace(card("rituals-of-connection"), steps=["Cook dinner together tonight.",
                    "Take a walk on your own and notice how you feel."])  # fmt: skip
    given = [joint, card("technology-as-a-bridge")]
    base = tip_input(RiskLevel.NONE, [], given)
    tip = compose(replace(base, individual_only=True, asks_safety=True))
    assert tip.kind == "coaching" and tip.citations
    assert not any(suggests_joint_work(s) for s in tip.body["steps"])
    assert "question" not in tip.body and "partner_view" not in tip.body
    assert "check_in_question" not in tip.body  # the safety question is the one question
    guard = GuardContext(risk_level=RiskLevel.NONE, retrieved_ids=frozenset(c.id for c in given),
                         individual_only=True)  # fmt: skip
    joint_output = Output("coaching", title="t", texts=("Plan a date night together.",),
                          citations=[joint.id])  # fmt: skip
    assert not check(joint_output, guard).passed
