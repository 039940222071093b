"""Tips and chat from a real model, through the whole service, on fixed held-out inputs.

Run (with a model server up, e.g. `make llm-local`, and LLM_* set as it prints):

    .venv/bin/python bench/llm_real.py tips [--n 30]
    .venv/bin/python bench/llm_real.py chat [--n 10]

`tips`: the first N held-out check-ins of evals/data whose gold risk is none or concern
(evenly spread over them), each posted through the API and answered by the pipeline with the
model writing the tip. `chat`: N conversations of three turns made of held-out everyday
texts, streamed through the chat engine. Both run as guideline cases (the always-on rules:
grounding, no diagnosis, no means, escalation, no leak) with `attune eval guidelines
--backend llm` machinery, so the results carry the stored generation attempts. The report
(JSON + HTML, with an `llm` block: calls, valid rate, latency p50/p95, tokens, guard
rejections by rule, regenerations, offline fallbacks) goes to bench/results/llm/<run>/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import click  # noqa: E402
import yaml  # noqa: E402

from service.classify.dataset import load_examples, split  # noqa: E402
from service.cli.classify import sample_evenly  # noqa: E402
from service.cli.guidelines import eval_guidelines_command  # noqa: E402
from service.settings import Settings  # noqa: E402

OUT = ROOT / "bench" / "results" / "llm"


def tip_cases(n: int) -> list[dict[str, Any]]:
    heldout = [e for e in split(load_examples(), "heldout") if e.risk_level in ("none", "concern")]
    cases = []
    for e in sample_evenly(heldout, n):
        checkin: dict[str, Any] = {"text": e.text}
        checkin |= {k: v for k, v in (("mood", e.mood), ("connection", e.connection)) if v}
        locale = e.locale if e.locale and len(e.locale) == 5 else "en-US"
        cases.append({"id": f"tip-{e.id.lower()}", "guideline": "grounding", "locale": locale,
                      "description": f"held-out check-in {e.id} ({e.risk_level})",
                      "checkin": checkin})  # fmt: skip
    return cases


def chat_cases(n: int) -> list[dict[str, Any]]:
    everyday = [e for e in split(load_examples(), "heldout")
                if e.risk_level == "none" and (e.locale or "en").startswith("en")
                and len(e.text) < 600]  # fmt: skip
    starts = sample_evenly(list(range(0, len(everyday) - 2, 3)), n)
    return [
        {"id": f"chat-{everyday[i].id.lower()}", "guideline": "chat",
         "description": f"three held-out turns from {everyday[i].id}",
         "chat": [everyday[i + j].text for j in range(3)]}
        for i in starts
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", choices=["tips", "chat"])
    parser.add_argument("--n", type=int, default=None, help="tips: 30, chat: 10")
    args = parser.parse_args()
    settings = Settings()
    if not settings.llm_base_url:
        parser.error("set LLM_BASE_URL (and LLM_MODEL, LLM_CONTEXT_TOKENS) to the model server")
    n = args.n or (30 if args.run == "tips" else 10)
    cases = tip_cases(n) if args.run == "tips" else chat_cases(n)
    out = OUT / f"{args.run}-{n}"
    with tempfile.TemporaryDirectory(prefix="attune-llm-cases-") as tmp:
        (Path(tmp) / f"{args.run}.yaml").write_text(yaml.safe_dump(cases, allow_unicode=True))
        try:
            report = eval_guidelines_command(settings, backend="llm", pattern="*",
                                             update_baseline=False, reports_dir=out,
                                             cases_dir=Path(tmp))  # fmt: skip
        except click.ClickException as exc:  # hard-rule failures: the report is written
            print(f"bench/llm_real.py: {exc.message}", file=sys.stderr)
            report = json.loads((out / "guidelines-llm.json").read_text())
    summary = {"run": args.run, "inputs": len(cases), "passed": report["passed"],
               "hard_ok": report["hard_ok"], "seconds": report["seconds"], **report["llm"]}  # fmt: skip
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
