"""Sexual coercion and fear of what a partner will do after a "no" (English).

Consent given out of fear is not consent. Coercive control, elevated. Matched after
normalisation (lower case, accents removed)."""

from __future__ import annotations

from service.safety.rule import Rule, make_rule
from service.taxonomy import RiskLevel

E = RiskLevel.ELEVATED
_PARTNER = (
    r"(?:he|she|they|my\s+(?:husband|wife|partner|boyfriend|girlfriend|bf|gf|fiance|fiancee))"
)

RULES: tuple[Rule, ...] = (
    make_rule(
        "en",
        "coercive_control",
        "fear_of_refusing",
        # Apostrophes are gone after normalisation: "he'd" is "hed", "didn't" is "didnt".
        rf"\b(?:afraid|scared|terrified|frightened)\s+(?:of\s+)?what\s+{_PARTNER}"
        r"(?:d|ll|\s+would|\s+will|\s+might|\s+could)\s+do\s+if\s+i\s+"
        r"(?:didnt|dont|did\s+not|do\s+not|said\s+no|say\s+no|refused?|left|leave|stopped|wont)\b",
        E,
    ),
    make_rule(
        "en",
        "coercive_control",
        "gave_in_out_of_fear",
        r"\b(?:gave\s+in|went\s+along\s+with\s+it|said\s+yes|let\s+him|let\s+her|did\s+it)\s+"
        r"(?:because|cos|cause|bc|since)\s+i\s+(?:was|felt)\s+(?:too\s+)?(?:afraid|scared|frightened|terrified)"
        r"(?:\s+(?:of\s+(?:him|her|them|what)|he|she|they)\b|\s*[.,;!]|\s*$)",
        E,
    ),
    make_rule(
        "en",
        "partner_violence",
        "sexual_coercion",
        rf"\b{_PARTNER}\s+(?:made|forced|pressured|pressures|pushes|pushed|coerced|guilt[- ]?trips?)\s+me\s+"
        r"(?:into\s+(?:sex|sleeping\s+with\s+(?:him|her|them))|to\s+(?:have\s+sex|sleep\s+with))\b"
        r"|\b(?:says|tells\s+me|told\s+me|reminds\s+me)\s+(?:that\s+)?i\s+owe\s+(?:him|her|them)\s+sex\b"
        r"|\b(?:wont|doesnt|does\s+not)\s+(?:take|accept)\s+no\s+(?:for\s+an\s+answer\s+)?"
        r"(?:when\s+it\s+comes\s+to|about|for)\s+sex\b",
        E,
    ),
)
