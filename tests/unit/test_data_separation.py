"""Eval cases and labelled training data stay apart: no case text is (nearly) a training line.

Otherwise the guideline evals would measure memory, not behaviour on new text.
"""

from __future__ import annotations

import re

from service.classify.dataset import load_examples
from service.guidelines.cases import load_cases

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_OVERLAP = 0.5  # Jaccard similarity of word sets


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def test_no_eval_case_is_a_near_copy_of_a_training_line() -> None:
    training = [(e.id, _words(e.text)) for e in load_examples() if e.split == "train"]
    texts: list[tuple[str, str]] = []
    for case in load_cases():
        if case.checkin:
            texts.append((case.id, case.checkin.text))
        texts += [(case.id, t) for t in case.chat or []]
    close = []
    for case_id, text in texts:
        words = _words(text)
        if len(words) < 6:
            continue
        for line_id, other in training:
            overlap = len(words & other) / len(words | other)
            if overlap >= MAX_OVERLAP:
                close.append((case_id, line_id, round(overlap, 2)))
    assert close == []
