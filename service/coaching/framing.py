"""Reading how a check-in asks to be answered: does the writer want a verdict on their partner?

People often end a one-sided account with "who's right here?", "tell me he's selfish", "back
me up". The answer must not take sides; it names the partner's likely view instead.
"""

from __future__ import annotations

import re

_VERDICT = re.compile(
    # English
    r"\bwho'?s (right|wrong|to blame)\b|\bwho is (right|wrong|to blame)\b|"
    r"\bam i (wrong|right|crazy|overreacting|being (unreasonable|dramatic|petty))\b|"
    r"\btell me (i'?m|i am|he'?s|she'?s|they'?re|he is|she is|it was|it'?s)\b|"
    r"\b(confirm|agree|back me up|take my side|side with me|on my side)\b|"
    r"\b(is|isn'?t|wasn'?t|doesn'?t|don'?t|didn'?t) (he|she|they|it|that)\b[^.!?\n]{0,40}\?|"
    r"\b(right|agree|no|yes|yeah)\s*\?+\s*$|\b(he|she|they)('?s| is| are) the problem\b|"
    r"\b(it'?s|it is) (all )?(his|her|their) fault\b|"
    # German, French, Spanish
    r"\bsag mir( ehrlich)?,? dass\b|\bwer hat (recht|schuld)\b|\b(oder|stimmt'?s|nicht wahr)\s*\?+\s*$|"
    r"\bqui a (raison|tort)\b|\bn'?est-ce pas\b|\bdis-moi qu|\bj'?ai raison\b|"
    r"\bverdad que\b|\bqui[eé]n tiene (raz[oó]n|la culpa)\b|\bdime que\b|\btengo raz[oó]n\b",
    re.IGNORECASE | re.MULTILINE,
)


def seeks_verdict(text: str) -> bool:
    """Whether the writer asks the coach to judge or side against their partner."""
    return _VERDICT.search(text) is not None
