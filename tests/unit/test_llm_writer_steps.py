"""What a small real model put into a tip's steps, made readable or refused (docs/llm.md)."""

from __future__ import annotations

from service.coaching.llm_writer import STEP_MAX, clean_steps

CUT = ("For one 15-minute conversation tonight, leave both phones in another room and face each "
       "other. Hold eye contact a few seconds longer than feels automatic, and notice what "
       "changes in you. Offer one small touch that you know is welcome, such as a hand on the arm.")  # fmt: skip


def test_list_markers_field_names_and_repeats_go() -> None:
    steps = clean_steps([
        "- Choose a 15-minute slot tonight with screens off.",
        "2) Open with one thing you appreciated this week.",
        "partner_view", "Tonight:", "- Choose a 15-minute slot tonight with screens off.",
    ])  # fmt: skip
    assert steps == [
        "Choose a 15-minute slot tonight with screens off.",
        "Open with one thing you appreciated this week.",
    ]


def test_a_step_cut_at_the_length_limit_keeps_its_complete_sentences() -> None:
    cut = CUT[:STEP_MAX]
    assert len(cut) == STEP_MAX
    (step,) = clean_steps([cut])
    assert step.endswith("notice what changes in you.") and "small touch" not in step
    assert clean_steps(["x" * STEP_MAX]) == []  # nothing complete: dropped
    whole = "Name one ritual you will bring back, and do the first version of it tonight."
    assert clean_steps([whole]) == [whole]  # a short step without a cut stays as it is


def test_numbers_and_ordinary_dashes_inside_a_step_stay() -> None:
    step = "Take 10 minutes - just the two of you - before dinner."
    assert clean_steps([step, "10 minutes of walking side by side after dinner."]) == [
        step, "10 minutes of walking side by side after dinner.",
    ]  # fmt: skip


def test_card_ids_are_read_as_the_card_list_shows_them() -> None:
    from service.coaching.llm_writer import _unique

    assert _unique([
        "lead-with-kindness", "[lead-with-kindness]",
        "self-care-under-strain] Look after yourself when you're running on empty",
        "[science-of-bonding] The chemistry of closeness",
    ]) == ["lead-with-kindness", "self-care-under-strain", "science-of-bonding"]  # fmt: skip
