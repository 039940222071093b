"""Classification throughput and memory, next to embedding the same texts alone (the floor).

Run: `make bench` or `.venv/bin/python bench/classify_throughput.py [--n 400] [--repeat 3]`.
Prints a table and writes bench/results/classify_throughput.json. The claim checked here is a
ratio measured in the same run: classification costs at most 2x embedding the text alone.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from service.classify.classifier import CheckInText, LocalClassifier  # noqa: E402
from service.classify.dataset import load_examples  # noqa: E402
from service.classify.local_model import LocalModel  # noqa: E402
from service.knowledge.embedder import get_embedder  # noqa: E402
from service.settings import Settings  # noqa: E402


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs (least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=400, help="texts per measurement")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / "classify_throughput.json"
    )
    args = parser.parse_args()

    process = psutil.Process()
    rss_start = process.memory_info().rss
    everything = load_examples()
    # Every k-th line, so short check-ins, long-form texts and all four languages are in the mix.
    examples = everything[:: max(1, len(everything) // args.n)][: args.n]
    items = [CheckInText(e.text, e.mood, e.connection, e.locale) for e in examples]
    texts = [e.text for e in examples]

    model = LocalModel.load()
    # The floor is the encoder the classifier reads with, embedding each text once.
    embedder = get_embedder(str(model.metadata["embedding_model"]))
    embedder.embed(texts[:8])
    rss_embedder = process.memory_info().rss
    classifier = LocalClassifier(model, embedder)
    classifier.classify_batch(items[:8])  # warm both paths
    rss_loaded = process.memory_info().rss
    # A worker also holds the knowledge base's encoder, for retrieval.
    retrieval = get_embedder(Settings.model_fields["embedding_model"].default)
    retrieval.embed(texts[:8])
    rss_worker = process.memory_info().rss

    single = min(len(items), 100)
    rows = {
        "embed_single": best_of(args.repeat, lambda: [embedder.embed([t]) for t in texts[:single]]),
        "classify_single": best_of(
            args.repeat, lambda: [classifier.classify_batch([i]) for i in items[:single]]
        ),
        "embed_batched": best_of(
            args.repeat,
            lambda: [embedder.embed(texts[i : i + args.batch]) for i in range(0, len(texts), args.batch)],
        ),
        "classify_batched": best_of(
            args.repeat,
            lambda: [classifier.classify_batch(items[i : i + args.batch]) for i in range(0, len(items), args.batch)],
        ),
    }  # fmt: skip
    per_second = {
        "embed_single": single / rows["embed_single"],
        "classify_single": single / rows["classify_single"],
        "embed_batched": len(texts) / rows["embed_batched"],
        "classify_batched": len(items) / rows["classify_batched"],
    }
    result = {
        "command": "python bench/classify_throughput.py " + " ".join(sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "texts": len(texts),
        "mean_chars": round(statistics.mean(len(t) for t in texts), 1),
        "checkins_per_second": {k: round(v, 1) for k, v in per_second.items()},
        "cost_ratio_vs_embedding": {
            "single": round(rows["classify_single"] / rows["embed_single"], 3),
            "batched": round(rows["classify_batched"] / rows["embed_batched"], 3),
        },
        "encoder": embedder.model_id,
        "memory_mb": {
            "embedder_loaded": round((rss_embedder - rss_start) / 2**20, 1),
            "classifier_model_on_top": round((rss_loaded - rss_embedder) / 2**20, 1),
            "retrieval_encoder_on_top": round((rss_worker - rss_loaded) / 2**20, 1),
            "process_rss": round(process.memory_info().rss / 2**20, 1),
        },
    }
    out = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'measure':<20}{'check-ins/s':>14}")
    for key, value in result["checkins_per_second"].items():
        print(f"{key:<20}{value:>14.1f}")
    ratio = result["cost_ratio_vs_embedding"]
    print(
        f"classification / embedding cost: single {ratio['single']:.2f}x, batched {ratio['batched']:.2f}x"
    )
    print(f"memory: {result['memory_mb']}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
