"""English passive death wishes told without a plan, often next to "I'm not going to do
anything": everyone would be easier off if the writer "wasn't in the picture", it would be
easier not to wake up, dying "feels like rest". Thoughts of suicide without plan or timing
are elevated self-harm (LABELLING.md); the same family exists in de/fr/es.
"""

from __future__ import annotations

from functools import partial

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

_r = partial(make_rule, "en")
E = RiskLevel.ELEVATED

RULES: tuple[Rule, ...] = (
    _r(
        "self_harm",
        "easier_without_me",
        r"\b(?:easier|better|simpler|lighter|happier)\b[^.!?\n]{0,40}?\bif\s+i\s+(?:just\s+|simply\s+)?(?:wasnt|werent|was\s+not"
        r"|were\s+not)\s+(?:here|around|alive|in\s+the\s+picture|in\s+(?:their|his|her|your|everyones)\s+li(?:fe|ves))\b"
        r"|\b(?:easier|better|simpler)\s+(?:to\s+)?not\s+(?:to\s+)?wake\s+up\b|\b(?:easier|better)\s+if\s+i\s+(?:didnt|did\s+not"
        r"|never)\s+wake\s+up\b"
        r"|\b(?:kids|children|family|they|he|she|everyone|my\s+\w+)\s+(?:would|d)\s+be\s+(?:\w+\s+)?(?:better\s+off|happier)\s+"
        r"with\s+(?:a\s+)?(?:different|another|better)\s+(?:mum|mom|mother|dad|father|wife|husband|partner|parent)\b"
        r"|\bwith\s+a\s+(?:mum|mom|mother|dad|father|wife|husband|partner)\s+who\s+(?:isnt|wasnt|is\s+not)\s+me\b",
        E,
        negatable=False,
    ),
    _r(
        "self_harm",
        "not_waking_up",
        # (Not "she's been talking about going to sleep and not waking up": someone else's words.)
        r"(?<!\babout\s)(?<!\bto\s)\b(?:sleep|go(?:ing)?\s+to\s+sleep|fall(?:ing)?\s+asleep|clos(?:e|ing)\s+my\s+eyes)\s+and\s+(?:just\s+)?(?:not|never)\s+"
        r"wak(?:e|ing)\s+up\b"
        r"|\b(?:the\s+)?(?:idea|thought)\s+of\s+(?:dying|being\s+dead|not\s+waking\s+up|not\s+existing|not\s+being\s+here)\s+"
        r"(?:\w+\s+){0,3}?(?:feels|is|seems|sounds|has\s+been|became)\s+(?:\w+\s+){0,2}?(?:like\s+)?(?:a\s+)?(?:rest|relief|comfort"
        r"|comforting|peaceful|nice|good|appealing|tempting)\b"
        r"|\bthoughts?\s+of\s+not\s+wanting\s+to\s+(?:be\s+here|live|be\s+alive|exist)\b"
        r"|\b(?:dont|do\s+not)\s+think\s+i\s+want\s+to\s+(?:be\s+here|live|be\s+alive|exist|go\s+on|wake\s+up)\b"
        r"|\blifes?\s+(?:is\s+)?not\s+worth\s+(?:it|living)\b|\blife\s+isnt\s+worth\s+it\b"
        r"|\b(?:anyone|anybody|anyoned|anybodyd)\s+(?:would\s+)?(?:even\s+)?(?:notice|care)\s+if\s+i\s+(?:just\s+)?(?:stopped"
        r"|disappeared|vanished|was\s+gone|wasnt\s+here|died)\b",
        E,
        negatable=False,
    ),
)
