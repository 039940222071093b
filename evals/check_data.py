"""Check labelled data files against evals/data/LABELLING.md (the mechanical part).

Usage: python evals/check_data.py FILE [FILE ...]   (exit 1 on any problem)
Prints per file: lines, split shares, risk levels, languages, long-form share, problems.
"""

from __future__ import annotations

import glob
import json
import re
import sys
from collections import Counter
from pathlib import Path

LEVELS = {"none", "concern", "elevated", "urgent"}
CATEGORIES = {"self_harm", "partner_violence", "coercive_control", "child_safety"}
PATTERNS = {
    "criticism", "contempt", "defensiveness", "stonewalling", "technoference", "turning_away",
    "emotional_distance", "conflict_escalation", "conflict_avoidance", "intimacy_decline",
    "secrecy", "codependency", "appreciation", "repair", "shared_ritual", "vulnerability",
    "responsiveness",
}  # fmt: skip
POSITIVE = {"appreciation", "repair", "shared_ritual", "vulnerability", "responsiveness"}
BURNOUT = {
    "irritability_or_numbness", "resentment_at_requests", "withdrawal_from_shared_activities",
    "sleep_disruption", "loss_of_humor", "escape_fantasies", "touched_out",
}  # fmt: skip
LONG_FORM_WORDS = 100
_WORD = re.compile(r"\w+", re.UNICODE)
DATA = Path(__file__).resolve().parent / "data"


def existing_ids(skip: set[Path]) -> set[str]:
    ids: set[str] = set()
    for name in glob.glob(str(DATA / "*.jsonl")):
        if Path(name).resolve() in skip or name.endswith("retrieval.jsonl"):
            continue
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                ids.add(str(json.loads(line)["id"]))
    return ids


def check(path: Path, others: set[str]) -> list[str]:
    problems: list[str] = []
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{number}: not JSON ({exc})")
    seen: set[str] = set()
    texts: dict[str, int] = {}
    for number, r in rows:
        where = f"{path.name}:{number}"
        for key in ("id", "text", "risk_level", "risk_categories", "patterns",
                    "burnout_signals", "split", "locale"):  # fmt: skip
            if key not in r:
                problems.append(f"{where}: missing {key}")
        rid = str(r.get("id"))
        if rid in seen or rid in others:
            problems.append(f"{where}: duplicate id {rid}")
        seen.add(rid)
        text = str(r.get("text", "")).strip()
        key = " ".join(_WORD.findall(text.lower()))
        if key in texts:
            problems.append(f"{where}: same text as line {texts[key]}")
        texts[key] = number
        level = r.get("risk_level")
        if level not in LEVELS:
            problems.append(f"{where}: risk_level {level!r}")
        cats = set(r.get("risk_categories", []))
        if cats - CATEGORIES:
            problems.append(f"{where}: unknown categories {sorted(cats - CATEGORIES)}")
        if cats and level not in ("elevated", "urgent"):
            problems.append(f"{where}: categories only with elevated/urgent")
        if level in ("elevated", "urgent") and not cats:
            problems.append(f"{where}: {level} needs a category")
        pats = set(r.get("patterns", []))
        if pats - PATTERNS:
            problems.append(f"{where}: unknown patterns {sorted(pats - PATTERNS)}")
        if level in ("elevated", "urgent") and pats & POSITIVE:
            problems.append(f"{where}: positive patterns under {level}")
        burn = set(r.get("burnout_signals", []))
        if burn - BURNOUT:
            problems.append(f"{where}: unknown burnout signals {sorted(burn - BURNOUT)}")
        if r.get("split") not in ("train", "heldout"):
            problems.append(f"{where}: split {r.get('split')!r}")
        for key in ("mood", "connection"):
            value = r.get(key)
            if value is not None and value not in (1, 2, 3, 4, 5):
                problems.append(f"{where}: {key} {value!r}")
    n = max(1, len(rows))
    words = [len(_WORD.findall(str(r.get("text", "")))) for _, r in rows]
    held = sum(r.get("split") == "heldout" for _, r in rows)
    print(f"{path.name}: {len(rows)} lines, heldout {held / n:.0%}, "
          f"long-form (≥{LONG_FORM_WORDS} words) {sum(w >= LONG_FORM_WORDS for w in words)}, "
          f"words min/median/max {min(words, default=0)}/{sorted(words)[len(words) // 2] if words else 0}/{max(words, default=0)}")  # fmt: skip
    print("  risk:", dict(Counter(r.get("risk_level") for _, r in rows)))
    print("  categories:", dict(Counter(c for _, r in rows for c in r.get("risk_categories", []))))
    print("  languages:", dict(Counter(str(r.get("locale") or "?")[:2] for _, r in rows)))
    print("  patterns:", dict(Counter(p for _, r in rows for p in r.get("patterns", []))))
    print("  burnout:", dict(Counter(b for _, r in rows for b in r.get("burnout_signals", []))))
    return problems


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv]
    others = existing_ids(set(paths))
    problems = [p for path in paths for p in check(path, others)]
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
