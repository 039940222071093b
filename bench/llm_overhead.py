"""The time the service adds around a model call, measured against a zero-latency model.

Run: `.venv/bin/python bench/llm_overhead.py [--n 300] [--warmup 30]`.
Writes bench/results/llm_overhead.json and prints a table.

A scripted OpenAI-compatible server (tests/support/scripted_llm.py, real HTTP on 127.0.0.1)
answers instantly. Three things are timed in the same run, interleaved round by round:

- baseline: the bare `openai` client call to that server (what the model call itself costs
  here: HTTP, JSON, the client library) — the floor;
- tip: `produce_tip` with the model writer — prompt rendering, the gateway (breaker, retries,
  token accounting), parsing and shape checks, the guard;
- chat: a streamed answer through the gateway with the chat engine's sentence-by-sentence guard
  (`ChatEngine._stream_model`), against the bare streamed client call.

Overhead = service p50/p99 minus baseline p50/p99. Retrieval and database writes are not part
of "around the model call"; their latency is in bench/retrieval_latency.py.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import openai  # noqa: E402
from machine import machine_info  # noqa: E402 - bench/ is on sys.path
from stats import summarise  # noqa: E402

from service.coaching.composer import TipInput  # noqa: E402
from service.coaching.guard import GuardContext  # noqa: E402
from service.coaching.llm_writer import TIP_MAX_TOKENS, TIP_SCHEMA, LLMTipWriter  # noqa: E402
from service.coaching.policy import plan_for  # noqa: E402
from service.coaching.resources import resources_for  # noqa: E402
from service.coaching.tips import produce_tip  # noqa: E402
from service.conversations.chat import ChatEngine  # noqa: E402
from service.conversations.turn import PreparedTurn  # noqa: E402
from service.lib.llm import LLMGateway  # noqa: E402
from service.lib.logging import configure_logging  # noqa: E402
from service.retrieval.search import RetrievedCard  # noqa: E402
from service.taxonomy import RiskLevel  # noqa: E402
from tests.support.scripted_llm import ScriptedLLM  # noqa: E402

OUT = ROOT / "bench" / "results" / "llm_overhead.json"
CHECKIN = "He was on his phone all through dinner again and I felt invisible."
CARD = RetrievedCard(
    id="technology-as-a-bridge",
    title="Use technology as a bridge, not a wall",
    summary="Agree on phone-free times and use devices to reach each other.",
    kind="strategy",
    score=0.5,
    patterns=["technoference"],
    burnout_signals=[],
    contraindications=[],
    stages=["early", "mid", "long_term"],
    steps=["Agree on one phone-free meal a day.", "Keep phones out of the bedroom."],
    evidence=[],
    dense_rank=1,
    text_rank=1,
    reason="bench",
)
TIP = {
    "title": "Phones down for one meal",
    "why": "You felt invisible while the phone came first at dinner.",
    "steps": ["Agree on one phone-free meal a day.", "Keep phones out of the bedroom."],
    "tonight": "Ask for ten phone-free minutes after dinner.",
    "question": "What would make dinner feel like our time?",
    "partner_view": None,
    "citations": ["technology-as-a-bridge"],
}
TOKENS = [
    "That sounds lonely. ", "One idea is a phone basket ", "at dinner [technology-as-a-bridge]. ",
    "What would make dinner ", "feel like yours again?",
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="timed rounds [default: 300]")
    parser.add_argument("--warmup", type=int, default=30, help="untimed rounds [default: 30]")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    configure_logging("warning")  # one log line per call would be measured too

    resources = resources_for(ROOT / "knowledge" / "resources", "en-US")
    tip_input = TipInput(
        checkin_id="bench", mood=2, connection=2, risk_level=RiskLevel.NONE, risk_categories=[],
        patterns=["technoference"], burnout_signals=[], cards=[CARD], resources=resources,
    )  # fmt: skip
    plan = plan_for(RiskLevel.NONE)
    guard = GuardContext(
        risk_level=RiskLevel.NONE,
        retrieved_ids=frozenset({CARD.id}),
        own_text=CHECKIN,
        private_partner_texts=("Booked the Lisbon flat with Marguerite, he must not know.",),
    )
    turn = PreparedTurn(
        conversation_id=uuid.uuid4(), message_id=uuid.uuid4(), seq=1, text=CHECKIN, plan=plan,
        cards=[CARD], resources=resources, guard=guard, history=[], summary=None,
    )  # fmt: skip

    samples: dict[str, list[float]] = {
        k: [] for k in ("baseline", "tip", "stream_baseline", "chat")
    }
    with ScriptedLLM(model="zero-latency") as llm:
        client = openai.OpenAI(base_url=llm.base_url, api_key="bench", max_retries=0, timeout=10)
        gateway = LLMGateway(llm.base_url, llm.model, "bench", timeout=10, max_retries=0)
        writer = LLMTipWriter(gateway)
        engine = ChatEngine(
            None,  # type: ignore[arg-type] - _stream_model needs no database
            embedder=lambda: None,  # type: ignore[arg-type,return-value]
            gateway=lambda: gateway,
            knowledge_dir=ROOT / "knowledge",
        )
        messages = writer._messages(  # the same prompt the service sends
            writer.tip_prompt, TIP_MAX_TOKENS, stage="mid", mood=2, connection=2, patterns="technoference",
            burnout_signals="none", risk_level="none", cards="[technology-as-a-bridge]",
            checkin=CHECKIN,
        )  # fmt: skip

        def baseline() -> None:
            llm.json(TIP)
            client.chat.completions.create(
                model=llm.model,
                messages=messages,  # type: ignore[arg-type]
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "tip", "schema": TIP_SCHEMA, "strict": True},
                },
            )

        def tip() -> None:
            llm.json(TIP)
            out = produce_tip(tip_input, plan, guard, checkin_text=CHECKIN, writer=writer)
            assert out.tip.backend == "llm", out.attempts

        def stream_baseline() -> None:
            llm.stream(TOKENS)
            for _ in client.chat.completions.create(
                model=llm.model,
                messages=messages,
                stream=True,  # type: ignore[arg-type]
            ):
                pass

        def chat() -> None:
            llm.stream(TOKENS)
            turn.attempts.clear()
            events = list(engine._stream_model(turn, gateway))
            assert events and events[-1].type == "delta", events

        runs = {"baseline": baseline, "tip": tip, "stream_baseline": stream_baseline, "chat": chat}
        for _ in range(args.warmup):
            for run in runs.values():
                run()
        gc.collect()
        gc.disable()  # collector pauses are not the service's doing; count them separately
        try:
            for i in range(args.n):
                for name, run in runs.items():
                    started = time.perf_counter()
                    run()
                    samples[name].append(time.perf_counter() - started)
                if i % 50 == 49:
                    print(f"  {i + 1}/{args.n} rounds", file=sys.stderr, flush=True)
        finally:
            gc.enable()
        client.close()
        gateway.close()

    stats = {name: summarise(values) for name, values in samples.items()}
    overhead = {
        "tip": {
            "p50_ms": round(stats["tip"]["p50_ms"] - stats["baseline"]["p50_ms"], 3),
            "p99_ms": round(stats["tip"]["p99_ms"] - stats["baseline"]["p99_ms"], 3),
        },
        "chat_stream": {
            "p50_ms": round(stats["chat"]["p50_ms"] - stats["stream_baseline"]["p50_ms"], 3),
            "p99_ms": round(stats["chat"]["p99_ms"] - stats["stream_baseline"]["p99_ms"], 3),
        },
    }
    result: dict[str, Any] = {
        "command": " ".join(["bench/llm_overhead.py", *sys.argv[1:]]),
        "machine": machine_info(),
        "timings": stats,
        "overhead_vs_bare_client": overhead,
        "target_p99_ms": 50,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'path':<18}{'p50 ms':>10}{'p99 ms':>10}")
    for name, s in stats.items():
        print(f"{name:<18}{s['p50_ms']:>10.2f}{s['p99_ms']:>10.2f}")
    for name, o in overhead.items():
        print(f"overhead {name:<9}{o['p50_ms']:>10.2f}{o['p99_ms']:>10.2f}   (target p99 < 50 ms)")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
